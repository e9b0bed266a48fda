// Gold tasks in the database: marking and unmarking them (one task, or a whole gold file in one
// transaction), each annotator's gold accuracy on a project, who is paused, and the admin's
// unpause. The matching rule and the pause rule are pure (gold-match.ts).
//
// An answer is an annotator's current ranking of a gold task (an edit re-scores it); imported
// rankings are not answers. Answers submitted before the annotator's last unpause (gold_resets)
// no longer count: an unpause starts the count again, so a paused annotator gets `minAnswers`
// fresh gold answers before the rule can pause them again.
import { and, asc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { completions, goldResets, prompts, rankings, tasks, users, type GoldExpectation } from "../../db/schema";
import { promptText } from "../datasets/prompt-text";
import { GoldFileError, parseGoldFile, type GoldLine, type GoldLines } from "./gold-file";
import { expectationProblem, goldAccuracy, isPaused, matchesGold, type GoldAccuracy, type GoldRule } from "./gold-match";

export class GoldError extends Error {}

/** The task's completion ids in stored (position) order. */
function completionIdsOf(db: Db, taskId: number): number[] {
  return db
    .select({ id: completions.id })
    .from(completions)
    .where(eq(completions.taskId, taskId))
    .orderBy(asc(completions.position))
    .all()
    .map((c) => c.id);
}

/** Marks a task gold with `expectation` (checked against its completions), or unmarks it (null). Throws GoldError when unsound. */
export function setTaskGold(db: Db, taskId: number, expectation: GoldExpectation | null): void {
  if (expectation) {
    const problem = expectationProblem(expectation, completionIdsOf(db, taskId));
    if (problem) throw new GoldError(problem);
  }
  db.update(tasks).set({ gold: expectation }).where(eq(tasks.id, taskId)).run();
}

export interface GoldFileResult {
  marked: number;
  unmarked: number;
}

/** Normalized completion texts for matching a line's `completions` to a task (order does not matter). */
function textsKey(texts: readonly string[]): string {
  return JSON.stringify([...texts].map((t) => t.trim()).sort());
}

/**
 * Applies a gold file (gold-file.ts) to a project, all or nothing in one transaction. Throws
 * GoldFileError naming the first line that is unsound or names no task (or several).
 */
export function applyGoldFile(db: Db, projectId: number, text: string): GoldFileResult {
  return applyGoldLines(db, projectId, parseGoldFile(text));
}

/** Applies parsed gold lines (parseGoldFile, parseGoldValues) to a project, as applyGoldFile does. */
export function applyGoldLines(db: Db, projectId: number, lines: GoldLines): GoldFileResult {
  return db.transaction(
    (tx) => {
      // Prompt lookups (prompt + completions) read the project's prompts once, lazily.
      let byPrompt: Map<string, number[]> | undefined;
      const promptIndex = () => {
        if (byPrompt) return byPrompt;
        byPrompt = new Map();
        for (const row of tx
          .select({ taskId: tasks.id, messages: prompts.messages })
          .from(tasks)
          .innerJoin(prompts, eq(prompts.id, tasks.promptId))
          .where(eq(tasks.projectId, projectId))
          .all()) {
          const key = promptText(row.messages);
          byPrompt.set(key, [...(byPrompt.get(key) ?? []), row.taskId]);
        }
        return byPrompt;
      };
      const result: GoldFileResult = { marked: 0, unmarked: 0 };
      for (const { line, value } of lines) {
        const taskId = findTask(tx, projectId, value, promptIndex, line);
        const task = tx
          .select({ id: completions.id, text: completions.text })
          .from(completions)
          .where(eq(completions.taskId, taskId))
          .orderBy(asc(completions.position))
          .all();
        if (value.gold === false) {
          tx.update(tasks).set({ gold: null }).where(eq(tasks.id, taskId)).run();
          result.unmarked++;
          continue;
        }
        const resolve = (ref: number, field: string): number => {
          if (value.by === "id") return ref;
          if (value.completions) {
            const text = value.completions[ref];
            if (text === undefined) throw new GoldFileError(line, `${field}: position ${ref} is past the line's ${value.completions.length} completions`);
            return task.find((c) => c.text.trim() === text.trim())!.id;
          }
          const c = task[ref];
          if (!c) throw new GoldFileError(line, `${field}: position ${ref} is past the task's ${task.length} completions`);
          return c.id;
        };
        const expectation: GoldExpectation = value.none_acceptable
          ? { kind: "none" }
          : value.first !== undefined
            ? { kind: "first", completionId: resolve(value.first, "first") }
            : { kind: "ranking", groups: value.ranking!.map((g, i) => g.map((ref, j) => resolve(ref, `ranking.${i}.${j}`))) };
        const problem = expectationProblem(
          expectation,
          task.map((c) => c.id),
        );
        if (problem) throw new GoldFileError(line, `${value.first !== undefined ? "first" : "ranking"}: ${problem}`);
        tx.update(tasks).set({ gold: expectation }).where(eq(tasks.id, taskId)).run();
        result.marked++;
      }
      return result;
    },
    { behavior: "immediate" },
  );
}

function findTask(db: Db, projectId: number, value: GoldLine, promptIndex: () => Map<string, number[]>, line: number): number {
  if (value.task_id !== undefined) {
    const task = db
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(eq(tasks.id, value.task_id), eq(tasks.projectId, projectId)))
      .get();
    if (!task) throw new GoldFileError(line, `task_id: the project has no task ${value.task_id}`);
    return task.id;
  }
  if (value.external_id !== undefined) {
    const found = db
      .select({ id: tasks.id })
      .from(tasks)
      .innerJoin(prompts, eq(prompts.id, tasks.promptId))
      .where(and(eq(tasks.projectId, projectId), eq(prompts.externalId, value.external_id)))
      .all();
    if (found.length === 0) throw new GoldFileError(line, `external_id: the project has no task with external id "${value.external_id}"`);
    if (found.length > 1) throw new GoldFileError(line, `external_id: ${found.length} tasks have external id "${value.external_id}"; name one by task_id`);
    return found[0].id;
  }
  const key = typeof value.prompt === "string" ? value.prompt : promptText(value.prompt!);
  const candidates = promptIndex().get(key) ?? [];
  const wanted = textsKey(value.completions!);
  const matching = candidates.filter(
    (taskId) =>
      textsKey(
        db
          .select({ text: completions.text })
          .from(completions)
          .where(eq(completions.taskId, taskId))
          .all()
          .map((c) => c.text),
      ) === wanted,
  );
  if (matching.length === 0)
    throw new GoldFileError(
      line,
      candidates.length === 0 ? "prompt: no task of the project has this prompt" : "completions: no task with this prompt has these completion texts",
    );
  if (matching.length > 1) throw new GoldFileError(line, `prompt: ${matching.length} tasks have this prompt and these completions; name one by task_id`);
  return matching[0];
}

