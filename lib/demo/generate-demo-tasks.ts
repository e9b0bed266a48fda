// Fills the demo project with completions sampled from the embedded default SFT model: one
// generation job, run in this process, so the project's tasks carry real model output (with
// token logprobs) and the job shows in the app's job list with its lineage.
import type { Db } from "../../db/client";
import { GENERATE_JOB_KIND, generateJobParamsSchema } from "../generation/job-params";
import { enqueueClaimedJob, getJob } from "../jobs/queue";
import { runJob } from "../jobs/run-job";
import type { ModelView } from "../models/registry";
import type { Project } from "../projects";
import { demoTasks } from "./seed";

/**
 * Sampling for the demo: tasks worth ranking need four different answers, and a small SFT model
 * is sure of its facts — measured on a default-sft trained on three answer forms (short,
 * sentence, long), temperature 1 with top-p 0.95 drew duplicates in 9 of the first 10 tasks
 * and reached four distinct texts in none of the capitals even after resampling; at 1.2 with
 * the whole distribution (top-p 1) and up to 8 resampling rounds all 24 tasks got four distinct
 * completions (the three forms plus a mistake to rank last), in seconds. Higher temperatures
 * turn answers into noise. Whatever the model, the job never writes two equal texts into a
 * task: a prompt still short gets fewer completions, or no task (see resampleRounds).
 */
export const DEMO_SAMPLING = { k: 4, temperature: 1.2, topP: 1, topK: 0, maxTokens: 40, stop: [], seed: 0 } as const;
export const DEMO_RESAMPLE_ROUNDS = 8;

/** The user message of each demo task. */
export function demoPromptTexts(): string[] {
  return demoTasks().map((t) => t.messages[t.messages.length - 1].content);
}

/** Runs a generation job for the demo prompts; resolves to the number of tasks it created (its log says how many have fewer than K distinct completions). */
export async function generateDemoTasks(db: Db, project: Project, model: ModelView, dataDir: string): Promise<number> {
  const params = generateJobParamsSchema.parse({
    projectId: project.id,
    modelId: model.id,
    prompts: demoPromptTexts(),
    sampling: DEMO_SAMPLING,
    resampleRounds: DEMO_RESAMPLE_ROUNDS,
  });
  const job = enqueueClaimedJob(db, { kind: GENERATE_JOB_KIND, params: params as unknown as Record<string, unknown>, projectId: project.id });
  const status = await runJob(db, job.id, { dataDir });
  const done = getJob(db, job.id);
  if (status !== "succeeded") throw new Error(`generating the demo tasks failed: ${done?.error ?? status}`);
  return Number((done?.result as { tasksCreated?: number } | null)?.tasksCreated ?? 0);
}
