// The "best-of-n" job: rejection sampling on a project's prompts (sample-and-score.ts), batch by
// batch. Each batch's kept answers are appended to `kept.jsonl` in the job's artifact directory, in
// the lines `palate sft --file/--mix` reads (project.ts keptSftLines), and its figures are logged:
// the batch's mean best score, mean score and pass rate (with a threshold), and the kept count so
// far. Cancellation is checked between batches. At the end, optionally, every kept answer of the
// file is inserted as a demonstration for review, in one transaction.
//
// Resumable, cheaply: after each batch `progress.json` records the prompts done, the file's length
// then and the counts' running sums (select.ts BestOfNTally), written after the lines and renamed
// into place. A resumed attempt cuts the file back to that length (lines of a batch that was being
// written when the process died go) and samples from the next prompt on; each batch's seed follows
// from its first prompt's index, so the file is the one an uninterrupted run writes. The record
// carries a hash of the prompts and settings; when they changed (prompts added to the project),
// the run starts over. Demonstrations are inserted once: the record says when they were, so only a
// crash between that transaction's commit and the record's write could insert them twice.
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, renameSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Connection } from "../../db/client";
import type { JobContext } from "../jobs/kind";
import { refView, resolveModelRef, type ModelRef } from "../models/model-ref";
import { getProject, type Project } from "../projects";
import { BEST_OF_N_KEPT_FILE, type BestOfNJobParams } from "./job-params";
import { rulesNeedReferences } from "./param-checks";
import { bestOfNPrompts, insertKeptDemonstrations, keptSftLines, type InsertedDemonstrations } from "./project";
import { promptsPerBatchOf, sampleAndScore, type BestOfNChoice, type BestOfNScorer } from "./sample-and-score";
import { addToTally, EMPTY_TALLY, tallyCounts, type BestOfNTally } from "./select";

export interface BestOfNJobResult extends Record<string, unknown> {
  prompts: number;
  kept: number;
  mean_best_score: number | null;
  mean_score: number | null;
  pass_rate: number | null;
  /** The kept answers (the job's artifact directory). */
  file: string;
  policy: { id: number; name: string } | { dir: string };
  by: string;
  n: number;
  threshold: number | null;
  /** The prompts a resumed attempt found done; null on a run from the start. */
  resumedFrom: number | null;
  demonstrations?: number;
  into?: number;
}

/** What progress.json holds. */
interface Checkpoint {
  hash: string;
  done: number;
  bytes: number;
  tally: BestOfNTally;
  inserted?: InsertedDemonstrations;
}

function readCheckpoint(path: string, hash: string): Checkpoint | null {
  if (!existsSync(path)) return null;
  try {
    const c = JSON.parse(readFileSync(path, "utf8")) as Checkpoint;
    return c.hash === hash && Number.isInteger(c.done) && Number.isInteger(c.bytes) ? c : null;
  } catch {
    return null;
  }
}

function writeCheckpoint(path: string, c: Checkpoint): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(c));
  renameSync(`${path}.tmp`, path);
}

/** The kept answers of a file written by this job, as the choices insertKeptDemonstrations takes. */
function choicesOfFile(file: string): BestOfNChoice[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const row = JSON.parse(l) as { messages: { role: string; content: string }[]; metadata: { score: number; sample: number; prompt_id: number } };
      const answer = row.messages.at(-1)!.content;
      return {
        prompt: { promptId: row.metadata.prompt_id, messages: row.messages.slice(0, -1) as BestOfNChoice["prompt"]["messages"], reference: null },
        answers: [],
        best: { text: answer, score: row.metadata.score, sample: row.metadata.sample, kept: true },
      };
    });
}

function scorerOf(ctx: JobContext<BestOfNJobParams>): { scorer: BestOfNScorer; label: string } {
  const { params } = ctx;
  if (params.rules !== undefined) return { scorer: { kind: "rules", spec: params.rules }, label: params.rules };
  const rm = resolveModelRef(ctx.db, params.rewardModelId, params.rewardDir, "rewardModelId", "best-of-n", "reward");
  return { scorer: { kind: "reward-model", dir: rm.dir, label: rm.label }, label: rm.label };
}

function demonstrationProject(ctx: JobContext<BestOfNJobParams>, source: Project): Project {
  const target = ctx.params.intoProjectId === undefined ? source : getProject(ctx.db, ctx.params.intoProjectId);
  if (!target) throw new Error(`params.intoProjectId: project ${ctx.params.intoProjectId} does not exist`);
  if (target.mode !== "demonstration")
    throw new Error(`params.intoProjectId: project "${target.name}" is a ${target.mode} project, not a demonstration project`);
  return target;
}

