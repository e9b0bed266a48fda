// When an annotator may still change a ranking they submitted: the whole rule, pure (no I/O).
// The store (ranking-edit.ts) loads the numbers, asks this, and writes the new version.
//
// A ranking is EDITABLE by its annotator while its task is OPEN for it, that is while
//   1. the task has fewer than the project's R rankings (it is still collecting rankings, so a
//      changed ranking cannot contradict a task everyone has finished), OR
//   2. the ranking was first submitted less than the project's assignment timeout ago — a
//      grace period, so that even with R = 1 (or on the task's last ranking) the annotator can
//      fix a slip right after submitting.
// The window of 2 counts from the FIRST submission (`rankings.created_at`), not from the latest
// edit, so editing cannot keep a ranking open forever. Imported rankings are never editable
// (no annotator of this app submitted them). Outside the rule the ranking is final: PUT answers
// 409 with the reason, and the ranking page shows it read-only.

export interface EditWindowInput {
  source: "annotator" | "imported";
  /** Rankings stored for the task now (this one included; annotators' and imported). */
  rankingsOnTask: number;
  /** R: how many annotators rank each task. */
  redundancy: number;
  /** When the ranking was first submitted (unix ms). */
  submittedAt: number;
  /** The project's assignment timeout, in seconds: the grace period after submitting. */
  timeoutSeconds: number;
  now: number;
}

export type Editability = { editable: true } | { editable: false; reason: string };

/** Whether the ranking can still be edited at `now`, and if not, why (see the rule above). */
export function rankingEditability(input: EditWindowInput): Editability {
  if (input.source !== "annotator") return { editable: false, reason: "imported rankings cannot be edited" };
  if (input.rankingsOnTask < input.redundancy) return { editable: true };
  const closesAt = input.submittedAt + input.timeoutSeconds * 1000;
  if (input.now < closesAt) return { editable: true };
  return {
    editable: false,
    reason:
      `the task is closed: it has all its ${input.redundancy} ranking${input.redundancy === 1 ? "" : "s"}, ` +
      `and the ${formatDuration(input.timeoutSeconds)} to change a ranking after submitting it ended at ${new Date(closesAt).toISOString()}`,
  };
}

function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? "" : "s"}`;
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}
