// GRPO's update: the policy alone (no value model), ONE onnxruntime run per minibatch (the
// GradientStep of ppo-step.ts: loss, metrics and gradients out of the graph, then gradient
// clipping and AdamW in one TypeScript pass):
//
//   for pass = 1 … numIterations (μ):
//     a fresh permutation of the generation batch, cut into stepsPerGeneration minibatches
//     each: grpoUpdateLoss (grpo-loss.ts) → backward → clip to maxGradNorm → AdamW at lr
//
// Statistics are averaged over every minibatch step of the update (as TRL logs its means).
import type { Tensor } from "../onnx";
import type { AdamWConfig } from "../nn/adamw";
import { gpt2ParamSpecs } from "../nn/gpt2-config";
import type { Random } from "../random";
import type { AdamWState, TrainSessionOptions } from "../train/train-step";
import { pickRows, selectRows, type PpoBatch } from "./ppo-batch";
import type { GrpoConfig } from "./grpo-config";
import { grpoUpdateLoss, type GrpoUpdateSpec } from "./grpo-loss";
import { ppoBatchFeeds, responseFeed } from "./ppo-graph";
import { GradientStep } from "./ppo-step";
import { PPO_UPDATE_SESSION_OPTIONS } from "./ppo-update";
import { float32 } from "../onnx";

/** AdamW as TRL's GRPOTrainer uses it (transformers' TrainingArguments defaults): no weight decay, ε 1e-8. */
export function grpoAdamW(config: Pick<GrpoConfig, "maxGradNorm">): Partial<AdamWConfig> {
  return { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maxGradNorm: config.maxGradNorm };
}

/** What the update consumes besides the batch. */
export interface GrpoTargets {
  /** One per completion [B]. */
  advantages: Float32Array;
  /** [B, R]: the sampling policy's (off-policy runs only). */
  oldLogprobs: Float32Array | null;
  /** [B, R]: the reference's (β > 0 only). */
  refLogprobs: Float32Array | null;
}

export interface GrpoUpdateStats {
  loss: number;
  /** NaN when β = 0 (not computed). */
  kl: number;
  clipRatio: number;
  entropy: number;
  gradNorm: number;
  steps: number;
}

export class GrpoUpdate {
  private constructor(
    readonly step: GradientStep,
    readonly spec: GrpoUpdateSpec,
  ) {}

  static async create(spec: GrpoUpdateSpec, adamW: Partial<AdamWConfig>, options: TrainSessionOptions = PPO_UPDATE_SESSION_OPTIONS): Promise<GrpoUpdate> {
    const step = await GradientStep.create({ params: gpt2ParamSpecs(spec.policy), buildLoss: grpoUpdateLoss(spec), adamW }, options);
    return new GrpoUpdate(step, spec);
  }

  async run(
    opt: AdamWState,
    batch: PpoBatch,
    targets: GrpoTargets,
    config: Pick<GrpoConfig, "numIterations" | "stepsPerGeneration">,
    lr: number,
    rng: Random,
  ): Promise<GrpoUpdateStats> {
    const B = batch.rows;
    const mb = B / config.stepsPerGeneration;
    if (mb !== this.spec.rows) throw new Error(`GrpoUpdate: minibatches of ${mb} rows, the session takes ${this.spec.rows}`);
    if (this.spec.offPolicy && !targets.oldLogprobs) throw new Error("GrpoUpdate: an off-policy update needs the rollout's log-probabilities");
    if (this.spec.beta > 0 && !targets.refLogprobs) throw new Error("GrpoUpdate: β > 0 needs the reference's log-probabilities");
    const R = batch.shape.responseLength;
    const sums = { loss: 0, kl: 0, clipRatio: 0, entropy: 0, gradNorm: 0 };
    let steps = 0;
    for (let pass = 0; pass < config.numIterations; pass++) {
      const perm = rng.shuffle(Array.from({ length: B }, (_, i) => i));
      for (let k = 0; k < config.stepsPerGeneration; k++) {
        const index = perm.slice(k * mb, (k + 1) * mb);
        const rows = selectRows(batch, index);
        const feeds: Record<string, Tensor> = {
          ...ppoBatchFeeds(rows),
          mask: responseFeed(rows.mask, mb, batch.shape),
          advantages: float32(pickRows(targets.advantages, index, 1), [mb]),
        };
        if (this.spec.offPolicy) feeds.old_logprobs = responseFeed(pickRows(targets.oldLogprobs!, index, R), mb, batch.shape);
        if (this.spec.beta > 0) feeds.ref_logprobs = responseFeed(pickRows(targets.refLogprobs!, index, R), mb, batch.shape);
        const r = await this.step.run(opt, feeds, lr);
        sums.loss += r.loss;
        sums.kl += r.metrics.kl ?? 0;
        sums.clipRatio += r.metrics.clip_ratio;
        sums.entropy += r.metrics.entropy;
        sums.gradNorm += r.gradNorm;
        steps++;
      }
    }
    const mean = (s: number) => s / steps;
    return {
      loss: mean(sums.loss),
      kl: this.spec.beta > 0 ? mean(sums.kl) : Number.NaN,
      clipRatio: mean(sums.clipRatio),
      entropy: mean(sums.entropy),
      gradNorm: mean(sums.gradNorm),
      steps,
    };
  }

  async release(): Promise<void> {
    await this.step.release();
  }
}