/** One gold answer: an annotator's current ranking of a gold task. */
export interface GoldAnswerRow {
  userId: number;
  taskId: number;
  rankingId: number;
  correct: boolean;
  createdAt: number;
}

/**
 * The project's gold answers that count (since each annotator's last unpause), of one annotator or
 * all. Read from the gold tasks outwards (the CROSS JOIN keeps SQLite from starting at the
 * annotator's rankings): POST /api/annotate/next asks on every request, and an annotator with
 * 70k rankings on a 200k-task project took ~100 ms that way, against the few gold tasks now.
 */
export function goldAnswers(db: Db, projectId: number, userId?: number): GoldAnswerRow[] {
  const rows = goldAnswersQuery(db, projectId, userId).all();
  return rows.map((r) => ({
    userId: r.userId,
    taskId: r.taskId,
    rankingId: r.rankingId,
    createdAt: r.createdAt,
    correct: matchesGold(r.gold!, { groups: r.groups, noneAcceptable: r.noneAcceptable }),
  }));
}

/** The query behind goldAnswers (a test reads its plan). */
export function goldAnswersQuery(db: Db, projectId: number, userId?: number) {
  return db
    .select({
      userId: rankings.userId,
      taskId: rankings.taskId,
      rankingId: rankings.id,
      groups: rankings.groups,
      noneAcceptable: rankings.noneAcceptable,
      gold: tasks.gold,
      createdAt: rankings.createdAt,
    })
    .from(tasks)
    .crossJoin(rankings)
    .leftJoin(goldResets, and(eq(goldResets.projectId, tasks.projectId), eq(goldResets.userId, rankings.userId)))
    .where(
      and(
        eq(rankings.taskId, tasks.id),
        eq(tasks.projectId, projectId),
        isNotNull(tasks.gold),
        eq(rankings.source, "annotator"),
        // Unary + keeps the rankings_user index out: each gold task's rankings come by rankings_task.
        userId === undefined ? undefined : sql`+${rankings.userId} = ${userId}`,
        sql`(${goldResets.resetAt} IS NULL OR ${rankings.createdAt} >= ${goldResets.resetAt})`,
      ),
    )
    .orderBy(asc(rankings.id));
}

