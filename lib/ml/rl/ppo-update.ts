// PPO's update: the policy and the value model trained together, as TRL's PolicyAndValueWrapper,
// ONE graph and ONE onnxruntime run per minibatch (ppo-step.ts: the run gives loss, metrics and
// gradients, clipping and AdamW follow in one TypeScript pass; or lib/ml/train's TrainStep
// with AdamW inside the graph, optimizer "graph"):
//
//   weights = [policy params | value params]  (one flat vector, one AdamW, one gradient norm)
//   logprobs, entropy = log_softmax(policy logits / temperature)[response tokens]
//   values            = value model at the states before each response token
//   pg_loss, clipfrac, approxkl, ratio = ppoPolicyLoss(logprobs, old_logprobs, advantages, mask; ε)
//   vf_loss, vf_clipfrac               = ppoValueLoss(values, old_values, returns, mask; ε_v)
//   loss = pg_loss + vf_coef · vf_loss      → backward, clip to max_grad_norm, AdamW
//
// With ptx_coef > 0 (InstructGPT's PPO-ptx; OpenRLHF's ptx_coef), the same step also reads a
// batch of demonstrations (prompt left-padded to P, answer + end token cut to R: the layout of
// an episode) and adds ptx_coef · ptx_loss, the policy's mean negative log-likelihood of the
// answer tokens at temperature 1: the language-modelling loss that keeps what the SFT model
// could do on prompts the reward model never sees.
//
// and the loop around it: num_ppo_epochs passes, each over a fresh permutation of the rollout
// batch cut into num_mini_batches minibatches, statistics averaged over every minibatch step
// (TRL's approxkl_stats, pg_clipfrac_stats, … then .mean()).
import type { Graph, Tensor, Value } from "../onnx";
import type { AdamWConfig } from "../nn/adamw";
import { flatLayout, type FlatLayout } from "../nn/flat-params";
import { gpt2ParamSpecs, type Gpt2Config, type ParamSpec } from "../nn/gpt2-config";
import { valueModelParamSpecs } from "../nn/value-model";
import type { Random } from "../random";
import { TRAIN_SESSION_OPTIONS, TrainStep, type AdamWState, type LossOutputs, type StepResult, type TrainSessionOptions } from "../train/train-step";
import { pickRows, selectRows, type PpoBatch, type PpoShape } from "./ppo-batch";
import type { PpoConfig } from "./ppo-config";
import { declarePpoBatch, policyLogprobs, ppoBatchFeeds, responseFeed, responseValues } from "./ppo-graph";
import { ppoPolicyLoss, ppoValueLoss } from "./ppo-loss";
import { GradientStep } from "./ppo-step";

/**
 * Where AdamW runs: "typescript" (GradientStep: gradients out of the graph, one fused pass in
 * TypeScript; the default, measured faster in bench/ppo.ts) or "graph" (TrainStep: inside the
 * ORT run).
 */
export type PpoOptimizer = "typescript" | "graph";

interface StepRunner {
  run(state: AdamWState, batch: Record<string, Tensor>, lr: number): Promise<StepResult>;
  release(): Promise<void>;
}

/**
 * The update's session options: one thread, and onnxruntime's MatmulTransposeFusion left ON
 * (TrainStep turns it off for the LM trainer). Measured on PPO's gradient graph (bench shape,
 * 4 rows × 64 tokens, two models), alternating sessions in one process on the shared 2-core
 * machine: fusion on 136 / 114 / 153 ms per run (median) vs 211 / 160 / 164 ms off; two
 * threads were slower under the load of the shared machine (128–255 ms).
 */
export const PPO_UPDATE_SESSION_OPTIONS: TrainSessionOptions = { ...TRAIN_SESSION_OPTIONS, intraOpNumThreads: 1, disabledOptimizers: [] };

export const POLICY_PREFIX = "policy.";
export const VALUE_PREFIX = "value.";

/**
 * AdamW as TRL's PPO uses it (transformers' TrainingArguments defaults): no weight decay,
 * ε 1e-8; the gradient norm is clipped to config.maxGradNorm over both models together.
 */
export function ppoAdamW(config: Pick<PpoConfig, "maxGradNorm">): Partial<AdamWConfig> {
  return { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maxGradNorm: config.maxGradNorm };
}

/** The trained parameters: the policy's (prefixed `policy.`) then the value model's (`value.`). */
export function policyAndValueParams(policy: Gpt2Config, value: Gpt2Config): { specs: ParamSpec[]; layout: FlatLayout; policySize: number } {
  const p = gpt2ParamSpecs(policy).map((s) => ({ ...s, name: POLICY_PREFIX + s.name }));
  const v = valueModelParamSpecs(value).map((s) => ({ ...s, name: VALUE_PREFIX + s.name }));
  const specs = [...p, ...v];
  return { specs, layout: flatLayout(specs), policySize: flatLayout(p).size };
}

