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
import { Graph, Session, float32, type SessionOptions, type Tensor, type Value } from "../onnx";
import { backward } from "../onnx/autodiff";
import { DEFAULT_ADAMW, adamW, type AdamWConfig } from "../nn/adamw";
import { flatLayout, type FlatLayout } from "../nn/flat-params";
import type { ParamSpec } from "../nn/gpt2-config";

export interface LossOutputs {
  /** Scalar loss to minimize. */
  loss: Value;
  /** Scalars reported next to the loss (graph outputs under these names). */
  metrics?: Record<string, Value>;
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
  const { loss, metrics = {} } = spec.buildLoss(g, weights);
  const grads = backward(g, loss, views);
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

/** Session options measured fastest for training steps on this kind of CPU. */
export const TRAIN_SESSION_OPTIONS: SessionOptions = { graphOptimizationLevel: "all", executionMode: "sequential" };

export class TrainStep {
  private constructor(
    readonly session: Session,
    readonly layout: FlatLayout,
    readonly metricNames: string[],
  ) {}

  static async create(spec: TrainStepSpec, options: SessionOptions = TRAIN_SESSION_OPTIONS): Promise<TrainStep> {
    const { graph, layout, metricNames } = buildTrainStepGraph(spec);
    const session = await Session.create(graph.toOnnx(), options);
    return new TrainStep(session, layout, metricNames);
  }

  /** Runs one step on `batch` (the loss builder's inputs) and replaces the state's arrays. */
  async run(state: AdamWState, batch: Record<string, Tensor>, lr: number): Promise<StepResult> {
    const N = this.layout.size;
    const step = state.step + 1;
    const out = await this.session.run({
      ...batch,
      weights: float32(state.weights, [N]),
      adam_m: float32(state.m, [N]),
      adam_v: float32(state.v, [N]),
      lr: float32([lr], []),
      step: float32([step], []),
    });
    state.weights = out.new_weights.data as Float32Array;
    state.m = out.new_adam_m.data as Float32Array;
    state.v = out.new_adam_v.data as Float32Array;
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
