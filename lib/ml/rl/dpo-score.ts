// The sequence log-probabilities of DPO batches without gradients, ONE onnxruntime run per batch:
// the reference's, computed once before training (TRL's precompute_ref_log_probs), and the
// policy's at each evaluation. The weights are an input (one flat vector), so one session serves
// both models; it is built once per run (static [2B, P + R]).
//
//   inputs   weights [N], input_ids, attention_mask, position_ids [2B, T], mask [2B, R]
//   output   logps [2B]   Σ (or, for IPO, the mean) of log π over each row's completion tokens
import { Graph, Session, float32, type SessionOptions } from "../onnx";
import { flatLayout, type FlatLayout } from "../nn/flat-params";
import { gpt2ParamSpecs, type Gpt2Config } from "../nn/gpt2-config";
import { makeDpoBatch, type EncodedPair } from "./dpo-data";
import { batchLogps } from "./dpo-loss";
import type { PpoShape } from "./ppo-batch";
import { flatWeightViews, ppoBatchFeeds, responseFeed } from "./ppo-graph";

/** One intra-op thread, as PPO's sessions (the shared 2-core machine). */
export const DPO_SESSION_OPTIONS: SessionOptions = { intraOpNumThreads: 1, graphOptimizationLevel: "all", logSeverityLevel: 3 };

export interface DpoScorerSpec {
  policy: Gpt2Config;
  /** Pairs per batch (2·pairs rows). */
  pairs: number;
  shape: PpoShape;
  /** Mean per completion token instead of the sum (IPO). */
  average: boolean;
}

/** Each pair's log-probabilities: chosen and rejected, one entry per pair. */
export interface ScoredPairs {
  chosen: Float32Array;
  rejected: Float32Array;
}

export class DpoScorer {
  private constructor(
    private readonly session: Session,
    readonly layout: FlatLayout,
    readonly spec: DpoScorerSpec,
  ) {}

  static async create(spec: DpoScorerSpec, options: SessionOptions = DPO_SESSION_OPTIONS): Promise<DpoScorer> {
    const g = new Graph({ name: "dpo_logps" });
    const layout = flatLayout(gpt2ParamSpecs(spec.policy));
    const w = flatWeightViews(g, g.input("weights", "float32", [layout.size]), layout);
    g.output(batchLogps(g, spec.policy, w, 2 * spec.pairs, spec.shape, spec.average), "logps");
    return new DpoScorer(await Session.create(g.toOnnx(), options), layout, spec);
  }

  /** The log-probabilities of every pair under `weights` (flat, the policy layout), in batches of spec.pairs. */
  async score(weights: Float32Array, pairs: readonly EncodedPair[], padTokenId: number): Promise<ScoredPairs> {
    const B = this.spec.pairs;
    const chosen = new Float32Array(pairs.length);
    const rejected = new Float32Array(pairs.length);
    const w = float32(weights, [this.layout.size]);
    for (let start = 0; start < pairs.length; start += B) {
      const chunk = pairs.slice(start, start + B);
      const { batch } = makeDpoBatch(chunk, B, this.spec.shape, padTokenId);
      const out = await this.session.run({ weights: w, ...ppoBatchFeeds(batch), mask: responseFeed(batch.mask, 2 * B, this.spec.shape) });
      const logps = out.logps.data as Float32Array;
      for (let b = 0; b < chunk.length; b++) {
        chosen[start + b] = logps[b];
        rejected[start + b] = logps[B + b];
      }
    }
    return { chosen, rejected };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
