// Learning-rate schedule: linear warmup, then a decay to a floor — along a cosine (nanoGPT's
// get_lr; LM, SFT and reward models) or a straight line (PPO's annealing to 0).

export interface LrSchedule {
  /** Peak learning rate, reached at the end of warmup. */
  lr: number;
  /** Steps of linear warmup from lr/(warmupSteps+1) up to lr. */
  warmupSteps: number;
  /** Total number of optimizer steps; the decay reaches minLr at this step. */
  totalSteps: number;
  /** Floor of the decay. Default lr / 10. */
  minLr?: number;
  /** The shape of the decay after warmup (default "cosine"). */
  decay?: "cosine" | "linear";
}

/** The learning rate for 0-based optimizer step `step`. */
export function learningRateAt(step: number, schedule: LrSchedule): number {
  const { lr, warmupSteps, totalSteps } = schedule;
  const minLr = schedule.minLr ?? lr / 10;
  if (step < warmupSteps) return (lr * (step + 1)) / (warmupSteps + 1);
  if (step >= totalSteps) return minLr;
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  const ratio = (step - warmupSteps) / decaySteps;
  const coeff = schedule.decay === "linear" ? 1 - ratio : 0.5 * (1 + Math.cos(Math.PI * ratio));
  return minLr + coeff * (lr - minLr);
}
