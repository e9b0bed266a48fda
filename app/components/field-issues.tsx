// A form's field-named API issues (400 {error, issues}): the text for one field, and the alert
// shown beside it. One place for the train-rm, PPO and score forms.
import type { ApiIssue } from "./api-client";

/** Every message for `field`, joined; "" when it has none. */
export function issueText(issues: readonly ApiIssue[], field: string): string {
  return issues
    .filter((i) => i.field === field)
    .map((i) => i.message)
    .join("; ");
}

/** The alert beside a field, or nothing when the field has no issue. */
export function FieldError({ issues, field }: { issues: readonly ApiIssue[]; field: string }) {
  const text = issueText(issues, field);
  return text ? (
    <span role="alert" className="text-xs text-red-700" data-field={field}>
      {text}
    </span>
  ) : null;
}
