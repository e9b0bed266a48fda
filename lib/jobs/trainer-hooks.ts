// What a training job (reward model, SFT, DPO, PPO, GRPO) hands its trainer from the job running
// it: overwrite on the first attempt only, cancellation, metrics, log lines, and progress with the
// checkpoint a run resumed from.
import type { JobContext } from "./kind";

/** Overwrite (first attempt only), the cancellation signal, and where metrics and log lines go. */
export function trainerJobHooks<P extends { overwrite?: boolean }>(ctx: JobContext<P>) {
  return {
    // Only the first attempt replaces what is there; a resumed attempt continues its own checkpoint.
    overwrite: ctx.params.overwrite === true && ctx.attempt === 1,
    signal: ctx.signal,
    onMetrics: (step: number, values: Record<string, number>) => ctx.metrics(step, values),
    onLog: (text: string) => ctx.log(text),
  };
}

/** Progress of a trainer that counts steps over epochs (reward model, SFT, DPO): "step s/n · epoch e". */
export function stepProgress<P>(ctx: JobContext<P>) {
  return (p: { step: number; totalSteps: number; epoch: number; resumedFrom?: number }) => {
    if (p.resumedFrom !== undefined) ctx.log(`Resumed from the checkpoint at step ${p.resumedFrom}.`);
    ctx.progress(p.step / Math.max(1, p.totalSteps), `step ${p.step}/${p.totalSteps} · epoch ${p.epoch}`);
  };
}

/** Progress of a trainer that counts iterations of sampling and updates (PPO, GRPO): "iteration i/n". */
export function iterationProgress<P>(ctx: JobContext<P>) {
  return (p: { iteration: number; totalIterations: number; resumedFrom?: number }) => {
    if (p.resumedFrom !== undefined) ctx.log(`Resumed from the checkpoint at iteration ${p.resumedFrom}.`);
    ctx.progress(p.iteration / Math.max(1, p.totalIterations), `iteration ${p.iteration}/${p.totalIterations}`);
  };
}
