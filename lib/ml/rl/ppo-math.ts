// PPO's rollout arithmetic, as TRL's PPOTrainer computes it between sampling and the update
// (pure TypeScript on small [B, T] arrays; the losses themselves are graphs, see ppo-loss.ts).
// Arrays are row-major [B, T]: B responses of T positions; mask[b·T + t] = 1 on real response
// tokens (the end token included), 0 on the padding after a response ended.
//
//   kl_t        = k1: logp − ref            (Schulman, "Approximating KL divergence")
//                 k2: ½(logp − ref)²
//                 k3: (r − 1) − log r,  r = exp(ref − logp)   (≥ 0, lower variance)
//   reward_t    = −β·kl_t,  + score on the last real token of the row;  0 on padding
//   whiten(x)   = (x − mean)·rsqrt(var + 1e-8)  (+ mean back if !shiftMean), mean and
//                 unbiased var over mask = 1;   0 on padding
//   GAE, t = T−1 … 0 (values, rewards 0 on padding):
//       δ_t = r_t + γ·V_{t+1} − V_t          (V_T = 0)
//       A_t = δ_t + γλ·A_{t+1}               (A_T = 0)
//       returns_t = A_t + V_t                 (both 0 on padding)
//   adaptive β (Ziegler et al. 2019):
//       e = clip(KL / target − 1, −0.2, 0.2);  β ← β·(1 + e·nSteps / horizon)
//
// Sums run in float64; results come back as Float32Array.
import type { KlEstimator } from "./ppo-config";

/** Per-token KL estimate of log π against log π_ref ("k2" for metrics; the penalty uses k1 or k3). */
export type KlEstimatorName = KlEstimator | "k2";

/** Elementwise KL estimate of each token (no masking: callers zero the padding). */
export function klPerToken(logprobs: Float32Array, refLogprobs: Float32Array, estimator: KlEstimatorName): Float32Array {
  if (logprobs.length !== refLogprobs.length) throw new Error(`klPerToken: ${logprobs.length} logprobs vs ${refLogprobs.length} reference logprobs`);
  const out = new Float32Array(logprobs.length);
  for (let i = 0; i < out.length; i++) out[i] = klEstimate(logprobs[i], refLogprobs[i], estimator);
  return out;
}

function klEstimate(logp: number, ref: number, estimator: KlEstimatorName): number {
  const d = logp - ref;
  switch (estimator) {
    case "k1":
      return d;
    case "k2":
      return 0.5 * d * d;
    case "k3":
      // (r − 1) − log r with log r = −d; expm1 keeps it accurate (and ≥ 0) near r = 1.
      return Math.max(0, Math.expm1(-d) + d);
  }
}

export interface PpoRewardsOptions {
  /** [B] the reward model's score of each response (after any missing-end-token penalty). */
  scores: Float32Array;
  logprobs: Float32Array;
  refLogprobs: Float32Array;
  mask: Float32Array;
  B: number;
  T: number;
  /** β. */
  klCoef: number;
  estimator: KlEstimator;
}

export interface PpoRewards {
  /** [B, T] −β·kl per token, plus the score on each row's last real token; 0 on padding. */
  rewards: Float32Array;
  /** [B, T] the per-token KL estimate; 0 on padding. */
  kl: Float32Array;
  /** [B] Σ_t −β·kl_t over each row (TRL's `objective/non_score_reward` per episode). */
  nonScoreReward: Float32Array;
}

/** TRL's per-token rewards: a KL penalty on every token, the score on the last one. */
export function ppoRewards(opts: PpoRewardsOptions): PpoRewards {
  const { scores, logprobs, refLogprobs, mask, B, T, klCoef, estimator } = opts;
  checkShape("ppoRewards", B, T, { logprobs, refLogprobs, mask });
  if (scores.length !== B) throw new Error(`ppoRewards: ${scores.length} scores for B = ${B}`);
  const rewards = new Float32Array(B * T);
  const kl = new Float32Array(B * T);
  const nonScoreReward = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    let last = -1;
    let sum = 0;
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      if (mask[i] === 0) continue;
      const k = klEstimate(logprobs[i], refLogprobs[i], estimator);
      kl[i] = k;
      rewards[i] = -klCoef * k;
      sum += -klCoef * k;
      last = t;
    }
    nonScoreReward[b] = sum;
    if (last >= 0) rewards[b * T + last] += scores[b];
  }
  return { rewards, kl, nonScoreReward };
}

/** Σ(x·mask) / Σ mask (NaN when the mask is empty, as TRL's masked_mean). */
export function maskedMean(x: Float32Array, mask: Float32Array): number {
  if (x.length !== mask.length) throw new Error(`maskedMean: ${x.length} values vs ${mask.length} mask entries`);
  let s = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i] * mask[i];
    n += mask[i];
  }
  return s / n;
}

