// The ranking page's answers to the per-completion questions: twins answered alike, sent with the
// submission, required ones block submitting (named by letter), kept in the draft across reloads.
import { describe, expect, it } from "vitest";
import { lettersFor } from "@/lib/labeling/letters";
import { ratingQuestion, type QualityQuestion } from "@/lib/labeling/questions";
import {
  answersBlocker,
  freshRanking,
  rankingReducer,
  restoreDraft,
  storedDraft,
  submissionOf,
  submitBlocker,
  UNCHANGED_REASON,
  type RankingAction,
} from "@/lib/labeling/submission-draft";

const FLAGS = ["harmful", "factually_wrong", "off_topic", "other"];
const task = {
  id: 42,
  completions: [
    { id: 1, text: "Lima." },
    { id: 2, text: "The capital of Peru is Lima." },
    { id: 3, text: " Lima.\n" }, // twin of 1
    { id: 4, text: "Cusco." },
  ],
};
const QUALITY = ratingQuestion("quality", "Overall quality", { required: true });
const ISSUES: QualityQuestion = { kind: "tags", key: "issues", prompt: "Problems", required: false, tags: ["verbose", "wrong"] };
const QUESTIONS = [QUALITY, ISSUES];
const letters = lettersFor(task.completions.map((c) => c.id));
const run = (...actions: RankingAction[]) => actions.reduce(rankingReducer, freshRanking(task.completions));

describe("answers on the ranking page", () => {
  it("answer a completion and its twins alike; clearing removes the answer", () => {
    const s = run({ type: "answer", id: 1, key: "quality", value: 5 }, { type: "answer", id: 4, key: "issues", value: ["wrong"] });
    expect(s.answers).toEqual({ 1: { quality: 5 }, 3: { quality: 5 }, 4: { issues: ["wrong"] } });
    const cleared = [
      { type: "answer", id: 3, key: "quality", value: null },
      { type: "answer", id: 4, key: "issues", value: [] },
    ].reduce((st, a) => rankingReducer(st, a as RankingAction), s);
    expect(cleared.answers).toEqual({});
  });

  it("are sent with the submission, in the ranked order", () => {
    const s = run({ type: "move", id: 4, to: 0 }, { type: "answer", id: 2, key: "quality", value: 3 }, { type: "answer", id: 4, key: "quality", value: 1 });
    expect(submissionOf(s).answers).toEqual([
      { completionId: 4, questionKey: "quality", value: 1 },
      { completionId: 2, questionKey: "quality", value: 3 },
    ]);
  });

  it("a required question unanswered blocks submitting, naming the letters, until answered or none acceptable", () => {
    const s = run({ type: "confirm" }, { type: "answer", id: 1, key: "quality", value: 6 });
    expect(submitBlocker(s)).toBeNull();
    expect(answersBlocker(s, QUESTIONS, letters)).toBe("Answer the required question: “Overall quality” for B, D (or mark none acceptable).");
    expect(answersBlocker(rankingReducer(s, { type: "noneAcceptable", value: true }), QUESTIONS, letters)).toBeNull();
    const done = [2, 4].reduce((st, id) => rankingReducer(st, { type: "answer", id, key: "quality", value: 4 }), s);
    expect(answersBlocker(done, QUESTIONS, letters)).toBeNull();
    expect(answersBlocker(s, [ISSUES], letters)).toBeNull();
  });

  it("changing only an answer is a change worth saving when editing", () => {
    const original = run({ type: "move", id: 4, to: 0 }, { type: "answer", id: 2, key: "quality", value: 3 });
    expect(submitBlocker(original, original)).toBe(UNCHANGED_REASON);
    expect(submitBlocker(rankingReducer(original, { type: "answer", id: 2, key: "quality", value: 4 }), original)).toBeNull();
    expect(submitBlocker(rankingReducer(original, { type: "answer", id: 4, key: "issues", value: ["verbose"] }), original)).toBeNull();
    // the same answers given in another order are no change
    const reordered = { ...original, answers: { 2: { quality: 3 } } };
    expect(submitBlocker(reordered, original)).toBe(UNCHANGED_REASON);
  });

  it("are kept in the draft across a reload; answers that no longer fit the questions are dropped, not the draft", () => {
    const s = run(
      { type: "tie", id: 2 },
      { type: "answer", id: 1, key: "quality", value: 6 },
      { type: "answer", id: 4, key: "issues", value: ["wrong", "verbose"] },
    );
    const saved = JSON.stringify(storedDraft(s, task.id, 1000));
    expect(restoreDraft(saved, task, FLAGS, QUESTIONS)).toEqual(s);
    // The project now asks 1–5 and no tags: the 6 and the tags go, the ranking stays.
    const back = restoreDraft(saved, task, FLAGS, [ratingQuestion("quality", "Overall quality", { max: 5 })])!;
    expect(back.answers).toEqual({});
    expect(back.order).toEqual(s.order);
    // A draft kept before the project asked anything restores with no answers.
    const old = storedDraft(s, task.id, 1000);
    delete old.answers;
    expect(restoreDraft(JSON.stringify(old), task, FLAGS, QUESTIONS)?.answers).toEqual({});
  });
});
