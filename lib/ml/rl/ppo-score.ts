// Scoring a rollout batch: ONE onnxruntime run gives everything PPO needs of the four models
// (no gradients):
//
//   inputs   input_ids, attention_mask, position_ids [B, T]   (ppo-batch.ts layout)
//            last_token_mask [B, R]
//            policy_weights [N_lm], value_weights [N_v]        (trained: fed every run)
//            reference and reward-model weights                (frozen: constants in the graph)
//   outputs  logprobs, ref_logprobs [B, R]   log_softmax(logits / temperature) of the response tokens
//            values [B, R]                   the value model at the states before each token
//            scores [B]                      the reward model at each response's last token
//
// The session is built once per run (static [B, T]) and reused for every rollout and
// evaluation batch.
import { Graph, Session, float32, type SessionOptions } from "../onnx";
import { flatLayout, type FlatLayout } from "../nn/flat-params";
import { gpt2ParamSpecs, type Gpt2Config } from "../nn/gpt2-config";
import { rewardModelParamSpecs } from "../nn/reward-model";
import { valueModelParamSpecs } from "../nn/value-model";
import type { PpoBatch, PpoShape } from "./ppo-batch";
import { constantWeights, declarePpoBatch, flatWeightViews, policyLogprobs, ppoBatchFeeds, responseFeed, responseScores, responseValues } from "./ppo-graph";

export interface PpoScores {
  logprobs: Float32Array;
  refLogprobs: Float32Array;
  values: Float32Array;
  scores: Float32Array;
}

export interface PpoScorerSpec {
  /** Shape of the policy / reference (language models). */
  policy: Gpt2Config;
  /** Shape of the value model and of the reward model (reward-model layout). */
  value: Gpt2Config;
  reward: Gpt2Config;
  rows: number;
  shape: PpoShape;
  temperature: number;
  reference: Readonly<Record<string, Float32Array>>;
  rewardModel: Readonly<Record<string, Float32Array>>;
}

/** One intra-op thread: measured fastest on the shared 2-core machine (see bench/ppo.ts). */
export const PPO_SESSION_OPTIONS: SessionOptions = { intraOpNumThreads: 1, graphOptimizationLevel: "all", logSeverityLevel: 3 };

export function buildPpoScoringGraph(spec: PpoScorerSpec): { graph: Graph; policyLayout: FlatLayout; valueLayout: FlatLayout } {
  const g = new Graph({ name: "ppo_score" });
  const policyLayout = flatLayout(gpt2ParamSpecs(spec.policy));
  const valueLayout = flatLayout(valueModelParamSpecs(spec.value));
  const x = declarePpoBatch(g, spec.rows, spec.shape);
  const lastTokenMask = g.input("last_token_mask", "float32", [spec.rows, spec.shape.responseLength]);
  const policyW = flatWeightViews(g, g.input("policy_weights", "float32", [policyLayout.size]), policyLayout);
  const valueW = flatWeightViews(g, g.input("value_weights", "float32", [valueLayout.size]), valueLayout);
  const refW = constantWeights(g, spec.reference, gpt2ParamSpecs(spec.policy), "reference.");
  const rmW = constantWeights(g, spec.rewardModel, rewardModelParamSpecs(spec.reward), "reward.");

  g.output(policyLogprobs(g, spec.policy, policyW, x, spec.shape, spec.temperature).logprobs, "logprobs");
  g.output(policyLogprobs(g, spec.policy, refW, x, spec.shape, spec.temperature).logprobs, "ref_logprobs");
  g.output(responseValues(g, spec.value, valueW, x, spec.shape), "values");
  g.output(responseScores(g, spec.reward, rmW, x, spec.shape, lastTokenMask), "scores");
  return { graph: g, policyLayout, valueLayout };
}

export class PpoScorer {
  private constructor(
    private readonly session: Session,
    readonly rows: number,
    readonly shape: PpoShape,
    readonly policyLayout: FlatLayout,
    readonly valueLayout: FlatLayout,
  ) {}

  static async create(spec: PpoScorerSpec, options: SessionOptions = PPO_SESSION_OPTIONS): Promise<PpoScorer> {
    const { graph, policyLayout, valueLayout } = buildPpoScoringGraph(spec);
    const session = await Session.create(graph.toOnnx(), options);
    return new PpoScorer(session, spec.rows, spec.shape, policyLayout, valueLayout);
  }

  /** Scores a batch of exactly `rows` rows with the current policy and value weights (flat). */
  async run(batch: PpoBatch, policyWeights: Float32Array, valueWeights: Float32Array): Promise<PpoScores> {
    if (batch.rows !== this.rows) throw new Error(`PpoScorer: batch of ${batch.rows} rows, the session takes ${this.rows}`);
    const out = await this.session.run({
      ...ppoBatchFeeds(batch),
      last_token_mask: responseFeed(batch.lastTokenMask, batch.rows, batch.shape),
      policy_weights: float32(policyWeights, [this.policyLayout.size]),
      value_weights: float32(valueWeights, [this.valueLayout.size]),
    });
    return {
      logprobs: out.logprobs.data as Float32Array,
      refLogprobs: out.ref_logprobs.data as Float32Array,
      values: out.values.data as Float32Array,
      scores: out.scores.data as Float32Array,
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
