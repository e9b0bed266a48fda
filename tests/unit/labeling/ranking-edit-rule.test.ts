import { describe, expect, it } from "vitest";
import { rankingEditability, type EditWindowInput } from "@/lib/labeling/ranking-edit-rule";

const T0 = 1_800_000_000_000;
const base: EditWindowInput = { source: "annotator", rankingsOnTask: 1, redundancy: 3, submittedAt: T0, timeoutSeconds: 1800, now: T0 + 3_600_000 };

describe("when a ranking can still be edited", () => {
  it("while the task has fewer than R rankings, however long ago it was submitted", () => {
    expect(rankingEditability({ ...base, rankingsOnTask: 2, now: T0 + 365 * 86_400_000 })).toEqual({ editable: true });
  });

  it("within the assignment timeout of the first submission even when the task is full (R = 1 can fix a slip)", () => {
    expect(rankingEditability({ ...base, redundancy: 1, rankingsOnTask: 1, now: T0 + 1_799_000 })).toEqual({ editable: true });
    const closed = rankingEditability({ ...base, redundancy: 1, rankingsOnTask: 1, now: T0 + 1_800_000 });
    expect(closed.editable).toBe(false);
    if (!closed.editable) expect(closed.reason).toMatch(/all its 1 ranking, and the 30 minutes .* ended at 2027-01-15T08:30:00\.000Z/);
  });

  it("never for imported rankings", () => {
    expect(rankingEditability({ ...base, source: "imported", rankingsOnTask: 0, now: T0 })).toEqual({
      editable: false,
      reason: "imported rankings cannot be edited",
    });
  });
});