export interface PpoUpdateSpec {
  policy: Gpt2Config;
  value: Gpt2Config;
  /** Rows per minibatch. */
  rows: number;
  shape: PpoShape;
  temperature: number;
  cliprange: number;
  cliprangeValue: number;
  vfCoef: number;
  /** PPO-ptx: demonstrations per step and the weight of their LM loss; absent: no ptx term. */
  ptx?: { rows: number; coef: number };
}

/** Input names of the ptx batch (declarePpoBatch's, prefixed) and its answer mask. */
export const PTX_PREFIX = "ptx_";

/** The loss builder of the update step (exposed for tests). */
export function ppoUpdateLoss(spec: PpoUpdateSpec) {
  const { rows, shape } = spec;
  return (g: Graph, weights: Record<string, Value>): LossOutputs => {
    const pick = (prefix: string) =>
      Object.fromEntries(
        Object.entries(weights)
          .filter(([k]) => k.startsWith(prefix))
          .map(([k, v]) => [k.slice(prefix.length), v]),
      );
    const x = declarePpoBatch(g, rows, shape);
    const resp = (name: string) => g.input(name, "float32", [rows, shape.responseLength]);
    const oldLogprobs = resp("old_logprobs");
    const advantages = resp("advantages");
    const oldValues = resp("old_values");
    const returns = resp("returns");
    const mask = resp("mask");
    const { logprobs, entropy } = policyLogprobs(g, spec.policy, pick(POLICY_PREFIX), x, shape, spec.temperature);
    const values = responseValues(g, spec.value, pick(VALUE_PREFIX), x, shape);
    const pg = ppoPolicyLoss(g, { logprobs, oldLogprobs, advantages, mask }, spec.cliprange);
    const vf = ppoValueLoss(g, { values, oldValues, returns, mask }, spec.cliprangeValue);
    let loss = g.add(pg.loss, g.mul(vf.loss, spec.vfCoef));
    const maskedMean = (v: Value, m: Value) => g.div(g.reduceSum(g.mul(v, m), null, false), g.max(g.reduceSum(m, null, false), g.scalar(1)));
    const entropyMean = maskedMean(g.stopGradient(entropy), mask);
    const ptxMetrics: Record<string, Value> = {};
    if (spec.ptx) {
      const px = declarePpoBatch(g, spec.ptx.rows, shape, PTX_PREFIX);
      const ptxMask = g.input(`${PTX_PREFIX}mask`, "float32", [spec.ptx.rows, shape.responseLength]);
      const ptx = policyLogprobs(g, spec.policy, pick(POLICY_PREFIX), px, shape, 1);
      const ptxLoss = g.mul(maskedMean(ptx.logprobs, ptxMask), -1);
      loss = g.add(loss, g.mul(ptxLoss, spec.ptx.coef));
      ptxMetrics.ptx_loss = g.stopGradient(ptxLoss);
    }
    return {
      loss,
      metrics: {
        ...ptxMetrics,
        pg_loss: g.stopGradient(pg.loss),
        vf_loss: g.stopGradient(vf.loss),
        pg_clipfrac: pg.clipfrac,
        vf_clipfrac: vf.clipfrac,
        approxkl: pg.approxkl,
        ratio: pg.ratio,
        entropy: entropyMean,
      },
    };
  };
}

/** What the update consumes besides the batch: per token [B, R]. */
export interface PpoTargets {
  logprobs: Float32Array;
  values: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
}

/** Averages over every minibatch step of one update (TRL's `…_stats.mean()`), and the ratios' variance. */
export interface PpoUpdateStats {
  approxkl: number;
  pgClipfrac: number;
  pgLoss: number;
  vfLoss: number;
  vfClipfrac: number;
  entropy: number;
  ratio: number;
  ratioVar: number;
  gradNorm: number;
  /** The mean ptx loss (NaN without a ptx term). */
  ptxLoss: number;
  steps: number;
}

export class PpoUpdate {
  private constructor(
    readonly step: StepRunner,
    readonly spec: PpoUpdateSpec,
  ) {}

