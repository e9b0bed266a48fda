import { describe, expect, it } from "vitest";
import { fieldIssues } from "@/lib/http";
import { checkSubmission, rankingSubmissionSchema, sanitizeSecondsSpent, skipSchema, uniqueFlags } from "@/lib/labeling/submission";

const COMPLETIONS = [11, 12, 13, 14];

function issuesOf(body: unknown) {
  const parsed = rankingSubmissionSchema.safeParse(body);
  return parsed.success ? [] : fieldIssues(parsed.error);
}

describe("the ranking submission schema", () => {
  it("accepts a full submission and fills defaults", () => {
    const parsed = rankingSubmissionSchema.parse({ groups: [[12], [11, 13], [14]], secondsSpent: 12.5, comment: "  ok  " });
    expect(parsed).toMatchObject({ groups: [[12], [11, 13], [14]], noneAcceptable: false, flags: [], comment: "ok", secondsSpent: 12.5 });
    expect(rankingSubmissionSchema.parse({ groups: [[1]], comment: "   " }).comment).toBeNull();
  });

  it("names the offending field", () => {
    expect(issuesOf({})).toEqual([expect.objectContaining({ field: "groups" })]);
    expect(issuesOf({ groups: [[11], []] })).toEqual([{ field: "groups.1", message: "a group cannot be empty" }]);
    expect(issuesOf({ groups: [[11, "x"]] })[0].field).toBe("groups.0.1");
    expect(issuesOf({ groups: [[11]], flags: [{ completionId: 11, flag: "boring" }] })[0].field).toBe("flags.0.flag");
    expect(issuesOf({ groups: [[11]], secondsSpent: -1 })[0].field).toBe("secondsSpent");
    expect(issuesOf({ groups: [[11]], noneAcceptable: "yes" })[0].field).toBe("noneAcceptable");
    expect(issuesOf({ groups: [[11]], extra: 1 })).toEqual([{ field: "extra", message: "unknown field" }]);
  });

  it("a skip needs a reason", () => {
    expect(skipSchema.safeParse({ reason: "  " }).success).toBe(false);
    expect(skipSchema.parse({ reason: " unclear prompt " })).toEqual({ reason: "unclear prompt" });
  });
});

describe("checkSubmission", () => {
  it("accepts every completion exactly once, ties included", () => {
    expect(checkSubmission({ groups: [[14], [11, 12], [13]], flags: [{ completionId: 12, flag: "harmful" }] }, COMPLETIONS)).toEqual([]);
    expect(checkSubmission({ groups: [[11, 12, 13, 14]], flags: [] }, COMPLETIONS)).toEqual([]);
  });

  it("refuses a missing completion", () => {
    expect(checkSubmission({ groups: [[11], [12], [13]], flags: [] }, COMPLETIONS)).toEqual([
      { field: "groups", message: "rank every completion once; missing completion 14" },
    ]);
  });

  it("refuses a completion ranked twice", () => {
    expect(checkSubmission({ groups: [[11], [12, 11], [13], [14]], flags: [] }, COMPLETIONS)).toEqual([
      { field: "groups.1.1", message: "completion 11 appears more than once" },
    ]);
  });

  it("refuses another task's completion, in the groups or the flags", () => {
    const issues = checkSubmission({ groups: [[11], [12], [13], [14, 99]], flags: [{ completionId: 98, flag: "other" }] }, COMPLETIONS);
    expect(issues).toEqual([
      { field: "groups.3.1", message: "completion 99 is not one of this task's completions" },
      { field: "flags.0.completionId", message: "completion 98 is not one of this task's completions" },
    ]);
  });

  it("drops repeated flags", () => {
    const flags = [
      { completionId: 1, flag: "harmful" },
      { completionId: 1, flag: "harmful" },
      { completionId: 1, flag: "other" },
    ];
    expect(uniqueFlags(flags)).toEqual([flags[0], flags[2]]);
  });
});

describe("sanitizeSecondsSpent", () => {
  const opened = 1_000_000;
  it("keeps the browser's measure when plausible", () => {
    expect(sanitizeSecondsSpent(42.04, opened, opened + 60_000)).toBe(42);
  });
  it("caps it at the time the assignment was open", () => {
    expect(sanitizeSecondsSpent(3600, opened, opened + 60_000)).toBe(65);
  });
  it("uses the server's measure when the browser sent none", () => {
    expect(sanitizeSecondsSpent(undefined, opened, opened + 30_000)).toBe(30);
    expect(sanitizeSecondsSpent(null, opened, opened - 5)).toBe(0);
  });
});
