// The generation job: K completions per prompt from a registered model, each prompt's K
// completions written as a new task of the project.
//
// Distinct completions: a prompt whose K completions repeat a text (compared after trimming
// and collapsing whitespace, lib/generation/distinct.ts) is sampled again, for the share of
// the model that owes the missing ones, up to `resampleRounds` extra rounds, each with its own
// seed. A prompt still short after the last round gets a task with the distinct completions it
// has (fewer than K: annotators never rank two equal texts), or no task when it has a single
// distinct text (nothing to rank). The job counts both, logs them and reports them in its
// result, its "distinct completions" output and its metrics.
//
// Crash safety: every completion's metadata records the job id and the prompt's index in
// the job, and each batch of tasks is written in one IMMEDIATE transaction that first skips
// the prompts already written by this job. A run killed at any point leaves whole tasks
// only; the next attempt finds which prompt indexes are done and generates the rest, so no
// prompt ever gets two tasks from one job.
import { and, count, eq, gte, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { completions, prompts, tasks, type Message } from "../../db/schema";
import type { JobContext } from "../jobs/kind";
import { getJob } from "../jobs/queue";
import { getModelRow, type ModelRow } from "../models/registry";
import { getProject } from "../projects";
import { insertTask } from "../tasks";
import { DistinctCompletions } from "./distinct";
import { DEFAULT_RESAMPLE_ROUNDS, type GenerateJobParams, type Sampling } from "./job-params";
import { openCompletionSource } from "./open-source";
import type { CompletionSource, GenerateRequestOptions, SampledCompletion } from "./source";

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
      const done = completedPromptIndexes(tx, projectId, jobId, {
        among: items.map((i) => i.prompt.index),
        since: since === undefined ? undefined : since - SINCE_MARGIN_MS,
      });
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

/**
 * Prompts per batch: about 32 sequences per batch, and at least ~10 batches in a small job so
 * that its live charts (one point per batch) show a line, not a point.
 */
export function promptsPerBatch(k: number, prompts = Infinity): number {
  return Math.max(1, Math.min(Math.floor(32 / k), Math.ceil(prompts / 10)));
}

/** The sampling of one batch: the seed moves with the batch's first prompt, so a resumed batch samples what it would have. */
export function batchSampling(sampling: Sampling, firstIndex: number): Sampling {
  return { ...sampling, seed: (sampling.seed + firstIndex * 7919) % 2 ** 31 };
}

/** The seed of resampling round `round` (1, 2, …) of a share whose first draw used `seed`. */
export function resampleSeed(seed: number, round: number): number {
  return (seed + round * 15_485_863) % 2 ** 31;
}

/** One model's part of each task: its source, how many completions it owes per prompt, and its seed. */
export interface Share {
  source: CompletionSource;
  k: number;
  seed: number;
}

export interface DistinctBatch {
  /** Each prompt's distinct completions (shares in order), at most K. */
  completions: ModelCompletion[][];
  /** Completions drawn, resamples included. */
  sampled: ModelCompletion[];
  /** Completions of the first draw that repeated a text. */
  duplicates: number;
  /** Duplicates replaced by a new text from a resampling round. */
  resampled: number;
  /** Resampling rounds run (0 when the first draw was distinct). */
  rounds: number;
}

/**
 * K completions for each prompt, distinct where the budget allows: the shares' first draws,
 * then up to `rounds` resampling rounds, each asking every share that still owes completions
 * for a fresh draw (its full share) for the prompts it owes them to.
 */
export async function sampleDistinct(
  prompts: readonly Message[][],
  shares: readonly Share[],
  sampling: Sampling,
  rounds: number,
  options: GenerateRequestOptions & { throwIfCancelled?: () => void } = {},
): Promise<DistinctBatch> {
  const sampled: ModelCompletion[] = [];
  const draw = async (share: Share, list: readonly Message[][], seed: number) => {
    const out = await share.source.generate(list, { ...sampling, k: share.k, seed }, { signal: options.signal });
    const tagged = out.map((cs) => cs.map((c) => ({ ...c, model: share.source.modelName })));
    sampled.push(...tagged.flat());
    return tagged;
  };
  const firsts: ModelCompletion[][][] = [];
  for (const share of shares) firsts.push(share.k > 0 ? await draw(share, prompts, share.seed) : prompts.map(() => []));
  const sets = prompts.map((_, i) => new DistinctCompletions(firsts.map((f) => f[i])));
  const duplicates = sets.reduce((n, s) => n + s.duplicates, 0);
  let resampled = 0;
  let used = 0;
  for (let round = 1; round <= rounds && sets.some((s) => !s.complete); round++) {
    options.throwIfCancelled?.();
    used = round;
    for (const [s, share] of shares.entries()) {
      const owing = sets.map((set, i) => ({ set, i })).filter(({ set }) => set.missing(s) > 0);
      if (owing.length === 0) continue;
      const fresh = await draw(
        share,
        owing.map(({ i }) => prompts[i]),
        resampleSeed(share.seed, round),
      );
      owing.forEach(({ set }, j) => (resampled += set.offer(s, fresh[j])));
    }
  }
  return { completions: sets.map((s) => s.completions()), sampled, duplicates, resampled, rounds: used };
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
  /** Prompts the job could not fill with K distinct completions: tasksShort + promptsSkipped. */
  unfilled: number;
  /** The job's tasks with fewer than K completions (all distinct): the budget ran out first. */
  tasksShort: number;
  /** Prompts with a single distinct completion after the budget: no task written. */
  promptsSkipped: number;
  /** Completions of this attempt's first draws that repeated a text of their prompt. */
  duplicatesFound: number;
  /** Of those, how many a resampling round replaced with a new text. */
  duplicatesResampled: number;
  resampleRounds: number;
}

/** Tasks of `jobId` with fewer than `k` completions. */
export function shortTaskCount(db: Db, projectId: number, jobId: number, k: number, since?: number): number {
  return db
    .select({ taskId: completions.taskId, n: count() })
    .from(completions)
    .innerJoin(tasks, eq(tasks.id, completions.taskId))
    .where(
      and(
        eq(tasks.projectId, projectId),
        since !== undefined ? gte(tasks.createdAt, Math.floor(since)) : undefined,
        sql`json_extract(${completions.metadata}, '$.jobId') = ${jobId}`,
      ),
    )
    .groupBy(completions.taskId)
    .having(sql`count(*) < ${k}`)
    .all().length;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

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
  const jobSince = job ? job.createdAt - SINCE_MARGIN_MS : undefined;
  const done = completedPromptIndexes(db, params.projectId, ctx.jobId, { since: jobSince });
  const todo = all.filter((p) => !done.has(p.index));
  if (done.size > 0) ctx.log(`Resuming: ${done.size} of ${all.length} prompts already have their task from this job.`);
  ctx.progress(done.size / all.length, `loading ${row.name}`);

  const source = await open(row);
  const compare = compareRow
    ? await open(compareRow).catch(async (err) => {
        await source.close();
        throw err;
      })
    : undefined;
  const k = params.sampling.k;
  // Head to head: ceil(K/2) from the model, the rest from the model it is compared with.
  const kOwn = compare ? Math.ceil(k / 2) : k;
  const budget = params.resampleRounds ?? DEFAULT_RESAMPLE_ROUNDS;
  // Greedy decoding draws the same text again: resampling cannot help.
  const rounds = params.sampling.temperature === 0 ? 0 : budget;
  let finished = done.size;
  let created = 0;
  let short = 0;
  let skipped = 0;
  let duplicates = 0;
  let resampled = 0;
  const distinctOutput = () => ({
    completionsPerTask: k,
    resampleRounds: rounds,
    duplicatesFound: duplicates,
    duplicatesResampled: resampled,
    tasksShort: short,
    promptsSkipped: skipped,
  });
  try {
    ctx.log(
      compare
        ? `Generating ${k} completions for each of ${todo.length} prompts: ${kOwn} with ${row.name}, ${k - kOwn} with ${compareRow!.name}${params.round !== undefined ? ` (round ${params.round})` : ""}.`
        : `Generating ${k} completions for each of ${todo.length} prompts with ${row.name}${params.round !== undefined ? ` (round ${params.round})` : ""}.`,
    );
    if (rounds < budget) ctx.log(`Temperature 0 samples greedily, so duplicate completions are not resampled (resampleRounds ${budget} unused).`);
    const size = promptsPerBatch(k, all.length);
    for (let start = 0; start < todo.length; start += size) {
      ctx.throwIfCancelled();
      const batch = todo.slice(start, start + size);
      const began = performance.now();
      const sampling = batchSampling(params.sampling, batch[0].index);
      const shares: Share[] = [{ source, k: kOwn, seed: sampling.seed }];
      if (compare) shares.push({ source: compare, k: k - kOwn, seed: (sampling.seed + 104_729) % 2 ** 31 });
      const drawn = await sampleDistinct(
        batch.map((p) => p.messages),
        shares,
        sampling,
        rounds,
        { signal: ctx.signal, throwIfCancelled: () => ctx.throwIfCancelled() },
      );
      ctx.throwIfCancelled();
      const items = batch.map((prompt, i) => ({ prompt, completions: drawn.completions[i] }));
      // A single distinct text leaves nothing to rank: no task.
      const writable = items.filter((item) => item.completions.length >= 2);
      created += writeBatch(db, params.projectId, ctx.jobId, writable, { since: scannedAt, round: params.round });
      const batchShort = writable.filter((item) => item.completions.length < k).length;
      const batchSkipped = items.length - writable.length;
      short += batchShort;
      skipped += batchSkipped;
      duplicates += drawn.duplicates;
      resampled += drawn.resampled;
      if (batchShort + batchSkipped > 0) {
        ctx.log(
          `Prompts ${batch[0].index + 1}–${batch[batch.length - 1].index + 1}: ${plural(batchShort + batchSkipped, "prompt")} short of ${k} distinct completions after ${plural(drawn.rounds, "resampling round")}` +
            (batchShort > 0 ? `; ${batchShort} written with fewer` : "") +
            (batchSkipped > 0 ? `; ${batchSkipped} skipped (one distinct text)` : "") +
            ".",
          "warn",
        );
      }
      finished += batch.length;
      const seconds = Math.max(1e-6, (performance.now() - began) / 1000);
      const flat = drawn.sampled;
      const tokens = flat.reduce((s, c) => s + (c.tokenIds?.length ?? 0), 0);
      const values: Record<string, number> = {
        tasks_done: done.size + created,
        completions_per_second: flat.length / seconds,
        duplicate_rate: drawn.duplicates / (batch.length * k),
        duplicates_resampled: resampled,
        unfilled_prompts: short + skipped,
      };
      if (tokens > 0) {
        values.tokens_per_second = tokens / seconds;
        values.mean_completion_tokens = tokens / flat.length;
      }
      ctx.metrics(finished, values);
      ctx.output("distinct completions", distinctOutput());
      const speed = tokens > 0 ? `${Math.round(values.tokens_per_second)} tokens/s` : `${values.completions_per_second.toFixed(1)} completions/s`;
      const shortfall = short + skipped > 0 ? ` · ${short + skipped} short of ${k} distinct` : "";
      ctx.progress(finished / all.length, `${finished}/${all.length} prompts · ${speed}${shortfall}`);
    }
  } finally {
    await source.close();
    await compare?.close();
  }
  // Across attempts: short tasks an earlier attempt wrote count too; a prompt without a task was skipped (by this attempt).
  const tasksShort = shortTaskCount(db, params.projectId, ctx.jobId, k, jobSince);
  const promptsSkipped = all.length - done.size - created;
  const unfilled = tasksShort + promptsSkipped;
  const summary =
    `Wrote ${created} tasks (${k} distinct completions each` +
    (tasksShort > 0 ? `, ${tasksShort} with fewer` : "") +
    `)${done.size > 0 ? `; ${done.size} were written before the restart` : ""}. ` +
    (unfilled === 0
      ? `Every prompt got ${k} distinct completions${resampled > 0 ? ` (${plural(resampled, "duplicate")} resampled)` : ""}.`
      : `${plural(unfilled, "prompt")} could not be filled with ${k} distinct completions after ${plural(rounds, "resampling round")}: ` +
        `${tasksShort} written with fewer, ${promptsSkipped} skipped (a single distinct text); ${plural(resampled, "duplicate")} resampled.`);
  ctx.log(summary, unfilled > 0 ? "warn" : "info");
  ctx.output("distinct completions", { ...distinctOutput(), tasksShort, promptsSkipped });
  ctx.progress(
    1,
    unfilled > 0
      ? `${all.length}/${all.length} prompts · ${unfilled} short of ${k} distinct completions`
      : `${all.length}/${all.length} prompts · all with ${k} distinct completions`,
  );
  return {
    model: row.name,
    prompts: all.length,
    tasksCreated: created,
    resumed: done.size,
    completionsPerTask: k,
    unfilled,
    tasksShort,
    promptsSkipped,
    duplicatesFound: duplicates,
    duplicatesResampled: resampled,
    resampleRounds: rounds,
  };
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