export async function runBestOfN(ctx: JobContext<BestOfNJobParams>): Promise<BestOfNJobResult> {
  const { db, params } = ctx;
  const project = getProject(db, params.projectId);
  if (!project) throw new Error(`params.projectId: project ${params.projectId} does not exist`);
  const policy: ModelRef = resolveModelRef(db, params.policyModelId, params.policyDir, "policyModelId", "best-of-n", "policy");
  const { scorer, label: by } = scorerOf(ctx);
  // Checked before the long part, so a job that cannot insert fails at once.
  const target = params.asDemonstrations ? demonstrationProject(ctx, project) : null;
  const needsReference = params.rules !== undefined && rulesNeedReferences(params.rules);
  const prompts = bestOfNPrompts(db, project.id, { referencesOnly: needsReference, limit: params.maxPrompts });
  if (prompts.length === 0)
    throw new Error(
      needsReference
        ? `params.rules: ${params.rules} compares answers with reference answers, and project "${project.name}" has no prompt with one`
        : `params.projectId: project "${project.name}" has no prompts`,
    );
  const threshold = params.threshold ?? null;
  const sampling = { temperature: params.temperature, topP: params.topP, topK: params.topK, maxTokens: params.maxTokens, seed: params.seed };
  const policyLabel = params.policyLabel ?? policy.label;
  const perBatch = promptsPerBatchOf(params.n);

  const file = join(ctx.artifactDir, BEST_OF_N_KEPT_FILE);
  const checkpointPath = join(ctx.artifactDir, "progress.json");
  const hash = createHash("sha256")
    .update(JSON.stringify({ prompts: prompts.map((p) => p.promptId), policy: policy.dir, by, n: params.n, threshold, sampling, perBatch, policyLabel }))
    .digest("hex");
  let checkpoint = ctx.attempt > 1 ? readCheckpoint(checkpointPath, hash) : null;
  const resumedFrom = checkpoint?.done ?? null;
  if (checkpoint && existsSync(file) && statSync(file).size >= checkpoint.bytes) {
    truncateSync(file, checkpoint.bytes);
    ctx.log(`Resumed after prompt ${checkpoint.done} of ${prompts.length} (${checkpoint.tally.kept} kept so far).`);
  } else {
    if (ctx.attempt > 1) ctx.log("No usable record of the earlier attempt (or the prompts changed): starting over.", "warn");
    checkpoint = { hash, done: 0, bytes: 0, tally: EMPTY_TALLY };
    writeFileSync(file, "");
    writeCheckpoint(checkpointPath, checkpoint);
  }
  ctx.log(
    `Best of ${params.n} for ${prompts.length} prompts of "${project.name}" from ${policyLabel}, scored by ${by}` +
      `${threshold !== null ? `, kept at ≥ ${threshold}` : ""}; ${perBatch} prompt${perBatch === 1 ? "" : "s"} per batch.`,
  );

  const sampleShare = target ? 0.98 : 1;
  if (checkpoint.done < prompts.length) {
    ctx.throwIfCancelled();
    ctx.progress((sampleShare * checkpoint.done) / prompts.length, `prompt ${checkpoint.done} of ${prompts.length}`);
    await sampleAndScore({
      policyDir: policy.dir,
      prompts,
      n: params.n,
      by: scorer,
      threshold,
      sampling,
      promptsPerBatch: perBatch,
      from: checkpoint.done,
      onChunk: (choices, done, total) => {
        const lines = keptSftLines(choices, { by, n: params.n, policy: policyLabel });
        if (lines.length > 0) appendFileSync(file, lines.map((l) => l + "\n").join(""));
        const batch = tallyCounts(
          choices.reduce((t, c) => addToTally(t, c.answers, threshold), EMPTY_TALLY),
          threshold,
        );
        const tally = choices.reduce((t, c) => addToTally(t, c.answers, threshold), checkpoint!.tally);
        checkpoint = { hash, done, bytes: statSync(file).size, tally };
        writeCheckpoint(checkpointPath, checkpoint);
        const values: Record<string, number> = { kept: tally.kept };
        if (batch.meanBestScore !== null) values.mean_best_score = batch.meanBestScore;
        if (batch.meanScore !== null) values.mean_score = batch.meanScore;
        if (batch.passRate !== null) values.pass_rate = batch.passRate;
        ctx.metrics(done, values);
        ctx.progress((sampleShare * done) / total, `prompt ${done} of ${total} · ${tally.kept} kept`);
        ctx.throwIfCancelled();
      },
    });
  }

  const counts = tallyCounts(checkpoint.tally, threshold);
  let inserted = checkpoint.inserted ?? null;
  if (target && !inserted) {
    if (!("$client" in db)) throw new Error("inserting demonstrations needs the job's own database connection");
    inserted = insertKeptDemonstrations(db as Connection, choicesOfFile(file), project, target);
    checkpoint = { ...checkpoint, inserted };
    writeCheckpoint(checkpointPath, checkpoint);
    ctx.log(`Inserted ${inserted.demonstrations} demonstrations into "${target.name}" for review.`);
  }
  const fmt = (v: number | null) => (v === null ? "n/a" : v.toFixed(4));
  const summary =
    `${counts.prompts} prompts, ${counts.kept} kept · mean best score ${fmt(counts.meanBestScore)} · mean score ${fmt(counts.meanScore)}` +
    (counts.passRate !== null ? ` · pass rate ${fmt(counts.passRate)}` : "");
  ctx.progress(1, summary);
  ctx.log(`${summary}. Written to ${file}.`);
  return {
    prompts: counts.prompts,
    kept: counts.kept,
    mean_best_score: counts.meanBestScore,
    mean_score: counts.meanScore,
    pass_rate: counts.passRate,
    file,
    policy: refView(policy),
    by,
    n: params.n,
    threshold,
    resumedFrom,
    ...(inserted ? { demonstrations: inserted.demonstrations, into: inserted.projectId } : {}),
  };
}
