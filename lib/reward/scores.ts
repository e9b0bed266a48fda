// Reward scores as researchers read them: beside each completion of a task, and the
// "disagreements" of a project — rankings where the reward model most strongly prefers the
// completion the annotators put lower (the places to re-check labels, or the model).
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { comparisons, completionScores, completions, models, prompts, rankings, tasks, users } from "../../db/schema";
import { promptPreview } from "../labeling/browse";

export interface CompletionScore {
  modelId: number;
  modelName: string;
  score: number;
}

/** Every reward model's score of each completion of a task, by completion id (models in registry order). */
export function taskCompletionScores(db: Db, taskId: number): Map<number, CompletionScore[]> {
  const rows = db
    .select({ completionId: completionScores.completionId, modelId: models.id, modelName: models.name, score: completionScores.score })
    .from(completionScores)
    .innerJoin(completions, eq(completions.id, completionScores.completionId))
    .innerJoin(models, eq(models.id, completionScores.modelId))
    .where(eq(completions.taskId, taskId))
    .orderBy(asc(models.id))
    .all();
  const out = new Map<number, CompletionScore[]>();
  for (const r of rows) {
    const list = out.get(r.completionId) ?? [];
    list.push({ modelId: r.modelId, modelName: r.modelName, score: r.score });
    out.set(r.completionId, list);
  }
  return out;
}

export interface ScoredModel {
  id: number;
  name: string;
  /** Completions of the project this model has scored. */
  scored: number;
}

/** The reward models that have scored completions of a project, with how many. */
export function projectScoredModels(db: Db, projectId: number): ScoredModel[] {
  return db
    .select({ id: models.id, name: models.name, scored: sql<number>`count(*)` })
    .from(completionScores)
    .innerJoin(completions, eq(completions.id, completionScores.completionId))
    .innerJoin(tasks, eq(tasks.id, completions.taskId))
    .innerJoin(models, eq(models.id, completionScores.modelId))
    .where(eq(tasks.projectId, projectId))
    .groupBy(models.id)
    .orderBy(asc(models.id))
    .all();
}

export interface Disagreement {
  rankingId: number;
  taskId: number;
  annotator: string;
  prompt: string;
  /** What the annotator ranked higher. */
  chosen: { id: number; text: string; score: number; group: number };
  /** What the annotator ranked lower, and the reward model scores higher. */
  rejected: { id: number; text: string; score: number; group: number };
  /** rejected.score − chosen.score (> 0). */
  gap: number;
  /** The model's probability that the annotator's lower completion is the better one: σ(gap). */
  modelProbability: number;
}

/**
 * Per ranking, its pair with the largest reward gap against the annotator's order; the
 * rankings with the largest such gap first. Only pairs both of whose completions the model
 * has scored count.
 */
export function rewardDisagreements(db: Db, projectId: number, modelId: number, limit = 50): Disagreement[] {
  const gap = sql<number>`max(rejected_score.score - chosen_score.score)`;
  const chosenScore = sql.raw("chosen_score");
  const rejectedScore = sql.raw("rejected_score");
  // SQLite: with max() in a grouped query, the bare columns come from the row holding the max.
  const rows = db
    .select({
      rankingId: comparisons.rankingId,
      taskId: rankings.taskId,
      annotator: users.email,
      chosenId: comparisons.chosenId,
      rejectedId: comparisons.rejectedId,
      chosenGroup: comparisons.chosenGroup,
      rejectedGroup: comparisons.rejectedGroup,
      chosenScore: sql<number>`${chosenScore}.score`,
      rejectedScore: sql<number>`${rejectedScore}.score`,
      gap,
    })
    .from(comparisons)
    .innerJoin(rankings, eq(rankings.id, comparisons.rankingId))
    .innerJoin(tasks, eq(tasks.id, rankings.taskId))
    .innerJoin(users, eq(users.id, rankings.userId))
    .innerJoin(sql`${completionScores} as ${chosenScore}`, sql`${chosenScore}.completion_id = ${comparisons.chosenId} and ${chosenScore}.model_id = ${modelId}`)
    .innerJoin(
      sql`${completionScores} as ${rejectedScore}`,
      sql`${rejectedScore}.completion_id = ${comparisons.rejectedId} and ${rejectedScore}.model_id = ${modelId}`,
    )
    .where(and(eq(tasks.projectId, projectId), sql`${rejectedScore}.score > ${chosenScore}.score`))
    .groupBy(comparisons.rankingId)
    .orderBy(desc(gap), asc(comparisons.rankingId))
    .limit(limit)
    .all();
  if (rows.length === 0) return [];

  const completionIds = [...new Set(rows.flatMap((r) => [r.chosenId, r.rejectedId]))];
  const texts = new Map(
    db
      .select({ id: completions.id, text: completions.text })
      .from(completions)
      .where(inArray(completions.id, completionIds))
      .all()
      .map((c) => [c.id, c.text]),
  );
  const taskIds = [...new Set(rows.map((r) => r.taskId))];
  const promptOf = new Map(
    db
      .select({ taskId: tasks.id, messages: prompts.messages })
      .from(tasks)
      .innerJoin(prompts, eq(prompts.id, tasks.promptId))
      .where(inArray(tasks.id, taskIds))
      .all()
      .map((t) => [t.taskId, promptPreview(t.messages)]),
  );
  return rows.map((r) => ({
    rankingId: r.rankingId,
    taskId: r.taskId,
    annotator: r.annotator,
    prompt: promptOf.get(r.taskId) ?? "",
    chosen: { id: r.chosenId, text: texts.get(r.chosenId) ?? "", score: r.chosenScore, group: r.chosenGroup },
    rejected: { id: r.rejectedId, text: texts.get(r.rejectedId) ?? "", score: r.rejectedScore, group: r.rejectedGroup },
    gap: r.gap,
    modelProbability: 1 / (1 + Math.exp(-r.gap)),
  }));
}
