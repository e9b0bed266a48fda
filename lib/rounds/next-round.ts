// "Start next round": from a PPO policy, the generation job that samples K completions per
// prompt of the project from it — mixed, when asked, with the previous model's (the policy PPO
// started from), so annotators rank the two head to head — tagged with the next round.
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { prompts } from "../../db/schema";
import { GENERATE_JOB_KIND, generateJobParamsSchema, samplingSchema, type GenerateJobParams } from "../generation/job-params";
import type { FieldIssue } from "../http";
import { enqueueJob, type Job } from "../jobs/queue";
import { getModelRow } from "../models/registry";

export const nextRoundRequestSchema = z
  .object({
    /** The PPO policy whose samples start the round. */
    policyModelId: z.number().int().positive(),
    /** Mix the previous model's completions into each task (head to head); default true. */
    mixPrevious: z.boolean().default(true),
    sampling: samplingSchema.partial().default({}),
  })
  .strict();
export type NextRoundRequest = z.input<typeof nextRoundRequestSchema>;

/** The first prompt row of each distinct conversation of a project, oldest first. */
export function distinctPromptIds(db: Db, projectId: number): number[] {
  const seen = new Set<string>();
  const ids: number[] = [];
  for (const p of db
    .select({ id: prompts.id, messages: prompts.messages })
    .from(prompts)
    .where(eq(prompts.projectId, projectId))
    .orderBy(asc(prompts.id))
    .all()) {
    const key = JSON.stringify(p.messages.map((m) => [m.role, m.content]));
    if (seen.has(key)) continue;
    seen.add(key);
    ids.push(p.id);
  }
  return ids;
}

/** The generation job's parameters for the next round, or the issues naming what is wrong. */
export function nextRoundParams(db: Db, projectId: number, input: NextRoundRequest): { params: GenerateJobParams } | { issues: FieldIssue[] } {
  const request = nextRoundRequestSchema.parse(input);
  const policy = getModelRow(db, request.policyModelId);
  if (!policy || policy.kind !== "policy") return { issues: [{ field: "policyModelId", message: "no such policy model" }] };
  const lineage = (policy.metadata?.lineage ?? null) as { round?: unknown; startPolicy?: { id?: unknown } } | null;
  if (policy.projectId !== projectId || typeof lineage?.round !== "number")
    return { issues: [{ field: "policyModelId", message: `${policy.name} is not a PPO policy of this project` }] };
  const previousId = typeof lineage.startPolicy?.id === "number" ? lineage.startPolicy.id : undefined;
  if (request.mixPrevious && (previousId === undefined || !getModelRow(db, previousId)))
    return { issues: [{ field: "mixPrevious", message: `the model ${policy.name} started from is not in the registry; sample from the policy alone` }] };
  const promptIds = distinctPromptIds(db, projectId);
  if (promptIds.length === 0) return { issues: [{ field: "projectId", message: "the project has no prompts" }] };
  const parsed = generateJobParamsSchema.safeParse({
    projectId,
    modelId: policy.id,
    promptIds,
    sampling: request.sampling,
    round: lineage.round + 1,
    ...(request.mixPrevious ? { compareModelId: previousId } : {}),
  });
  if (!parsed.success) return { issues: parsed.error.issues.map((i) => ({ field: i.path.join("."), message: i.message })) };
  return { params: parsed.data };
}

/** Enqueues the next round's generation job. */
export function startNextRound(db: Db, projectId: number, input: NextRoundRequest, createdBy: number | null): { job: Job } | { issues: FieldIssue[] } {
  const result = nextRoundParams(db, projectId, input);
  if ("issues" in result) return result;
  return { job: enqueueJob(db, { kind: GENERATE_JOB_KIND, params: result.params as unknown as Record<string, unknown>, projectId, createdBy }) };
}
