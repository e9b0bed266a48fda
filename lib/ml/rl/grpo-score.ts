// GRPO's scoring pass over a generation batch: ONE onnxruntime run (no gradients) gives what the
// update needs of the frozen models and of the sampling policy, only what the run needs:
//
//   logprobs [B, R]      log_softmax(policy logits / temperature) of the completion tokens, the
//                        sampling policy's (π_old) — only when off-policy (μ > 1 or several
//                        minibatches per generation); on-policy the update uses its own, detached
//   ref_logprobs [B, R]  the same under the frozen reference — only when β > 0
//   scores [B]           the reward model's score at each completion's last token — only with
//                        a reward model
//
// The forward passes are PPO's (ppo-graph.ts, the ppo-batch.ts layout); the reference and the
// reward model are constants in the graph, the policy's weights a flat input.
import { Graph, Session, float32, type SessionOptions } from "../onnx";
import { flatLayout, type FlatLayout } from "../nn/flat-params";
import { gpt2ParamSpecs, type Gpt2Config } from "../nn/gpt2-config";
import { rewardModelParamSpecs } from "../nn/reward-model";
import type { PpoBatch, PpoShape } from "./ppo-batch";
import { constantWeights, declarePpoBatch, flatWeightViews, policyLogprobs, ppoBatchFeeds, responseFeed, responseScores } from "./ppo-graph";
import { PPO_SESSION_OPTIONS } from "./ppo-score";

export interface GrpoScorerSpec {
  policy: Gpt2Config;
  rows: number;
  shape: PpoShape;
  temperature: number;
  /** Compute the sampling policy's log-probabilities. */
  oldLogprobs: boolean;
  /** The frozen reference (β > 0), else null. */
  reference: Readonly<Record<string, Float32Array>> | null;
  /** The frozen reward model and its shape, else null. */
  rewardModel: { shape: Gpt2Config; weights: Readonly<Record<string, Float32Array>> } | null;
}

export interface GrpoScores {
  logprobs: Float32Array | null;
  refLogprobs: Float32Array | null;
  scores: Float32Array | null;
}

/** Whether a run with these needs has anything to score (else no session is built). */
export function grpoNeedsScoring(spec: Pick<GrpoScorerSpec, "oldLogprobs" | "reference" | "rewardModel">): boolean {
  return spec.oldLogprobs || spec.reference !== null || spec.rewardModel !== null;
}

export function buildGrpoScoringGraph(spec: GrpoScorerSpec): { graph: Graph; policyLayout: FlatLayout } {
  const g = new Graph({ name: "grpo_score" });
  const policyLayout = flatLayout(gpt2ParamSpecs(spec.policy));
  const x = declarePpoBatch(g, spec.rows, spec.shape);
  if (spec.oldLogprobs) {
    const policyW = flatWeightViews(g, g.input("policy_weights", "float32", [policyLayout.size]), policyLayout);
    g.output(policyLogprobs(g, spec.policy, policyW, x, spec.shape, spec.temperature).logprobs, "logprobs");
  }
  if (spec.reference) {
    const refW = constantWeights(g, spec.reference, gpt2ParamSpecs(spec.policy), "reference.");
    g.output(policyLogprobs(g, spec.policy, refW, x, spec.shape, spec.temperature).logprobs, "ref_logprobs");
  }
  if (spec.rewardModel) {
    const lastTokenMask = g.input("last_token_mask", "float32", [spec.rows, spec.shape.responseLength]);
    const rmW = constantWeights(g, spec.rewardModel.weights, rewardModelParamSpecs(spec.rewardModel.shape), "reward.");
    g.output(responseScores(g, spec.rewardModel.shape, rmW, x, spec.shape, lastTokenMask), "scores");
  }
  return { graph: g, policyLayout };
}

export class GrpoScorer {
  private constructor(
    private readonly session: Session,
    readonly spec: GrpoScorerSpec,
    readonly policyLayout: FlatLayout,
  ) {}

  static async create(spec: GrpoScorerSpec, options: SessionOptions = PPO_SESSION_OPTIONS): Promise<GrpoScorer> {
    if (!grpoNeedsScoring(spec)) throw new Error("GrpoScorer: nothing to score (on-policy, β = 0, no reward model)");
    const { graph, policyLayout } = buildGrpoScoringGraph(spec);
    return new GrpoScorer(await Session.create(graph.toOnnx(), options), spec, policyLayout);
  }

  /** Scores a batch of exactly `rows` rows; `policyWeights` (flat) is read only when oldLogprobs. */
  async run(batch: PpoBatch, policyWeights: Float32Array): Promise<GrpoScores> {
    if (batch.rows !== this.spec.rows) throw new Error(`GrpoScorer: batch of ${batch.rows} rows, the session takes ${this.spec.rows}`);
    const feeds = { ...ppoBatchFeeds(batch) };
    if (this.spec.oldLogprobs) Object.assign(feeds, { policy_weights: float32(policyWeights, [this.policyLayout.size]) });
    if (this.spec.rewardModel) Object.assign(feeds, { last_token_mask: responseFeed(batch.lastTokenMask, batch.rows, batch.shape) });
    const out = await this.session.run(feeds);
    return {
      logprobs: this.spec.oldLogprobs ? (out.logprobs.data as Float32Array) : null,
      refLogprobs: this.spec.reference ? (out.ref_logprobs.data as Float32Array) : null,
      scores: this.spec.rewardModel ? (out.scores.data as Float32Array) : null,
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
