import { describe, expect, it } from "vitest";
import {
  draftStorageKey,
  expiredDraftKeys,
  freshRanking,
  rankingReducer,
  restoreDraft,
  storedDraft,
  submissionOf,
  submitBlocker,
  UNCHANGED_REASON,
  UNTOUCHED_REASON,
  type RankingAction,
  type RankingState,
} from "@/lib/labeling/submission-draft";

const FLAGS = ["harmful", "factually_wrong", "off_topic", "other"];
const task = {
  id: 42,
  completions: [
    { id: 1, text: "Lima." },
    { id: 2, text: "The capital of Peru is Lima." },
    { id: 3, text: " Lima.\n" },
    { id: 4, text: "Cusco." },
  ],
};
const run = (...actions: RankingAction[]) => actions.reduce(rankingReducer, freshRanking(task.completions));

describe("a ranking is an act", () => {
  it("an untouched task cannot be submitted, and says why", () => {
    const fresh = freshRanking(task.completions);
    expect(submitBlocker(fresh)).toBe(UNTOUCHED_REASON);
    expect(UNTOUCHED_REASON).toMatch(/move, place or tie at least one completion, or press “Confirm this order”/i);
    // flags, none acceptable and a comment are not a ranking
    expect(
      submitBlocker(
        run({ type: "toggleFlag", id: 2, flag: "harmful", order: FLAGS }, { type: "noneAcceptable", value: true }, { type: "comment", value: "meh" }),
      ),
    ).toBe(UNTOUCHED_REASON);
  });

  it("a move, a place, a tie or an untie that changes the groups makes it submittable", () => {
    expect(submitBlocker(run({ type: "step", id: 2, direction: 1 }))).toBeNull();
    expect(submitBlocker(run({ type: "move", id: 4, to: 0 }))).toBeNull();
    expect(submitBlocker(run({ type: "tie", id: 4 }))).toBeNull();
    expect(submitBlocker(run({ type: "tie", id: 4 }, { type: "untie", id: 4 }))).toBeNull(); // it was an act, even if undone
  });

  it("a move that changes nothing is not an act: the top card up, the twin of the top card untied", () => {
    expect(run({ type: "step", id: 1, direction: -1 }).touched).toBe(false);
    expect(run({ type: "untie", id: 3 }).touched).toBe(false);
    expect(run({ type: "tie", id: 1 }).touched).toBe(false);
  });

  it("confirming the order shown makes it submittable as it is", () => {
    const confirmed = run({ type: "confirm" });
    expect(submitBlocker(confirmed)).toBeNull();
    expect(submissionOf(confirmed).groups).toEqual([[1, 3], [2], [4]]); // identical texts tied
  });

  it("an edit must change something: the order, a flag, none acceptable or the comment", () => {
    const original = run({ type: "move", id: 4, to: 0 });
    expect(submitBlocker(original, original)).toBe(UNCHANGED_REASON);
    expect(submitBlocker({ ...original, comment: "  " }, original)).toBe(UNCHANGED_REASON); // blank is no comment
    expect(submitBlocker(rankingReducer(original, { type: "comment", value: "second look" }), original)).toBeNull();
    expect(submitBlocker(rankingReducer(original, { type: "toggleFlag", id: 4, flag: "other", order: FLAGS }), original)).toBeNull();
    expect(submitBlocker(rankingReducer(original, { type: "step", id: 2, direction: -1 }), original)).toBeNull();
  });

  it("sends flags in flag order and drops a flag toggled twice", () => {
    const s = run(
      { type: "confirm" },
      { type: "toggleFlag", id: 2, flag: "other", order: FLAGS },
      { type: "toggleFlag", id: 2, flag: "harmful", order: FLAGS },
      { type: "toggleFlag", id: 4, flag: "off_topic", order: FLAGS },
      { type: "toggleFlag", id: 4, flag: "off_topic", order: FLAGS },
      { type: "comment", value: "  ok  " },
    );
    expect(submissionOf(s)).toEqual({
      groups: [[1, 3], [2], [4]],
      noneAcceptable: false,
      flags: [
        { completionId: 2, flag: "harmful" },
        { completionId: 2, flag: "other" },
      ],
      answers: [],
      comment: "ok",
    });
  });
});

describe("drafts kept across reloads", () => {
  const half = (): RankingState =>
    run(
      { type: "move", id: 4, to: 0 },
      { type: "tie", id: 2 },
      { type: "toggleFlag", id: 2, flag: "factually_wrong", order: FLAGS },
      { type: "noneAcceptable", value: true },
      { type: "comment", value: "half done" },
    );

  it("are keyed by user and assignment", () => {
    expect(draftStorageKey(3, 17)).toBe("palate.rankingDraft.3.17");
    expect(draftStorageKey(3, 17)).not.toBe(draftStorageKey(4, 17));
  });

  it("restore the order, ties, flags, none acceptable, comment and the act", () => {
    const saved = JSON.stringify(storedDraft(half(), task.id, 1000));
    const back = restoreDraft(saved, task, FLAGS)!;
    expect(back).toEqual(half());
    expect(submissionOf(back).groups).toEqual([[4], [1, 3, 2]]);
    expect(submitBlocker(back)).toBeNull();
  });

  it("are refused when they do not fit the task", () => {
    const saved = storedDraft(half(), task.id, 1000);
    expect(restoreDraft(null, task, FLAGS)).toBeNull();
    expect(restoreDraft("{not json", task, FLAGS)).toBeNull();
    expect(restoreDraft(JSON.stringify({ ...saved, taskId: 43 }), task, FLAGS)).toBeNull();
    expect(restoreDraft(JSON.stringify({ ...saved, order: saved.order.slice(1) }), task, FLAGS)).toBeNull();
    expect(restoreDraft(JSON.stringify({ ...saved, order: [...saved.order.slice(1), { id: 99, tiedAbove: false }] }), task, FLAGS)).toBeNull();
    expect(restoreDraft(JSON.stringify({ ...saved, flags: { 2: ["rude"] } }), task, FLAGS)).toBeNull();
    expect(restoreDraft(JSON.stringify({ ...saved, flags: { 99: ["harmful"] } }), task, FLAGS)).toBeNull();
    expect(restoreDraft(JSON.stringify({ ...saved, v: 2 }), task, FLAGS)).toBeNull();
    expect(restoreDraft(JSON.stringify({ ...saved, comment: 5 }), task, FLAGS)).toBeNull();
  });

  it("bind identical completions again if a stored draft split them", () => {
    const saved = storedDraft(freshRanking(task.completions), task.id, 1000);
    saved.order = [
      { id: 1, tiedAbove: false },
      { id: 2, tiedAbove: false },
      { id: 3, tiedAbove: false },
      { id: 4, tiedAbove: false },
    ];
    expect(submissionOf(restoreDraft(JSON.stringify(saved), task, FLAGS)!).groups).toEqual([[1, 3], [2], [4]]);
  });

  it("expire after a week, and damaged ones go at once; other keys are left alone", () => {
    const now = 10 * 24 * 3600 * 1000;
    const fresh = JSON.stringify(storedDraft(half(), 1, now - 1000));
    const old = JSON.stringify(storedDraft(half(), 1, now - 8 * 24 * 3600 * 1000));
    expect(
      expiredDraftKeys(
        [
          ["palate.rankingDraft.1.1", fresh],
          ["palate.rankingDraft.1.2", old],
          ["palate.rankingDraft.1.3", "garbage"],
          ["palate.rankingLayout", "side"],
        ],
        now,
      ),
    ).toEqual(["palate.rankingDraft.1.2", "palate.rankingDraft.1.3"]);
  });
});