/** TRL's masked_var: the masked mean of (x − mean)², times n/(n − 1) when unbiased. */
export function maskedVar(x: Float32Array, mask: Float32Array, unbiased = true): number {
  const mean = maskedMean(x, mask);
  let s = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const c = x[i] - mean;
    s += c * c * mask[i];
    n += mask[i];
  }
  const v = s / n;
  return unbiased ? (v * n) / (n - 1) : v;
}

/**
 * TRL's masked_whiten: (x − mean)·rsqrt(var + 1e-8) over the entries where mask is 1 (all when
 * no mask), the mean added back when !shiftMean; entries where mask is 0 come back 0.
 * Fewer than two real entries (where TRL raises): their variance is taken as 0, so they come
 * back as 0 (or as the mean when !shiftMean).
 */
export function whiten(values: Float32Array, mask?: Float32Array, shiftMean = true): Float32Array {
  const m = mask ?? new Float32Array(values.length).fill(1);
  if (m.length !== values.length) throw new Error(`whiten: ${values.length} values vs ${m.length} mask entries`);
  const out = new Float32Array(values.length);
  let n = 0;
  for (let i = 0; i < m.length; i++) n += m[i];
  if (n === 0) return out;
  const mean = maskedMean(values, m);
  const variance = n > 1 ? maskedVar(values, m, true) : 0;
  const inv = 1 / Math.sqrt(variance + 1e-8);
  for (let i = 0; i < values.length; i++) {
    if (m[i] === 0) continue;
    const w = (values[i] - mean) * inv;
    out[i] = shiftMean ? w : w + mean;
  }
  return out;
}

export interface GaeOptions {
  rewards: Float32Array;
  values: Float32Array;
  mask: Float32Array;
  B: number;
  T: number;
  gamma: number;
  lam: number;
}

export interface Gae {
  /** [B, T] A_t (not whitened; the trainer whitens them over the batch); 0 on padding. */
  advantages: Float32Array;
  /** [B, T] A_t + V_t, the value model's targets; 0 on padding. */
  returns: Float32Array;
}

/** Generalized advantage estimation (Schulman et al. 2016) as TRL's loop over reversed t. */
export function gae(opts: GaeOptions): Gae {
  const { rewards, values, mask, B, T, gamma, lam } = opts;
  checkShape("gae", B, T, { rewards, values, mask });
  const advantages = new Float32Array(B * T);
  const returns = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    let lastGaeLam = 0;
    let nextValue = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = b * T + t;
      const real = mask[i] !== 0;
      const v = real ? values[i] : 0;
      const r = real ? rewards[i] : 0;
      const delta = r + gamma * nextValue - v;
      lastGaeLam = delta + gamma * lam * lastGaeLam;
      if (real) {
        advantages[i] = lastGaeLam;
        returns[i] = lastGaeLam + v;
      }
      nextValue = v;
    }
  }
  return { advantages, returns };
}

/** The KL coefficient β and its update after each rollout batch. */
export interface KlController {
  value: number;
  /** `currentKl`: the batch's mean KL per response (`objective/kl`); `nSteps`: episodes in the batch. */
  update(currentKl: number, nSteps: number): void;
}

export class FixedKlController implements KlController {
  constructor(public value: number) {}
  update(_currentKl: number, _nSteps: number): void {}
}

/** Ziegler et al. 2019's proportional controller of β towards a target KL. */
export class AdaptiveKlController implements KlController {
  value: number;
  constructor(
    initKlCoef: number,
    readonly targetKl: number,
    readonly horizon: number,
  ) {
    this.value = initKlCoef;
  }
  update(currentKl: number, nSteps: number): void {
    const proportionalError = Math.min(Math.max(currentKl / this.targetKl - 1, -0.2), 0.2);
    this.value *= 1 + (proportionalError * nSteps) / this.horizon;
  }
}

export function klController(config: { klCoef: number; adaptiveKl: boolean; targetKl: number; klHorizon: number }): KlController {
  return config.adaptiveKl ? new AdaptiveKlController(config.klCoef, config.targetKl, config.klHorizon) : new FixedKlController(config.klCoef);
}

/** Entropy (nats) of softmax(logits / temperature) for one row of logits: −Σ p·log p. */
export function entropyOfLogits(logits: ArrayLike<number>, temperature = 1): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] / temperature);
  let z = 0;
  for (let i = 0; i < logits.length; i++) z += Math.exp(logits[i] / temperature - max);
  const logZ = Math.log(z) + max;
  let h = 0;
  for (let i = 0; i < logits.length; i++) {
    const lp = logits[i] / temperature - logZ;
    if (lp > -Infinity) h -= Math.exp(lp) * lp;
  }
  return h;
}

function checkShape(fn: string, B: number, T: number, arrays: Record<string, Float32Array>): void {
  for (const [name, a] of Object.entries(arrays)) if (a.length !== B * T) throw new Error(`${fn}: ${name} has ${a.length} entries, expected B·T = ${B}·${T}`);
}
