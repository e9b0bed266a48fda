// A training step as ONE onnxruntime run: forward, loss, backward (autodiff), global-norm
// clipping and AdamW, all in a single graph built once per (model shape, loss) and reused.
//
//   inputs   weights [N], adam_m [N], adam_v [N]   the flat parameters and moments
//            lr [], step []                        scalars (step is 1-based)
//            ...                                   whatever the loss builder declares (the batch)
//   outputs  loss [], grad_norm [], ...metrics, new_weights [N], new_adam_m [N], new_adam_v [N]
//
// The model is generic: any list of parameters and a function that builds a scalar loss
// from them (a language model, a reward model, a policy with a value head).
import * as ort from "onnxruntime-node";
import { Graph, float32, type Tensor, type Value } from "../onnx";
import { backward } from "../onnx/autodiff";
import { DEFAULT_ADAMW, adamW, type AdamWConfig } from "../nn/adamw";
import { flatLayout, type FlatLayout } from "../nn/flat-params";
import type { ParamSpec } from "../nn/gpt2-config";

export interface LossOutputs {
  /** Scalar loss to minimize. */
  loss: Value;
  /** Scalars reported next to the loss (graph outputs under these names). */
  metrics?: Record<string, Value>;
  /**
   * A hand-derived gradient to start backpropagation from, when cheaper than
   * differentiating the loss: the loss depends on the parameters only through `of`, and
   * d loss / d `of` is `grad` (e.g. softmax − one-hot for cross-entropy on logits).
   */
  gradientOf?: { of: Value; grad: Value };
}

export interface TrainStepSpec {
  params: readonly ParamSpec[];
  /** Declares the batch inputs on `g` and builds the loss from the parameters (by name). */
  buildLoss: (g: Graph, weights: Record<string, Value>) => LossOutputs;
  adamW?: Partial<AdamWConfig>;
}

/** The optimizer state a step consumes and replaces: flat weights, moments, step count. */
export interface AdamWState {
  weights: Float32Array;
  m: Float32Array;
  v: Float32Array;
  /** Optimizer steps taken so far. */
  step: number;
}

export interface StepResult {
  loss: number;
  gradNorm: number;
  metrics: Record<string, number>;
}

export function initialAdamWState(weights: Float32Array): AdamWState {
  return { weights, m: new Float32Array(weights.length), v: new Float32Array(weights.length), step: 0 };
}

/** Builds the whole-step graph (exposed for tests and inspection). */
export function buildTrainStepGraph(spec: TrainStepSpec): { graph: Graph; layout: FlatLayout; metricNames: string[] } {
  const cfg = { ...DEFAULT_ADAMW, ...spec.adamW };
  const layout = flatLayout(spec.params);
  const N = layout.size;
  const g = new Graph({ name: "train_step" });
  const flatWeights = g.input("weights", "float32", [N]);
  const m = g.input("adam_m", "float32", [N]);
  const v = g.input("adam_v", "float32", [N]);
  const lr = g.input("lr", "float32", []);
  const step = g.input("step", "float32", []);

  const weights: Record<string, Value> = {};
  const views: Value[] = [];
  for (const s of layout.slots) {
    const flat = g.slice(flatWeights, [s.offset], [s.offset + s.size], [0]);
    const view = g.reshape(flat, s.shape);
    weights[s.name] = view;
    views.push(view);
  }
  const { loss, metrics = {}, gradientOf } = spec.buildLoss(g, weights);
  const grads = gradientOf ? backward(g, gradientOf.of, views, { seed: gradientOf.grad }) : backward(g, loss, views);
  const flatGrad = g.concat(
    grads.map((gr) => g.reshape(gr, [-1])),
    0,
  );

  const mask = new Float32Array(N);
  spec.params.forEach((p, i) => {
    if (p.decay) mask.fill(1, layout.slots[i].offset, layout.slots[i].offset + layout.slots[i].size);
  });
  const decayMask = g.constant(mask, [N], "float32", "weight_decay_mask");
  const next = adamW(g, { weights: flatWeights, grad: flatGrad, m, v, lr, step, decayMask }, cfg);

  g.output(loss, "loss");
  g.output(next.gradNorm, "grad_norm");
  const metricNames = Object.keys(metrics);
  for (const name of metricNames) g.output(metrics[name], name);
  g.output(next.weights, "new_weights");
  g.output(next.m, "new_adam_m");
  g.output(next.v, "new_adam_v");
  return { graph: g, layout, metricNames };
}

