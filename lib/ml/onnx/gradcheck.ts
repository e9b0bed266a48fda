/**
 * Finite-difference gradient check: compares backward() against central differences.
 *
 * `build(g, xs)` receives the declared float inputs (as graph inputs of `dtype`) and
 * returns any float tensor y; the checked scalar is L = sum(y * r) with a fixed random r
 * (so that, say, sum(softmax(x)) does not hide a wrong gradient). Build everything else
 * (indices, masks) as constants inside `build`, using xs[i].dtype for float constants.
 * Runs in float64 by default (ORT's CPU kernels cover the ops we use, except Erf), so
 * differences with eps 1e-6 are accurate to ~1e-8.
 */

import { mulberry32 } from "../random";
import type { FloatDType } from "./dtype";
import type { Shape } from "./shape";
import { Graph, type Value } from "./graph";
import { backward } from "./autodiff";
import { Session } from "./session";
import { tensor, toNumbers } from "./tensor";
import type { Tensor } from "./tensor";

export interface GradcheckInput {
  name: string;
  shape: readonly number[];
  /** Default: seeded standard normal values. */
  data?: ArrayLike<number>;
  /** The declared (graph input) shape, e.g. ["batch", 3], to exercise symbolic-shape paths. */
  symbolicShape?: Shape;
}

export interface GradcheckOptions {
  dtype?: FloatDType;
  /** Finite-difference step (default 1e-6 for float64, 1e-2 for float32). */
  eps?: number;
  /** Pass when |analytic - numeric| <= atol + rtol * |numeric| everywhere. */
  rtol?: number;
  atol?: number;
  seed?: number;
  /** Check at most this many (random) elements per input (default all). */
  maxElements?: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** Largest |analytic - numeric| and the element where the tolerance was most exceeded. */
  maxAbsError: number;
  worst: { input: string; index: number; analytic: number; numeric: number } | null;
  analytic: number[][];
  numeric: number[][];
  /** The indices checked per input. */
  checked: number[][];
  /** A one-line summary for assertion messages. */
  message: string;
}

/** A deterministic PRNG (mulberry32) and a standard normal from it. */
export function seededRandom(seed: number): { uniform: () => number; normal: () => number } {
  const uniform = mulberry32(seed);
  const normal = (): number => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  return { uniform, normal };
}

export async function gradcheck(
  build: (g: Graph, xs: Value[]) => Value,
  inputs: readonly GradcheckInput[],
  opts: GradcheckOptions = {},
): Promise<GradcheckResult> {
  const dtype = opts.dtype ?? "float64";
  const eps = opts.eps ?? (dtype === "float64" ? 1e-6 : 1e-2);
  const rtol = opts.rtol ?? (dtype === "float64" ? 1e-5 : 3e-2);
  const atol = opts.atol ?? (dtype === "float64" ? 1e-7 : 3e-3);
  const rng = seededRandom(opts.seed ?? 1234);
  const values = inputs.map((inp) => {
    const n = inp.shape.reduce((p, d) => p * d, 1);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = inp.data ? inp.data[i] : rng.normal();
    return v;
  });
  const feeds = (vals: Float64Array[]): Record<string, Tensor> => Object.fromEntries(inputs.map((inp, i) => [inp.name, tensor(dtype, vals[i], inp.shape)]));

  // 1. The output's dims, to draw the projection r.
  const probe = new Graph();
  const probeOut = build(
    probe,
    inputs.map((inp) => probe.input(inp.name, dtype, inp.symbolicShape ?? inp.shape)),
  );
  probe.output(probe.identity(probeOut), "y");
  const probeSession = await Session.create(probe.toOnnx(), { intraOpNumThreads: 1 });
  const yDims = (await probeSession.run(feeds(values))).y.dims;
  await probeSession.release();
  const rn = yDims.reduce((p, d) => p * d, 1);
  const r = Array.from({ length: rn }, () => rng.normal());

  // 2. Loss and gradients in one graph; a loss-only session for the differences.
  const g = new Graph();
  const xs = inputs.map((inp) => g.input(inp.name, dtype, inp.symbolicShape ?? inp.shape));
  const y = build(g, xs);
  const loss = g.output(g.reduceSum(g.mul(y, g.constant(r, yDims, y.dtype)), null, false), "loss");
  const grads = backward(g, loss, xs);
  const gradOuts = grads.map((d, i) => g.output(d.kind === "node" ? d : g.identity(d), `grad_${i}`));
  const full = await Session.create(g.toOnnx(), { intraOpNumThreads: 1 });
  const lossOnly = await Session.create(g.toOnnx({ outputs: [loss] }), { intraOpNumThreads: 1 });

  const out = await full.run(feeds(values));
  const analyticAll = gradOuts.map((o) => toNumbers(out[o.name]));
  const lossAt = async (vals: Float64Array[]): Promise<number> => toNumbers((await lossOnly.run(feeds(vals))).loss)[0];

  const analytic: number[][] = [];
  const numeric: number[][] = [];
  const checked: number[][] = [];
  let ok = true;
  let maxAbsError = 0;
  let worstRatio = -1;
  let worst: GradcheckResult["worst"] = null;
  for (let k = 0; k < inputs.length; k++) {
    const n = values[k].length;
    let idx = Array.from({ length: n }, (_, i) => i);
    if (opts.maxElements !== undefined && n > opts.maxElements) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rng.uniform() * (i + 1));
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
      idx = idx.slice(0, opts.maxElements).sort((a, b) => a - b);
    }
    const an: number[] = [];
    const nu: number[] = [];
    for (const i of idx) {
      const orig = values[k][i];
      values[k][i] = orig + eps;
      const lp = await lossAt(values);
      values[k][i] = orig - eps;
      const lm = await lossAt(values);
      values[k][i] = orig;
      const num = (lp - lm) / (2 * eps);
      const a = analyticAll[k][i];
      an.push(a);
      nu.push(num);
      const err = Math.abs(a - num);
      const ratio = err / (atol + rtol * Math.abs(num));
      if (!(ratio <= 1)) ok = false;
      maxAbsError = Math.max(maxAbsError, err);
      if (ratio > worstRatio || Number.isNaN(ratio)) {
        worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
        worst = { input: inputs[k].name, index: i, analytic: a, numeric: num };
      }
    }
    analytic.push(an);
    numeric.push(nu);
    checked.push(idx);
  }
  await full.release();
  await lossOnly.release();
  const message = worst
    ? `gradcheck ${ok ? "ok" : "FAILED"}: max |err| ${maxAbsError.toExponential(2)}; worst ${worst.input}[${worst.index}] analytic ${worst.analytic} vs numeric ${worst.numeric}`
    : "gradcheck: nothing checked";
  return { ok, maxAbsError, worst, analytic, numeric, checked, message };
}
