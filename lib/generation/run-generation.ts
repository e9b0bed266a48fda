// The generation job: K completions per prompt from a registered model, each prompt's K
// completions written as a new task of the project.
//
// Crash safety: every completion's metadata records the job id and the prompt's index in
// the job, and each batch of tasks is written in one IMMEDIATE transaction that first skips
// the prompts already written by this job. A run killed at any point leaves whole tasks
// only; the next attempt finds which prompt indexes are done and generates the rest, so no
// prompt ever gets two tasks from one job.
import { and, eq, gte, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { completions, prompts, tasks, type Message } from "../../db/schema";
import type { JobContext } from "../jobs/kind";
import { getJob } from "../jobs/queue";
import { getModelRow, type ModelRow } from "../models/registry";
import { getProject } from "../projects";
import { insertTask } from "../tasks";
import type { GenerateJobParams, Sampling } from "./job-params";
import { openCompletionSource } from "./open-source";
import type { CompletionSource, SampledCompletion } from "./source";

export interface GenerationPrompt {
  /** Position in the job's prompt list: promptIds first, then typed-in prompts. */
  index: number;
  messages: Message[];
  /** Set for an existing prompt of the project (its new task reuses it). */
  promptId?: number;
}

const CHUNK = 500;

/** The job's prompts in order; existing ones must belong to the project. */
export function resolvePrompts(db: Db, params: Pick<GenerateJobParams, "projectId" | "promptIds" | "prompts">): GenerationPrompt[] {
  const ids = params.promptIds ?? [];
  const found = new Map<number, Message[]>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = db
      .select({ id: prompts.id, messages: prompts.messages })
      .from(prompts)
      .where(and(eq(prompts.projectId, params.projectId), inArray(prompts.id, ids.slice(i, i + CHUNK))))
      .all();
    for (const r of rows) found.set(r.id, r.messages);
  }
  const out: GenerationPrompt[] = ids.map((id, index) => {
    const messages = found.get(id);
    if (!messages) throw new Error(`promptIds: prompt ${id} is not a prompt of project ${params.projectId}`);
    return { index, messages, promptId: id };
  });
  (params.prompts ?? []).forEach((content, i) => out.push({ index: ids.length + i, messages: [{ role: "user", content }] }));
  return out;
}

/**
 * Prompt indexes of `jobId` that already have their task. `since` (unix ms) limits the scan to
 * tasks created from then on (the job's tasks are never older than the job); `among` to some indexes.
 */
export function completedPromptIndexes(db: Db, projectId: number, jobId: number, filter: { among?: readonly number[]; since?: number } = {}): Set<number> {
  const index = sql<number>`json_extract(${completions.metadata}, '$.promptIndex')`;
  const rows = db
    .select({ index })
    .from(tasks)
    .innerJoin(completions, and(eq(completions.taskId, tasks.id), eq(completions.position, 0)))
    .where(
      and(
        eq(tasks.projectId, projectId),
        filter.since !== undefined ? gte(tasks.createdAt, Math.floor(filter.since)) : undefined,
        sql`json_extract(${completions.metadata}, '$.jobId') = ${jobId}`,
        filter.among ? inArray(index, [...filter.among]) : undefined,
      ),
    )
    .all();
  return new Set(rows.map((r) => Number(r.index)));
}

/** Clock margin when limiting scans by creation time. */
const SINCE_MARGIN_MS = 60_000;

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** What each completion row stores besides its text: lineage for resume, and the engine's ids and logprobs for PPO. */
export function completionMetadata(jobId: number, promptIndex: number, c: SampledCompletion, round?: number): Record<string, unknown> {
  const meta: Record<string, unknown> = { jobId, promptIndex, finishReason: c.finishReason };
  if (round !== undefined) meta.round = round;
  if (c.tokenIds) meta.tokenIds = c.tokenIds;
  if (c.logprobs) {
    meta.logprobs = c.logprobs.map(round6);
    meta.sumLogprob = round6(c.logprobs.reduce((s, x) => s + x, 0));
  }
  return meta;
}

/** A sampled completion with the name of the model that wrote it. */
export interface ModelCompletion extends SampledCompletion {
  model: string;
}

/**
 * Writes one batch's tasks in one transaction, skipping prompts this job already wrote (a
 * process of an earlier attempt still finishing its batch). `since`: when this attempt
 * scanned for finished prompts. Returns the number written.
 */
export function writeBatch(
  db: Db,
  projectId: number,
  jobId: number,
  items: { prompt: GenerationPrompt; completions: ModelCompletion[] }[],
  options: { since?: number; round?: number } = {},
): number {
  const { since, round } = options;
  return db.transaction(
    (tx) => {
      const done = completedPromptIndexes(tx, projectId, jobId, { among: items.map((i) => i.prompt.index), since: since === undefined ? undefined : since - SINCE_MARGIN_MS });
      let written = 0;
      for (const { prompt, completions: list } of items) {
        if (done.has(prompt.index)) continue;
        insertTask(tx, projectId, {
          messages: prompt.messages,
          promptId: prompt.promptId,
          completions: list.map((c) => ({ text: c.text, model: c.model, metadata: completionMetadata(jobId, prompt.index, c, round) })),
        });
        written++;
      }
      return written;
    },
    { behavior: "immediate" },
  );
}

/** Prompts per batch: about 32 sequences per batch. */
export function promptsPerBatch(k: number): number {
  return Math.max(1, Math.floor(32 / k));
}

