// The "score" job: a reward model's score of every completion of a project, stored in
// completion_scores (one row per model and completion). Resumable: completions the model has
// scored already are skipped (unless `rescore`), so an interrupted job continues where it stopped.
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { completionScores, completions, prompts, tasks } from "../../db/schema";
import type { JobContext } from "../jobs/kind";
import { getModelRow, modelDir } from "../models/registry";
import { getProject } from "../projects";
import type { ScoreJobParams } from "./job-params";

/** Completions scored per batch (one transaction each). */
export const SCORE_CHUNK = 256;

interface Pending {
  id: number;
  text: string;
  messages: { role: "system" | "user" | "assistant"; content: string }[];
}

function pendingCompletions(db: Db, projectId: number, modelId: number, afterId: number, rescore: boolean, limit: number): Pending[] {
  return db
    .select({ id: completions.id, text: completions.text, messages: prompts.messages })
    .from(completions)
    .innerJoin(tasks, eq(tasks.id, completions.taskId))
    .innerJoin(prompts, eq(prompts.id, tasks.promptId))
    .leftJoin(completionScores, and(eq(completionScores.completionId, completions.id), eq(completionScores.modelId, modelId)))
    .where(and(eq(tasks.projectId, projectId), gt(completions.id, afterId), rescore ? undefined : isNull(completionScores.id)))
    .orderBy(asc(completions.id))
    .limit(limit)
    .all();
}

function countPending(db: Db, projectId: number, modelId: number, rescore: boolean): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(completions)
      .innerJoin(tasks, eq(tasks.id, completions.taskId))
      .leftJoin(completionScores, and(eq(completionScores.completionId, completions.id), eq(completionScores.modelId, modelId)))
      .where(and(eq(tasks.projectId, projectId), rescore ? undefined : isNull(completionScores.id)))
      .get()?.n ?? 0
  );
}

export async function runScoring(ctx: JobContext<ScoreJobParams>): Promise<{ scored: number; modelId: number; modelName: string }> {
  const { db, params } = ctx;
  const project = getProject(db, params.projectId);
  if (!project) throw new Error(`params.projectId: project ${params.projectId} does not exist`);
  const model = getModelRow(db, params.modelId);
  if (!model) throw new Error(`params.modelId: model ${params.modelId} does not exist`);
  if (model.kind !== "reward" || model.source !== "palate") throw new Error(`params.modelId: ${model.name} is not a reward model directory`);
  // A resumed rescore would start over; after the first attempt, score only what is missing.
  const rescore = params.rescore && ctx.attempt === 1;
  const total = countPending(db, project.id, model.id, rescore);
  ctx.log(`Scoring ${total} completions of "${project.name}" with ${model.name}.`);
  if (total === 0) return { scored: 0, modelId: model.id, modelName: model.name };

  const { RewardScorer } = await import("../ml/rl/reward-scorer");
  const scorer = await RewardScorer.load(modelDir(model));
  let scored = 0;
  let afterId = 0;
  const started = Date.now();
  try {
    for (;;) {
      ctx.throwIfCancelled();
      const batch = pendingCompletions(db, project.id, model.id, afterId, rescore, SCORE_CHUNK);
      if (batch.length === 0) break;
      const scores = await scorer.score(batch.map((c) => ({ prompt: c.messages, completion: c.text })));
      db.transaction((tx) => {
        batch.forEach((c, i) => {
          tx.insert(completionScores)
            .values({ completionId: c.id, modelId: model.id, score: scores[i], jobId: ctx.jobId })
            .onConflictDoUpdate({
              target: [completionScores.completionId, completionScores.modelId],
              set: { score: scores[i], jobId: ctx.jobId, createdAt: Date.now() },
            })
            .run();
        });
      });
      scored += batch.length;
      afterId = batch[batch.length - 1].id;
      const perSecond = scored / Math.max(0.001, (Date.now() - started) / 1000);
      ctx.progress(scored / total, `${scored}/${total} completions · ${perSecond.toFixed(0)}/s`);
    }
  } finally {
    await scorer.release();
  }
  ctx.log(`Scored ${scored} completions.`);
  return { scored, modelId: model.id, modelName: model.name };
}
