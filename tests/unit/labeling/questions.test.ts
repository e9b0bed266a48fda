import { describe, expect, it } from "vitest";
import { fieldIssues } from "@/lib/http";
import { checkAnswers, normalizeAnswers, qualityQuestionsSchema, questionsBodySchema, ratingQuestion, type QualityQuestion } from "@/lib/labeling/questions";
import { rankingSubmissionSchema } from "@/lib/labeling/submission";

const QUALITY = ratingQuestion("quality", "How good is it?", { required: true, minLabel: "useless", maxLabel: "excellent" });
const ISSUES: QualityQuestion = { kind: "tags", key: "issues", prompt: "Problems", required: false, tags: ["verbose", "wrong", "rude"] };
const QUESTIONS = [QUALITY, ISSUES];
const COMPLETIONS = [11, 12, 13];

function questionIssues(questions: unknown) {
  const parsed = questionsBodySchema.safeParse({ questions });
  return parsed.success ? [] : fieldIssues(parsed.error);
}

describe("the project's question list", () => {
  it("fills the defaults: a 1–7 rating, not required, no end labels", () => {
    expect(qualityQuestionsSchema.parse([{ kind: "rating", key: "quality", prompt: " How good? " }])).toEqual([
      { kind: "rating", key: "quality", prompt: "How good?", required: false, min: 1, max: 7, minLabel: "", maxLabel: "" },
    ]);
    expect(qualityQuestionsSchema.parse([ISSUES])).toEqual([ISSUES]);
    expect(qualityQuestionsSchema.parse([])).toEqual([]);
  });

  it("names the offending field", () => {
    expect(questionIssues([{ kind: "rating", key: "q", prompt: "p", min: 5, max: 5 }])).toEqual([
      { field: "questions.0.max", message: "max must be above min" },
    ]);
    expect(questionIssues([QUALITY, { ...ISSUES, key: "quality" }])).toEqual([{ field: "questions.1.key", message: 'the key "quality" is used twice' }]);
    expect(questionIssues([{ ...ISSUES, tags: ["a", "b", "a"] }])).toEqual([{ field: "questions.0.tags.2", message: 'the tag "a" appears twice' }]);
    expect(questionIssues([{ ...ISSUES, tags: [] }])[0].field).toBe("questions.0.tags");
    expect(questionIssues([{ ...QUALITY, key: "Overall Quality" }])[0].field).toBe("questions.0.key");
    expect(questionIssues([{ ...QUALITY, prompt: "   " }])[0].field).toBe("questions.0.prompt");
    expect(questionIssues([{ ...QUALITY, max: 11 }])[0].field).toBe("questions.0.max");
    expect(questionIssues([{ kind: "stars", key: "q", prompt: "p" }])[0].field).toBe("questions.0.kind");
    expect(questionIssues([{ ...QUALITY, colour: "red" }])).toEqual([{ field: "questions.0.colour", message: "unknown field" }]);
    expect(questionIssues(Array.from({ length: 11 }, (_, i) => ratingQuestion(`q${i}`, "p")))[0]).toEqual({
      field: "questions",
      message: "at most 10 questions",
    });
  });
});