export interface TrainSessionOptions {
  /** Threads for one operator (default 1: measured fastest on a shared 2-core machine). */
  intraOpNumThreads?: number;
  graphOptimizationLevel?: "disabled" | "basic" | "extended" | "all";
  /**
   * onnxruntime graph optimizers to skip. Default ["MatmulTransposeFusion"]: fusing the
   * transpose into the weight-gradient MatMul (transA) measured ~1.8× slower than an
   * explicit Transpose and a plain MatMul.
   */
  disabledOptimizers?: string[];
}

export const TRAIN_SESSION_OPTIONS: Required<TrainSessionOptions> = {
  intraOpNumThreads: 1,
  graphOptimizationLevel: "all",
  disabledOptimizers: ["MatmulTransposeFusion"],
};

export class TrainStep {
  private constructor(
    readonly session: ort.InferenceSession,
    readonly layout: FlatLayout,
    readonly metricNames: string[],
  ) {}

  static async create(spec: TrainStepSpec, options: TrainSessionOptions = {}): Promise<TrainStep> {
    const o: Required<TrainSessionOptions> = {
      intraOpNumThreads: options.intraOpNumThreads ?? TRAIN_SESSION_OPTIONS.intraOpNumThreads,
      graphOptimizationLevel: options.graphOptimizationLevel ?? TRAIN_SESSION_OPTIONS.graphOptimizationLevel,
      disabledOptimizers: options.disabledOptimizers ?? TRAIN_SESSION_OPTIONS.disabledOptimizers,
    };
    const { graph, layout, metricNames } = buildTrainStepGraph(spec);
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: o.intraOpNumThreads,
      graphOptimizationLevel: o.graphOptimizationLevel,
      executionMode: "sequential",
      logSeverityLevel: 3,
    };
    if (o.disabledOptimizers.length > 0) {
      // Session config entry "optimization.disable_specified_optimizers" (comma-separated).
      sessionOptions.extra = { optimization: { disable_specified_optimizers: o.disabledOptimizers.join(",") } };
    }
    const session = await ort.InferenceSession.create(graph.toOnnx(), sessionOptions);
    return new TrainStep(session, layout, metricNames);
  }

  /** The arrays the next step writes into (double buffering: no allocation per step). */
  private spare: { weights: Float32Array; m: Float32Array; v: Float32Array } | null = null;

  /**
   * Runs one step on `batch` (the loss builder's inputs) and replaces the state's arrays.
   * The new weights and moments are written into arrays this TrainStep owns and reuses:
   * the arrays a state held before a step are overwritten by the step after it, so copy
   * them (or save them) before running two more steps if you need them.
   */
  async run(state: AdamWState, batch: Record<string, Tensor>, lr: number): Promise<StepResult> {
    const N = this.layout.size;
    const step = state.step + 1;
    const spare = this.spare ?? { weights: new Float32Array(N), m: new Float32Array(N), v: new Float32Array(N) };
    const fetches: Record<string, Tensor | null> = {
      loss: null,
      grad_norm: null,
      new_weights: float32(spare.weights, [N]),
      new_adam_m: float32(spare.m, [N]),
      new_adam_v: float32(spare.v, [N]),
    };
    for (const name of this.metricNames) fetches[name] = null;
    const out = await this.session.run(
      {
        ...batch,
        weights: float32(state.weights, [N]),
        adam_m: float32(state.m, [N]),
        adam_v: float32(state.v, [N]),
        lr: float32([lr], []),
        step: float32([step], []),
      },
      fetches,
    );
    this.spare = { weights: state.weights, m: state.m, v: state.v };
    state.weights = spare.weights;
    state.m = spare.m;
    state.v = spare.v;
    state.step = step;
    const metrics: Record<string, number> = {};
    for (const name of this.metricNames) metrics[name] = Number((out[name].data as Float32Array)[0]);
    return {
      loss: (out.loss.data as Float32Array)[0],
      gradNorm: (out.grad_norm.data as Float32Array)[0],
      metrics,
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
