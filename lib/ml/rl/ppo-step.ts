// A training step whose optimizer runs in TypeScript: ONE onnxruntime run computes the loss,
// the metrics and the gradients; gradient clipping and AdamW then take one fused pass over the
// flat arrays (the same arithmetic as lib/ml/nn/adamw.ts, in float64 per element):
//
//   graph    inputs: each parameter (a view into the flat weights, no copy), the batch
//            outputs: loss, metrics, the gradient of each parameter (written straight into
//            views of one flat gradient array)
//   then     ‖g‖ = sqrt(Σ g²);  c = min(1, maxGradNorm / (‖g‖ + 1e-6))
//            m ← β1 m + (1 − β1) c g;   v ← β2 v + (1 − β2) c² g²
//            θ ← θ (1 − lr·λ·decay) − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
//
// Why: in the graph the optimizer is a dozen element-wise ORT kernels over the flat vector plus
// a Slice of the weights and a Concat of the gradients, each a full pass over memory; for
// PPO's small minibatches that was ~30% of a step. One TypeScript loop does it in about a
// third of the time (bench/ppo.ts). The step is otherwise TrainStep's (train-step.ts): same
// spec, same AdamWState, same results up to float32 rounding.
import * as ort from "onnxruntime-node";
import { Graph, float32, type Tensor, type Value } from "../onnx";
import { backward } from "../onnx/autodiff";
import { DEFAULT_ADAMW, type AdamWConfig } from "../nn/adamw";
import { flatLayout, type FlatLayout } from "../nn/flat-params";
import { TRAIN_SESSION_OPTIONS, type AdamWState, type StepResult, type TrainSessionOptions, type TrainStepSpec } from "../train/train-step";

const gradName = (param: string) => `grad.${param}`;

/** The forward + backward graph: parameters as inputs, gradients as outputs (exposed for tests). */
export function buildGradientGraph(spec: TrainStepSpec): { graph: Graph; layout: FlatLayout; metricNames: string[] } {
  const layout = flatLayout(spec.params);
  const g = new Graph({ name: "gradient_step" });
  const weights: Record<string, Value> = {};
  const params: Value[] = [];
  for (const s of layout.slots) {
    const p = g.param(s.name, s.shape);
    weights[s.name] = p;
    params.push(p);
  }
  const { loss, metrics = {}, gradientOf } = spec.buildLoss(g, weights);
  const grads = gradientOf ? backward(g, gradientOf.of, params, { seed: gradientOf.grad }) : backward(g, loss, params);
  g.output(loss, "loss");
  const metricNames = Object.keys(metrics);
  for (const name of metricNames) g.output(metrics[name], name);
  grads.forEach((gr, i) => g.output(gr, gradName(layout.slots[i].name)));
  return { graph: g, layout, metricNames };
}

export class GradientStep {
  private readonly grad: Float32Array;
  private readonly decay: Uint8Array;

  private constructor(
    readonly session: ort.InferenceSession,
    readonly layout: FlatLayout,
    readonly metricNames: string[],
    private readonly cfg: AdamWConfig,
    spec: TrainStepSpec,
  ) {
    this.grad = new Float32Array(layout.size);
    this.decay = new Uint8Array(layout.size);
    spec.params.forEach((p, i) => {
      if (p.decay) this.decay.fill(1, layout.slots[i].offset, layout.slots[i].offset + layout.slots[i].size);
    });
  }

  static async create(spec: TrainStepSpec, options: TrainSessionOptions = TRAIN_SESSION_OPTIONS): Promise<GradientStep> {
    const { graph, layout, metricNames } = buildGradientGraph(spec);
    const disabled = options.disabledOptimizers ?? TRAIN_SESSION_OPTIONS.disabledOptimizers;
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: options.intraOpNumThreads ?? TRAIN_SESSION_OPTIONS.intraOpNumThreads,
      graphOptimizationLevel: options.graphOptimizationLevel ?? TRAIN_SESSION_OPTIONS.graphOptimizationLevel,
      executionMode: "sequential",
      logSeverityLevel: 3,
    };
    if (disabled.length > 0) sessionOptions.extra = { optimization: { disable_specified_optimizers: disabled.join(",") } };
    const session = await ort.InferenceSession.create(graph.toOnnx(), sessionOptions);
    return new GradientStep(session, layout, metricNames, { ...DEFAULT_ADAMW, ...spec.adamW }, spec);
  }

  /** Runs one step on `batch` at learning rate `lr`, updating the state's arrays in place. */
  async run(state: AdamWState, batch: Record<string, Tensor>, lr: number): Promise<StepResult> {
    const feeds: Record<string, Tensor> = { ...batch };
    const fetches: Record<string, Tensor | null> = { loss: null };
    for (const name of this.metricNames) fetches[name] = null;
    for (const s of this.layout.slots) {
      feeds[s.name] = float32(state.weights.subarray(s.offset, s.offset + s.size), s.shape);
      fetches[gradName(s.name)] = float32(this.grad.subarray(s.offset, s.offset + s.size), s.shape);
    }
    const out = await this.session.run(feeds, fetches);
    const gradNorm = this.adamW(state, lr);
    const metrics: Record<string, number> = {};
    for (const name of this.metricNames) metrics[name] = Number((out[name].data as Float32Array)[0]);
    return { loss: (out.loss.data as Float32Array)[0], gradNorm, metrics };
  }

  /** Clipping and AdamW over the flat arrays; returns the gradient norm before clipping. */
  private adamW(state: AdamWState, lr: number): number {
    const { beta1, beta2, eps, weightDecay, maxGradNorm } = this.cfg;
    const { weights: w, m, v } = state;
    const g = this.grad;
    const n = g.length;
    let sumSq = 0;
    for (let i = 0; i < n; i++) sumSq += g[i] * g[i];
    const gradNorm = Math.sqrt(sumSq);
    const clip = maxGradNorm === null ? 1 : Math.min(maxGradNorm / (gradNorm + 1e-6), 1);
    const t = state.step + 1;
    const stepSize = lr / (1 - beta1 ** t);
    const invSqrtBias2 = 1 / Math.sqrt(1 - beta2 ** t);
    const a = clip * (1 - beta1);
    const b = clip * clip * (1 - beta2);
    const decay = lr * weightDecay;
    const mask = this.decay;
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      const mi = beta1 * m[i] + a * gi;
      const vi = beta2 * v[i] + b * gi * gi;
      m[i] = mi;
      v[i] = vi;
      let wi = w[i];
      if (decay !== 0 && mask[i] === 1) wi -= wi * decay;
      w[i] = wi - (stepSize * mi) / (Math.sqrt(vi) * invSqrtBias2 + eps);
    }
    state.step = t;
    return gradNorm;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
