// The "sft" job: supervised fine-tuning of a model on a project's demonstrations (or a TRL SFT
// file, or a snapshot's), with files mixed in at chosen ratios, then the model registered (kind
// "policy") with its lineage (method "sft", the base model, the project, the data's sources and
// counts, the config). The loop is train-sft.ts; its output directory is its checkpoint, so an
// interrupted job resumes from the last checkpoint.
import { dirname, join } from "node:path";
import type { Db } from "../../db/client";
import { snapshotDir } from "../datasets/snapshot-store";
import type { JobContext } from "../jobs/kind";
import { JobCancelledError } from "../jobs/kind";
import { jobThreads } from "../jobs/threads";
import { stepProgress, trainerJobHooks } from "../jobs/trainer-hooks";
import { lineageOf, modelOfThisJob, refView, resolveModelRef, type ModelRef } from "../models/model-ref";
import { nameSlug, registerModel, registryPath, toView } from "../models/registry";
import { getProject } from "../projects";
import type { SftJobParams } from "./job-params";
import {
  fileDemonstrations,
  projectDemonstrations,
  readSftFile,
  sftTrainingSet,
  snapshotDemonstrations,
  type MixSource,
  type SourceData,
} from "./training-set";
import { trainSupervised } from "./train-sft";

export interface SftJobResult extends Record<string, unknown> {
  modelId: number;
  modelName: string;
  outDir: string;
  steps: number;
  resumedFrom: number | null;
  metrics: Record<string, number>;
}

function resolveBase(db: Db, params: SftJobParams): ModelRef {
  return resolveModelRef(db, params.baseModelId, params.baseDir, "baseModelId", "SFT", "language model");
}

/** The default registry name of a job's model: sft-<project slug>-<job id>. */
export function defaultSftModelName(projectName: string, jobId: number): string {
  return `sft-${nameSlug(projectName)}-${jobId}`;
}

export async function runSft(ctx: JobContext<SftJobParams>): Promise<SftJobResult> {
  const { db, params } = ctx;
  const project = getProject(db, params.projectId);
  if (!project) throw new Error(`params.projectId: project ${params.projectId} does not exist`);
  const base = resolveBase(db, params);
  const name = params.name ?? defaultSftModelName(project.name, ctx.jobId);
  const existing = modelOfThisJob(db, name, ctx.jobId);

  const snapshotPath =
    params.snapshotDir ?? (params.snapshot !== undefined ? snapshotDir(dirname(dirname(ctx.artifactDir)), project.id, params.snapshot) : null);
  const primary: SourceData =
    params.file !== undefined
      ? fileDemonstrations(params.file)
      : snapshotPath !== null
        ? snapshotDemonstrations(snapshotPath, params.demonstrations)
        : projectDemonstrations(db, project.id, params.demonstrations);
  if (primary.examples.length === 0)
    throw new Error(`${primary.source.kind === "demonstrations" ? `project "${project.name}"` : primary.description} has no demonstrations to learn from`);
  const mixes: MixSource[] = params.mix.map((m) => ({ ...m, ...readSftFile(m.file) }));
  const cfg = params.config;
  const set = sftTrainingSet(primary, mixes, cfg.validationFraction, cfg.seed);
  ctx.log(
    `SFT on "${project.name}" from ${base.label}: ${primary.description}` +
      (mixes.length > 0 ? `; mixed: ${set.counts.map((c) => `${c.name} ${c.used} (${(100 * c.share).toFixed(1)}%)`).join(", ")}` : "") +
      ".",
  );

  const outDir = params.outDir ?? join(ctx.artifactDir, "model");
  const result = await trainSupervised({
    baseDir: base.dir,
    outDir,
    train: set.train,
    eval: set.eval,
    config: cfg,
    intraOpNumThreads: jobThreads(params.threads),
    ...trainerJobHooks(ctx),
    onProgress: stepProgress(ctx),
  });
  if (result.cancelled) throw new JobCancelledError();

  const metrics = result.metrics;
  const s = result.summary;
  const baseLineage = lineageOf(base.row);
  const model =
    existing !== undefined
      ? toView(existing)
      : registerModel(db, {
          name,
          kind: "policy",
          source: "palate",
          path: registryPath(outDir),
          parentId: base.row?.id ?? null,
          jobId: ctx.jobId,
          projectId: project.id,
          description: `SFT model of "${project.name}" from ${base.label} on ${s.train_examples} demonstrations (${primary.description}${mixes.length > 0 ? `, mixed with ${mixes.map((m) => m.file).join(", ")}` : ""}).`,
          metadata: {
            lineage: {
              method: "sft",
              base: refView(base),
              // How the base model was made (its own lineage's method), null for a model without one.
              baseMethod: baseLineage?.method ?? null,
              project: { id: project.id, name: project.name },
              source: primary.source,
              mix: set.counts,
              mixFiles: mixes.map((m) => ({ file: m.file, ratio: m.ratio, rows: m.examples.length, hash: m.hash })),
              trainExamples: s.train_examples,
              evalExamples: s.eval_examples,
              trainPrompts: s.train_prompts,
              evalPrompts: s.eval_prompts,
              evalReferencePrompts: s.eval_reference_prompts,
              dataHash: s.data_hash,
            },
            metrics,
            config: s.config,
          },
        });
  const summary =
    typeof metrics.eval_loss === "number"
      ? ` · held-out loss ${metrics.eval_loss.toFixed(4)}` +
        (typeof metrics.eval_accuracy === "number"
          ? `, exact-answer accuracy ${(100 * metrics.eval_accuracy).toFixed(1)}% on ${s.eval_reference_prompts} prompts`
          : "")
      : " · nothing held out";
  ctx.progress(1, `registered ${model.name}${summary}`);
  ctx.log(`Registered ${model.name} (${outDir})${summary}.`);
  return { modelId: model.id, modelName: model.name, outDir, steps: result.steps, resumedFrom: result.resumedFrom, metrics };
}
