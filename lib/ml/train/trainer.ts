// The training loop every trainer runs (LM pretraining, SFT, reward models, PPO): units of work
// one after the other — an optimizer step, or for PPO an iteration (a rollout, then several
// optimizer steps over its minibatches) — with, between units, what every run needs:
//
//   for step = start … total − 1:
//     stop requested (signal / shouldStop)?  → checkpoint, return { cancelled: true }
//     metrics ← runStep(step)                  the unit (the caller's: batch, ORT run, …)
//     log.record(step + 1, metrics)            metrics.jsonl (metrics-log.ts)
//     onStep(…)                                progress (resumedFrom once, after a resume)
//     every evaluation.every units:            log.record(step + 1, eval_* values)
//     every checkpoint.every units:            checkpoint.save(step + 1)
//   evaluation at the end (unless it just ran), return { cancelled: false }
//
// The counter is the one the caller checkpoints (trainer_state.json's `step`), so a resumed
// run starts at the checkpoint's step, replays the same batches and logs each unit exactly once.
// The loop saves only intermediate and cancellation checkpoints; the final save (a model
// directory, a `finished` state) is the caller's, after the loop.
//
// A trainer, in outline (train-lm.ts, sft-train.ts and train-reward-model.ts are full ones):
//
//   const cfg = myConfigSchema.parse(input);                      // config-fields.ts
//   const cp = overwrite ? null : readCheckpoint(outDir, parseMyState);
//   const rng = cp ? Random.fromState(cp.state.rng!) : new Random(cfg.seed);
//   const opt = adamWStateFrom(weights, cp, cp?.state.step ?? 0); // optimizer-state.ts
//   const log = MetricsLog.open(join(outDir, METRICS_LOG_FILE), cp?.state.step ?? null);
//   const save = (step: number) => saveModelDir(outDir, { …model…, extraFiles: checkpointFiles({
//     state: { step, rng: rng.state(), …extra },
//     tensors: { ...adamWCheckpointTensors(opt, layout).tensors, …more named flat tensors },
//     files: { [METRICS_LOG_FILE]: log.content() },
//   }) });
//   const run = await runTraining({
//     startStep: opt.step, totalSteps, resumedFrom: cp ? cp.state.step : null, log,
//     runStep: async (step) => {
//       const lr = learningRateAt(step, schedule);
//       return stepMetrics(await trainStep.run(opt, nextBatch(rng), lr), lr);
//     },
//     evaluation: { every: cfg.evalEvery, evaluate: async () => ({ loss: … }) },
//     checkpoint: { every: cfg.checkpointEvery, save },
//     signal, onStep: (p) => onProgress(p),
//   });
//   if (!run.cancelled) await save(run.step /* , finished */);
//
// PPO: a unit is an iteration; its state (policy and value weights and moments under prefixes,
// KL coefficient, prompt position, RNG) goes into the same checkpoint, and its metrics
// (`objective/kl`, `loss/policy_avg`, …) into the same log, once per iteration.
import type { MetricValues, MetricsLog } from "./metrics-log";
import type { StepResult } from "./train-step";

export interface StepReport {
  /** Units done, this one included (1-based). */
  step: number;
  totalSteps: number;
  /** What runStep returned for it. */
  metrics: MetricValues;
  /** Set on the first unit after a resume: the checkpoint's step. */
  resumedFrom?: number;
}

export interface Evaluation {
  /** Units between evaluations; 0: only at the end. */
  every: number;
  /** Values to log under TRL's `eval_` prefix at unit `step`; null: nothing to evaluate. */
  evaluate: (step: number) => Promise<MetricValues | null>;
  /** Evaluate after the last unit too (default true; skipped after a cancellation). */
  atEnd?: boolean;
}

export interface TrainingLoop {
  /** Units already done: 0, or the step of the checkpoint resumed. */
  startStep: number;
  totalSteps: number;
  /** The checkpoint's step when resuming (reported once, with the first unit). */
  resumedFrom: number | null;
  /** Runs unit `step + 1` (`step`: units done before it); returns the metrics to log for it. */
  runStep: (step: number) => Promise<MetricValues>;
  /** metrics.jsonl; none: metrics only go to onStep. */
  log?: MetricsLog | null;
  onStep?: (report: StepReport) => void;
  evaluation?: Evaluation;
  /** Intermediate checkpoints, and the one written when a stop is requested. */
  checkpoint?: { every: number; save: (step: number) => Promise<void> };
  /** Stop between units (checkpoint, then return cancelled). */
  signal?: AbortSignal;
  shouldStop?: () => boolean;
}

export interface TrainingLoopResult {
  /** Units done. */
  step: number;
  cancelled: boolean;
}

/** The metrics of one optimizer step as TRL names them: loss, the loss's own metrics, grad_norm, lr. */
export function stepMetrics(r: StepResult, lr: number): Record<string, number> {
  return { loss: r.loss, ...r.metrics, grad_norm: r.gradNorm, lr };
}

/** `eval_`-prefixed values (TRL's metric_key_prefix). */
export function evalMetrics(values: MetricValues): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([name, v]) => [`eval_${name}`, v]));
}

export async function runTraining(loop: TrainingLoop): Promise<TrainingLoopResult> {
  const { totalSteps, log, evaluation, checkpoint } = loop;
  let step = loop.startStep;
  let lastEvaluated = -1;
  const evaluate = async () => {
    if (!evaluation || lastEvaluated === step) return;
    lastEvaluated = step;
    const values = await evaluation.evaluate(step);
    if (values) log?.record(step, evalMetrics(values));
  };
  let announceResume = loop.resumedFrom !== null;
  while (step < totalSteps) {
    if (loop.signal?.aborted || loop.shouldStop?.()) {
      await checkpoint?.save(step);
      return { step, cancelled: true };
    }
    const metrics = await loop.runStep(step);
    step++;
    log?.record(step, metrics);
    loop.onStep?.({ step, totalSteps, metrics, ...(announceResume ? { resumedFrom: loop.resumedFrom! } : {}) });
    announceResume = false;
    if (step < totalSteps) {
      if (evaluation && evaluation.every > 0 && step % evaluation.every === 0) await evaluate();
      if (checkpoint && step % checkpoint.every === 0) await checkpoint.save(step);
    }
  }
  if (evaluation && evaluation.atEnd !== false) await evaluate();
  return { step, cancelled: false };
}