describe("answers in a submission", () => {
  const full = [
    { completionId: 11, questionKey: "quality", value: 6 },
    { completionId: 12, questionKey: "quality", value: 2 },
    { completionId: 12, questionKey: "issues", value: ["wrong", "verbose"] },
    { completionId: 13, questionKey: "quality", value: 7 },
  ];

  it("accepts answers that fit the questions and the task", () => {
    expect(checkAnswers(full, QUESTIONS, COMPLETIONS, false)).toEqual([]);
  });

  it("names the answer and the part of it that is wrong", () => {
    const bad = (i: number, change: object) =>
      checkAnswers(
        full.map((a, j) => (j === i ? { ...a, ...change } : a)),
        QUESTIONS,
        COMPLETIONS,
        false,
      );
    expect(bad(1, { value: 8 })).toEqual([{ field: "answers.1.value", message: "rate from 1 to 7" }]);
    expect(bad(1, { value: 0 })).toEqual([{ field: "answers.1.value", message: "rate from 1 to 7" }]);
    expect(bad(1, { value: 2.5 })).toEqual([{ field: "answers.1.value", message: "a rating is a whole number (rate from 1 to 7)" }]);
    expect(bad(1, { value: ["wrong"] })).toEqual([{ field: "answers.1.value", message: "expected a rating (rate from 1 to 7)" }]);
    expect(bad(2, { value: ["wrong", "boring"] })).toEqual([{ field: "answers.2.value.1", message: '"boring" is not one of the tags: verbose, wrong, rude' }]);
    expect(bad(2, { value: 3 })).toEqual([{ field: "answers.2.value", message: "expected a list of tags" }]);
    expect(bad(0, { questionKey: "style" })).toEqual([
      { field: "answers.0.questionKey", message: 'unknown question "style"; this project asks quality, issues' },
    ]);
    expect(bad(0, { completionId: 99 })).toEqual([{ field: "answers.0.completionId", message: "completion 99 is not one of this task's completions" }]);
    expect(bad(3, { completionId: 11 })).toEqual([{ field: "answers.3", message: 'a second answer to "quality" for completion 11' }]);
    expect(checkAnswers([{ completionId: 11, questionKey: "quality", value: 3 }], [], COMPLETIONS, false)[0]).toEqual({
      field: "answers.0.questionKey",
      message: 'unknown question "quality"; this project asks no questions',
    });
  });

  it("wants a required question answered for every completion, unless none is acceptable", () => {
    const partial = full.filter((a) => a.completionId !== 13 && a.completionId !== 11);
    expect(checkAnswers(partial, QUESTIONS, COMPLETIONS, false)).toEqual([
      { field: "answers", message: '"quality" is required: answer it for completion 11, completion 13 (or mark none acceptable)' },
    ]);
    expect(checkAnswers(partial, QUESTIONS, COMPLETIONS, true)).toEqual([]);
    expect(checkAnswers([], [ISSUES], COMPLETIONS, false)).toEqual([]); // not required: nothing to answer
    // No tags chosen is no answer.
    const tagsRequired = [{ ...ISSUES, required: true }];
    expect(checkAnswers([{ completionId: 11, questionKey: "issues", value: [] }], tagsRequired, [11], false)[0].field).toBe("answers");
  });

  it("are stored in completion then question order, tags in the question's order, empty tag lists left out", () => {
    const answers = [
      { completionId: 13, questionKey: "quality", value: 7 },
      { completionId: 12, questionKey: "issues", value: ["rude", "verbose"] },
      { completionId: 12, questionKey: "quality", value: 2 },
      { completionId: 11, questionKey: "issues", value: [] },
    ];
    expect(normalizeAnswers(answers, QUESTIONS, COMPLETIONS)).toEqual([
      { completionId: 12, questionKey: "quality", value: 2 },
      { completionId: 12, questionKey: "issues", value: ["verbose", "rude"] },
      { completionId: 13, questionKey: "quality", value: 7 },
    ]);
  });

  it("the submission schema takes answers, defaults them to none and names a malformed one", () => {
    expect(rankingSubmissionSchema.parse({ groups: [[11]] }).answers).toEqual([]);
    const parsed = rankingSubmissionSchema.safeParse({ groups: [[11]], answers: [{ completionId: 11, questionKey: "quality", value: "six" }] });
    expect(parsed.success ? [] : fieldIssues(parsed.error)).toEqual([{ field: "answers.0.value", message: "expected a rating (a number) or a list of tags" }]);
    const extra = rankingSubmissionSchema.safeParse({ groups: [[11]], answers: [{ completionId: 11, questionKey: "quality", value: 6, note: "x" }] });
    expect(extra.success ? [] : fieldIssues(extra.error)).toEqual([{ field: "answers.0.note", message: "unknown field" }]);
  });
});
