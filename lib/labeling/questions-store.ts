// Storage of the per-completion quality questions (questions.ts has the shapes and rules): a
// project's question list, and a ranking's answers (`ranking_answers`, written inside the
// transaction that writes the ranking).
import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { completions, projects, rankingAnswers, rankings, tasks, type CompletionAnswer, type QualityQuestion } from "../../db/schema";
import { qualityQuestionsSchema } from "./questions";

/** The project's questions (in the order they are asked), or undefined for an unknown project. */
export function getQualityQuestions(db: Db, projectId: number): QualityQuestion[] | undefined {
  return db.select({ questions: projects.qualityQuestions }).from(projects).where(eq(projects.id, projectId)).get()?.questions;
}

/** Replaces the project's questions (validated again here); answers already given stay as they are. */
export function setQualityQuestions(db: Db, projectId: number, questions: readonly unknown[]): QualityQuestion[] | undefined {
  const parsed = qualityQuestionsSchema.parse(questions);
  const row = db.update(projects).set({ qualityQuestions: parsed }).where(eq(projects.id, projectId)).returning({ questions: projects.qualityQuestions }).get();
  return row?.questions;
}

/** The questions of a task's project. */
export function questionsOfTask(db: Db, taskId: number): QualityQuestion[] {
  return (
    db.select({ questions: projects.qualityQuestions }).from(tasks).innerJoin(projects, eq(projects.id, tasks.projectId)).where(eq(tasks.id, taskId)).get()
      ?.questions ?? []
  );
}

/** Replaces a ranking's answers with `answers` (already checked and normalized). Call inside the ranking's transaction. */
export function writeAnswers(db: Db, rankingId: number, answers: readonly CompletionAnswer[]): void {
  db.delete(rankingAnswers).where(eq(rankingAnswers.rankingId, rankingId)).run();
  if (answers.length === 0) return;
  db.insert(rankingAnswers)
    .values(answers.map((a) => ({ rankingId, completionId: a.completionId, questionKey: a.questionKey, value: a.value })))
    .run();
}

/** The answers of the given rankings, keyed by ranking id (in the order they were written: completion, then question). */
export function answersOf(db: Db, rankingIds: readonly number[]): Map<number, CompletionAnswer[]> {
  const out = new Map<number, CompletionAnswer[]>();
  if (rankingIds.length === 0) return out;
  const rows = db
    .select()
    .from(rankingAnswers)
    .where(inArray(rankingAnswers.rankingId, [...rankingIds]))
    .orderBy(asc(rankingAnswers.rankingId), sql`rowid`)
    .all();
  for (const r of rows) {
    const list = out.get(r.rankingId) ?? [];
    list.push({ completionId: r.completionId, questionKey: r.questionKey, value: r.value });
    out.set(r.rankingId, list);
  }
  return out;
}

export interface ProjectAnswer {
  rankingId: number;
  completionId: number;
  taskId: number;
  model: string | null;
  questionKey: string;
  value: CompletionAnswer["value"];
}

/** Every current answer in a project, with the completion's task and model (for the summaries). */
export function projectAnswers(db: Db, projectId: number): ProjectAnswer[] {
  return db
    .select({
      rankingId: rankingAnswers.rankingId,
      completionId: rankingAnswers.completionId,
      taskId: completions.taskId,
      model: completions.model,
      questionKey: rankingAnswers.questionKey,
      value: rankingAnswers.value,
    })
    .from(rankingAnswers)
    .innerJoin(rankings, eq(rankings.id, rankingAnswers.rankingId))
    .innerJoin(completions, eq(completions.id, rankingAnswers.completionId))
    .innerJoin(tasks, eq(tasks.id, completions.taskId))
    .where(eq(tasks.projectId, projectId))
    .orderBy(asc(rankingAnswers.rankingId))
    .all();
}