export interface GoldStanding extends GoldAccuracy {
  paused: boolean;
  rule: GoldRule;
}

export interface AnnotatorGold extends GoldStanding {
  userId: number;
  name: string;
  email: string;
  /** When an admin last unpaused them on the project (answers before it do not count); null if never. */
  resetAt: number | null;
}

interface ProjectGoldRule {
  id: number;
  goldAccuracyThreshold: number;
  goldMinAnswers: number;
}

function ruleOf(project: ProjectGoldRule): GoldRule {
  return { threshold: project.goldAccuracyThreshold, minAnswers: project.goldMinAnswers };
}

/** One annotator's gold accuracy on the project and whether it pauses them. */
export function goldStanding(db: Db, project: ProjectGoldRule, userId: number): GoldStanding {
  const answers = goldAnswers(db, project.id, userId);
  const accuracy = goldAccuracy(answers.filter((a) => a.correct).length, answers.length);
  const rule = ruleOf(project);
  return { ...accuracy, paused: isPaused(accuracy, rule), rule };
}

/** Every annotator with gold answers on the project (or an unpause), by accuracy, lowest first. */
export function goldAccuracyByAnnotator(db: Db, project: ProjectGoldRule): AnnotatorGold[] {
  const rule = ruleOf(project);
  const tally = new Map<number, { correct: number; answered: number }>();
  for (const a of goldAnswers(db, project.id)) {
    const t = tally.get(a.userId) ?? { correct: 0, answered: 0 };
    t.answered++;
    if (a.correct) t.correct++;
    tally.set(a.userId, t);
  }
  const resets = new Map(
    db
      .select()
      .from(goldResets)
      .where(eq(goldResets.projectId, project.id))
      .all()
      .map((r) => [r.userId, r.resetAt]),
  );
  const ids = [...new Set([...tally.keys(), ...resets.keys()])];
  if (ids.length === 0) return [];
  const people = new Map(
    db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(inArray(users.id, ids))
      .all()
      .map((u) => [u.id, u]),
  );
  return ids
    .map((userId) => {
      const t = tally.get(userId) ?? { correct: 0, answered: 0 };
      const accuracy = goldAccuracy(t.correct, t.answered);
      const person = people.get(userId);
      return {
        userId,
        name: person?.name ?? `user ${userId}`,
        email: person?.email ?? "",
        resetAt: resets.get(userId) ?? null,
        ...accuracy,
        paused: isPaused(accuracy, rule),
        rule,
      };
    })
    .sort((a, b) => (a.accuracy ?? 2) - (b.accuracy ?? 2) || a.userId - b.userId);
}

/** Annotators paused on the project now (their rankings are left out of exports and training unless asked for). */
export function pausedAnnotatorIds(db: Db, project: ProjectGoldRule): number[] {
  return goldAccuracyByAnnotator(db, project)
    .filter((a) => a.paused)
    .map((a) => a.userId);
}

/** An admin unpauses an annotator on a project: their gold count starts again from `now`. */
export function unpauseAnnotator(db: Db, projectId: number, userId: number, resetBy: number | null, now: number = Date.now()): void {
  db.insert(goldResets)
    .values({ projectId, userId, resetAt: now, resetBy })
    .onConflictDoUpdate({ target: [goldResets.projectId, goldResets.userId], set: { resetAt: now, resetBy } })
    .run();
}

/** How many gold tasks the project has. */
export function goldTaskCount(db: Db, projectId: number): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(tasks)
      .where(and(eq(tasks.projectId, projectId), isNotNull(tasks.gold)))
      .get()?.n ?? 0
  );
}

/** The task's gold expectation, or null when it is not gold (or not there). */
export function taskGold(db: Db, taskId: number): GoldExpectation | null {
  return db.select({ gold: tasks.gold }).from(tasks).where(eq(tasks.id, taskId)).get()?.gold ?? null;
}