/** The sampling of one batch: the seed moves with the batch's first prompt, so a resumed batch samples what it would have. */
export function batchSampling(sampling: Sampling, firstIndex: number): Sampling {
  return { ...sampling, seed: (sampling.seed + firstIndex * 7919) % 2 ** 31 };
}

export function checkModel(row: ModelRow | undefined, modelId: number): ModelRow {
  if (!row) throw new Error(`modelId: model ${modelId} is not registered`);
  if (row.kind === "reward") throw new Error(`modelId: "${row.name}" is a reward model; generation needs a policy`);
  return row;
}

export interface GenerationResult extends Record<string, unknown> {
  model: string;
  prompts: number;
  /** Tasks this attempt wrote. */
  tasksCreated: number;
  /** Prompts that already had their task from an earlier attempt. */
  resumed: number;
  completionsPerTask: number;
}

export async function runGeneration(
  ctx: JobContext<GenerateJobParams>,
  open: (row: ModelRow) => Promise<CompletionSource> = (row) => openCompletionSource(row, { onRetry: (m) => ctx.log(m, "warn") }),
): Promise<GenerationResult> {
  const { params, db } = ctx;
  if (!getProject(db, params.projectId)) throw new Error(`projectId: project ${params.projectId} does not exist`);
  const row = checkModel(getModelRow(db, params.modelId), params.modelId);
  const compareRow = params.compareModelId !== undefined ? checkModel(getModelRow(db, params.compareModelId), params.compareModelId) : undefined;
  const all = resolvePrompts(db, params);
  const scannedAt = Date.now();
  const job = getJob(db, ctx.jobId);
  const done = completedPromptIndexes(db, params.projectId, ctx.jobId, { since: job ? job.createdAt - SINCE_MARGIN_MS : undefined });
  const todo = all.filter((p) => !done.has(p.index));
  if (done.size > 0) ctx.log(`Resuming: ${done.size} of ${all.length} prompts already have their task from this job.`);
  ctx.progress(done.size / all.length, `loading ${row.name}`);

  const source = await open(row);
  const compare = compareRow ? await open(compareRow).catch(async (err) => {
    await source.close();
    throw err;
  }) : undefined;
  const k = params.sampling.k;
  // Head to head: ceil(K/2) from the model, the rest from the model it is compared with.
  const kOwn = compare ? Math.ceil(k / 2) : k;
  let finished = done.size;
  let created = 0;
  try {
    ctx.log(
      compare
        ? `Generating ${k} completions for each of ${todo.length} prompts: ${kOwn} with ${row.name}, ${k - kOwn} with ${compareRow!.name}${params.round !== undefined ? ` (round ${params.round})` : ""}.`
        : `Generating ${k} completions for each of ${todo.length} prompts with ${row.name}${params.round !== undefined ? ` (round ${params.round})` : ""}.`,
    );
    const size = promptsPerBatch(k);
    for (let start = 0; start < todo.length; start += size) {
      ctx.throwIfCancelled();
      const batch = todo.slice(start, start + size);
      const began = performance.now();
      const sampling = batchSampling(params.sampling, batch[0].index);
      const own = await source.generate(
        batch.map((p) => p.messages),
        { ...sampling, k: kOwn },
        { signal: ctx.signal },
      );
      const other = compare
        ? await compare.generate(
            batch.map((p) => p.messages),
            { ...sampling, k: k - kOwn, seed: (sampling.seed + 104_729) % 2 ** 31 },
            { signal: ctx.signal },
          )
        : undefined;
      ctx.throwIfCancelled();
      const results = own.map((list, i) => [
        ...list.map((c) => ({ ...c, model: source.modelName })),
        ...(other?.[i] ?? []).map((c) => ({ ...c, model: compare!.modelName })),
      ]);
      created += writeBatch(
        db,
        params.projectId,
        ctx.jobId,
        batch.map((prompt, i) => ({ prompt, completions: results[i] })),
        { since: scannedAt, round: params.round },
      );
      finished += batch.length;
      const seconds = Math.max(1e-6, (performance.now() - began) / 1000);
      const flat = results.flat();
      const tokens = flat.reduce((s, c) => s + (c.tokenIds?.length ?? 0), 0);
      const values: Record<string, number> = { completions_per_second: flat.length / seconds };
      if (tokens > 0) {
        values.tokens_per_second = tokens / seconds;
        values.mean_completion_tokens = tokens / flat.length;
      }
      ctx.metrics(finished, values);
      const speed = tokens > 0 ? `${Math.round(values.tokens_per_second)} tokens/s` : `${values.completions_per_second.toFixed(1)} completions/s`;
      ctx.progress(finished / all.length, `${finished}/${all.length} prompts · ${speed}`);
    }
  } finally {
    await source.close();
    await compare?.close();
  }
  ctx.log(`Wrote ${created} tasks (${k} completions each)${done.size > 0 ? `; ${done.size} were written before the restart` : ""}.`);
  return { model: row.name, prompts: all.length, tasksCreated: created, resumed: done.size, completionsPerTask: k };
}

/** Every prompt of a project, oldest first (for "sample all prompts again"). */
export function projectPromptIds(db: Db, projectId: number): number[] {
  return db
    .select({ id: prompts.id })
    .from(prompts)
    .where(eq(prompts.projectId, projectId))
    .orderBy(prompts.id)
    .all()
    .map((r) => r.id);
}