  static async create(
    spec: PpoUpdateSpec,
    adamW: Partial<AdamWConfig>,
    options: TrainSessionOptions = PPO_UPDATE_SESSION_OPTIONS,
    optimizer: PpoOptimizer = "typescript",
  ): Promise<PpoUpdate> {
    const { specs } = policyAndValueParams(spec.policy, spec.value);
    const stepSpec = { params: specs, buildLoss: ppoUpdateLoss(spec), adamW };
    const step = optimizer === "graph" ? await TrainStep.create(stepSpec, options) : await GradientStep.create(stepSpec, options);
    return new PpoUpdate(step, spec);
  }

  /**
   * numPpoEpochs passes over `batch` (numMiniBatches minibatches each, a fresh permutation
   * from `rng` per pass); every minibatch is one optimizer step at learning rate `lr`.
   * `ptxBatch(k)` gives the demonstrations of the k-th step (k = 0 … steps − 1) when the
   * update has a ptx term.
   */
  async run(
    opt: AdamWState,
    batch: PpoBatch,
    targets: PpoTargets,
    config: Pick<PpoConfig, "numPpoEpochs" | "numMiniBatches">,
    lr: number,
    rng: Random,
    ptxBatch?: (k: number) => PpoBatch,
  ): Promise<PpoUpdateStats> {
    const ptx = this.spec.ptx;
    if (ptx && !ptxBatch) throw new Error("PpoUpdate: the update has a ptx term, give the demonstrations (ptxBatch)");
    const B = batch.rows;
    const mb = B / config.numMiniBatches;
    if (mb !== this.spec.rows) throw new Error(`PpoUpdate: minibatches of ${mb} rows, the session takes ${this.spec.rows}`);
    const R = batch.shape.responseLength;
    const sums = { approxkl: 0, pgClipfrac: 0, pgLoss: 0, vfLoss: 0, vfClipfrac: 0, entropy: 0, ratio: 0, ratioSq: 0, gradNorm: 0, ptxLoss: 0 };
    let steps = 0;
    for (let epoch = 0; epoch < config.numPpoEpochs; epoch++) {
      const perm = rng.shuffle(Array.from({ length: B }, (_, i) => i));
      for (let k = 0; k < config.numMiniBatches; k++) {
        const index = perm.slice(k * mb, (k + 1) * mb);
        const rows = selectRows(batch, index);
        let ptxFeeds: Record<string, Tensor> = {};
        if (ptx && ptxBatch) {
          const demos = ptxBatch(steps);
          if (demos.rows !== ptx.rows) throw new Error(`PpoUpdate: ${demos.rows} ptx rows, the session takes ${ptx.rows}`);
          ptxFeeds = { ...ppoBatchFeeds(demos, PTX_PREFIX), [`${PTX_PREFIX}mask`]: responseFeed(demos.mask, demos.rows, batch.shape) };
        }
        const r = await this.step.run(
          opt,
          {
            ...ppoBatchFeeds(rows),
            old_logprobs: responseFeed(pickRows(targets.logprobs, index, R), mb, batch.shape),
            advantages: responseFeed(pickRows(targets.advantages, index, R), mb, batch.shape),
            old_values: responseFeed(pickRows(targets.values, index, R), mb, batch.shape),
            returns: responseFeed(pickRows(targets.returns, index, R), mb, batch.shape),
            mask: responseFeed(rows.mask, mb, batch.shape),
            ...ptxFeeds,
          },
          lr,
        );
        const m = r.metrics;
        sums.approxkl += m.approxkl;
        sums.pgClipfrac += m.pg_clipfrac;
        sums.pgLoss += m.pg_loss;
        sums.vfLoss += m.vf_loss;
        sums.vfClipfrac += m.vf_clipfrac;
        sums.entropy += m.entropy;
        sums.ratio += m.ratio;
        sums.ratioSq += m.ratio * m.ratio;
        sums.gradNorm += r.gradNorm;
        if (ptx) sums.ptxLoss += m.ptx_loss;
        steps++;
      }
    }
    const mean = (s: number) => s / steps;
    const ratio = mean(sums.ratio);
    return {
      approxkl: mean(sums.approxkl),
      pgClipfrac: mean(sums.pgClipfrac),
      pgLoss: mean(sums.pgLoss),
      vfLoss: mean(sums.vfLoss),
      vfClipfrac: mean(sums.vfClipfrac),
      entropy: mean(sums.entropy),
      ratio,
      // TRL: ratio_stats.var() over the minibatch steps (unbiased).
      ratioVar: steps > 1 ? (sums.ratioSq - steps * ratio * ratio) / (steps - 1) : 0,
      gradNorm: mean(sums.gradNorm),
      ptxLoss: ptx ? mean(sums.ptxLoss) : Number.NaN,
      steps,
    };
  }

  async release(): Promise<void> {
    await this.step.release();
  }
}
