/**
 * Gradient rules: for one node, the gradients of its inputs given the gradients of its
 * outputs, as more ONNX ops appended to the same graph. `needs[i]` says whether input i
 * wants a gradient (rules skip the others); return null where there is none.
 * Add a rule for a custom op with `gradientRules.MyOp = (g, node, dys, needs) => [...]`.
 */

import type { Graph, Node, Value } from "./graph";
import { isStatic, normAxis, numel, type Shape } from "./shape";
import { unbroadcast } from "./unbroadcast";

export type GradRule = (
  g: Graph,
  node: Node,
  /** Gradient of each output (null: that output does not reach the loss). */
  dys: readonly (Value | null)[],
  /** Whether each input needs a gradient. */
  needs: readonly boolean[],
) => readonly (Value | null | undefined)[];

const BIG = 2 ** 62;

function intAttr(node: Node, name: string, dflt: number): number {
  const a = node.attrs[name];
  return a && a.kind === "int" ? a.value : dflt;
}

function intsAttr(node: Node, name: string): number[] | null {
  const a = node.attrs[name];
  return a && a.kind === "ints" ? a.value : null;
}

function input(node: Node, i: number): Value {
  const v = node.inputs[i];
  if (!v) throw new Error(`${node.opType} ${node.name}: input ${i} is missing`);
  return v;
}

function dy0(node: Node, dys: readonly (Value | null)[]): Value {
  const d = dys[0];
  if (!d) throw new Error(`${node.opType} ${node.name}: no output gradient`);
  return d;
}

function knownInts(v: Value | null): number[] | null {
  if (!v || !v.knownInts || !v.knownInts.every((d) => typeof d === "number")) return null;
  return v.knownInts as number[];
}

/** The shape of x as a Reshape target: a constant when static, else Shape(x). */
export function shapeOf(g: Graph, x: Value): Value {
  return isStatic(x.shape) ? g.ints(x.shape) : g.shape(x);
}

/** Reshape dy back to x's shape. */
function reshapeLike(g: Graph, dy: Value, x: Value): Value {
  return g.reshape(dy, shapeOf(g, x));
}

/** Sum a broadcast gradient down to a bounded `expand(dy to x)`. */
function expandLike(g: Graph, dy: Value, x: Value): Value {
  return g.expand(dy, shapeOf(g, x));
}

/** For reductions: dy (and y) with the reduced axes put back as size-1 dims. */
function keepDims(g: Graph, node: Node, v: Value): Value {
  if (intAttr(node, "keepdims", 1) === 1) return v;
  const axes = node.inputs[1] ?? null;
  if (!axes) return v; // all axes reduced: v is a scalar, Expand broadcasts it
  const ax = knownInts(axes);
  if (ax) return g.unsqueeze(v, ax);
  return g.op1("Unsqueeze", [v, axes], {}, { shapes: [null] });
}

/** Elements reduced into one output: numel(x) / numel(y). */
function reducedCount(g: Graph, x: Value, y: Value): Value {
  const nx = numel(x.shape);
  const ny = numel(y.shape);
  if (nx !== null && ny !== null) return g.scalar(nx / Math.max(ny, 1), x.dtype);
  return g.div(g.cast(g.size(x), x.dtype), g.cast(g.size(y), x.dtype));
}

function swapLast2(g: Graph, x: Value): Value {
  return g.transposeLast2(x);
}

export const gradientRules: Record<string, GradRule> = {
  Identity: (_g, node, dys) => [dy0(node, dys)],

  // Piecewise-constant functions: zero gradient almost everywhere.
  Sign: () => [null],
  Floor: () => [null],
  Ceil: () => [null],
  Round: () => [null],

  Add: (g, node, dys, needs) => {
    const dy = dy0(node, dys);
    return [needs[0] ? unbroadcast(g, dy, input(node, 0)) : null, needs[1] ? unbroadcast(g, dy, input(node, 1)) : null];
  },

  Sub: (g, node, dys, needs) => {
    const dy = dy0(node, dys);
    return [needs[0] ? unbroadcast(g, dy, input(node, 0)) : null, needs[1] ? unbroadcast(g, g.neg(dy), input(node, 1)) : null];
  },

  Sum: (g, node, dys, needs) => {
    const dy = dy0(node, dys);
    return node.inputs.map((x, i) => (needs[i] && x ? unbroadcast(g, dy, x) : null));
  },

  Mul: (g, node, dys, needs) => {
    const dy = dy0(node, dys);
    const [a, b] = [input(node, 0), input(node, 1)];
    return [needs[0] ? unbroadcast(g, g.mul(dy, b), a) : null, needs[1] ? unbroadcast(g, g.mul(dy, a), b) : null];
  },

  Div: (g, node, dys, needs) => {
    const dy = dy0(node, dys);
    const [a, b] = [input(node, 0), input(node, 1)];
    const y = node.outputs[0];
    return [needs[0] ? unbroadcast(g, g.div(dy, b), a) : null, needs[1] ? unbroadcast(g, g.neg(g.div(g.mul(dy, y), b)), b) : null];
  },

  Neg: (g, node, dys) => [g.neg(dy0(node, dys))],

  Exp: (g, node, dys) => [g.mul(dy0(node, dys), node.outputs[0])],

  Log: (g, node, dys) => [g.div(dy0(node, dys), input(node, 0))],

  Sqrt: (g, node, dys) => [g.div(g.mul(dy0(node, dys), 0.5), node.outputs[0])],

  Reciprocal: (g, node, dys) => {
    const y = node.outputs[0];
    return [g.neg(g.mul(dy0(node, dys), g.mul(y, y)))];
  },

  Pow: (g, node, dys, needs) => {
    const dy = dy0(node, dys);
    const [x, p] = [input(node, 0), input(node, 1)];
    const y = node.outputs[0];
    let dx: Value | null = null;
    if (needs[0]) {
      const pc = p.constant && p.constant.data.length === 1 ? Number(p.constant.data[0]) : null;
      let local: Value;
      if (pc === 2) local = g.mul(x, 2);
      else if (pc !== null) local = g.mul(g.pow(x, pc - 1), pc);
      else local = g.mul(g.pow(x, g.sub(p, 1)), p);
      dx = unbroadcast(g, g.mul(dy, local), x);
    }
    const dp = needs[1] ? unbroadcast(g, g.mul(dy, g.mul(y, g.log(x))), p) : null;
    return [dx, dp];
  },

  Tanh: (g, node, dys) => {
    const y = node.outputs[0];
    return [g.mul(dy0(node, dys), g.sub(1, g.mul(y, y)))];
  },

  Sigmoid: (g, node, dys) => {
    const y = node.outputs[0];
    return [g.mul(dy0(node, dys), g.mul(y, g.sub(1, y)))];
  },

  Softplus: (g, node, dys) => [g.mul(dy0(node, dys), g.sigmoid(input(node, 0)))],

  Relu: (g, node, dys) => [g.where(g.greater(input(node, 0), 0), dy0(node, dys), 0)],

  Abs: (g, node, dys) => [g.mul(dy0(node, dys), g.op1("Sign", [input(node, 0)], {}, { shapes: [input(node, 0).shape] }))],

  Erf: (g, node, dys) => {
    const x = input(node, 0);
    return [g.mul(dy0(node, dys), g.mul(g.exp(g.neg(g.mul(x, x))), 2 / Math.sqrt(Math.PI)))];
  },

  Softmax: (g, node, dys) => {
    const dy = dy0(node, dys);
    const y = node.outputs[0];
    const axis = intAttr(node, "axis", -1);
    return [g.mul(y, g.sub(dy, g.reduceSum(g.mul(dy, y), [axis], true)))];
  },

  LogSoftmax: (g, node, dys) => {
    const dy = dy0(node, dys);
    const y = node.outputs[0];
    const axis = intAttr(node, "axis", -1);
    return [g.sub(dy, g.mul(g.exp(y), g.reduceSum(dy, [axis], true)))];
  },

  ReduceSum: (g, node, dys) => [expandLike(g, keepDims(g, node, dy0(node, dys)), input(node, 0))],

  ReduceMean: (g, node, dys) => {
    const x = input(node, 0);
    const dyk = keepDims(g, node, dy0(node, dys));
    return [expandLike(g, g.div(dyk, reducedCount(g, x, node.outputs[0])), x)];
  },

  ReduceMax: (g, node, dys) => reduceExtremum(g, node, dys),
  ReduceMin: (g, node, dys) => reduceExtremum(g, node, dys),

  ReduceLogSumExp: (g, node, dys) => {
    const x = input(node, 0);
    const dyk = keepDims(g, node, dy0(node, dys));
    const yk = keepDims(g, node, node.outputs[0]);
    return [g.mul(dyk, g.exp(g.sub(x, yk)))];
  },

  MatMul: (g, node, dys, needs) => matmulGrad(g, input(node, 0), input(node, 1), dy0(node, dys), needs),

  Gather: (g, node, dys, needs) => {
    if (!needs[0]) return [null, null];
    const data = input(node, 0);
    const indices = input(node, 1);
    const dy = dy0(node, dys);
    const r = data.rank;
    const q = indices.rank;
    if (r === null || q === null) throw new Error(`Gather gradient needs known ranks (${data}, ${indices})`);
    const axis = normAxis(intAttr(node, "axis", 0), r);
    // dy: data[:axis] + indices.shape + data[axis+1:]. Move the index dims to the front,
    // scatter-add rows into zeros shaped [data[axis], data[:axis], data[axis+1:]], move back.
    const idx = g.unsqueeze(indices, [-1]);
    if (axis === 0) {
      return [g.scatterND(g.zerosLike(data), idx, dy, "add"), null];
    }
    const perm = [
      ...Array.from({ length: q }, (_, i) => axis + i),
      ...Array.from({ length: axis }, (_, i) => i),
      ...Array.from({ length: r - axis - 1 }, (_, i) => axis + q + i),
    ];
    const dyT = g.transpose(dy, perm);
    const dataPerm = [axis, ...Array.from({ length: axis }, (_, i) => i), ...Array.from({ length: r - axis - 1 }, (_, i) => axis + 1 + i)];
    const zeros = g.zerosLike(g.transpose(data, dataPerm));
    const scattered = g.scatterND(zeros, idx, dyT, "add");
    const inv = invertPerm(dataPerm);
    return [g.transpose(scattered, inv), null];
  },

  GatherElements: (g, node, dys, needs) => {
    if (!needs[0]) return [null, null];
    const data = input(node, 0);
    return [g.scatterElements(g.zerosLike(data), input(node, 1), dy0(node, dys), intAttr(node, "axis", 0), "add"), null];
  },

  ScatterElements: (g, node, dys, needs) => {
    const dy = dy0(node, dys);
    const [idx, upd] = [input(node, 1), input(node, 2)];
    const red = node.attrs.reduction;
    if (red && !(red.kind === "string" && (red.value === "add" || red.value === "none")))
      throw new Error(`ScatterElements gradient: reduction ${JSON.stringify(red)} is not supported`);
    const additive = red?.kind === "string" && red.value === "add";
    const axis = intAttr(node, "axis", 0);
    return [needs[0] ? (additive ? dy : g.scatterElements(dy, idx, g.zerosLike(upd), axis)) : null, null, needs[2] ? g.gatherElements(dy, idx, axis) : null];
  },

  ScatterND: (g, node, dys, needs) => {
    const dy = dy0(node, dys);
    const [idx, upd] = [input(node, 1), input(node, 2)];
    const red = node.attrs.reduction;
    if (red && !(red.kind === "string" && (red.value === "add" || red.value === "none")))
      throw new Error(`ScatterND gradient: reduction ${JSON.stringify(red)} is not supported`);
    const additive = red?.kind === "string" && red.value === "add";
    return [
      needs[0] ? (additive ? dy : g.scatterND(dy, idx, g.zerosLike(upd))) : null,
      null,
      needs[2] ? g.op1("GatherND", [dy, idx], {}, { shapes: [upd.shape] }) : null,
    ];
  },

  Reshape: (g, node, dys) => [reshapeLike(g, dy0(node, dys), input(node, 0)), null],
  Unsqueeze: (g, node, dys) => [reshapeLike(g, dy0(node, dys), input(node, 0)), null],
  Squeeze: (g, node, dys) => [reshapeLike(g, dy0(node, dys), input(node, 0)), null],
  Flatten: (g, node, dys) => [reshapeLike(g, dy0(node, dys), input(node, 0))],

  Transpose: (g, node, dys) => {
    const x = input(node, 0);
    let perm = intsAttr(node, "perm");
    if (!perm) {
      if (x.rank === null) throw new Error("Transpose gradient without perm needs a known rank");
      perm = Array.from({ length: x.rank }, (_, i) => x.rank! - 1 - i);
    }
    return [g.transpose(dy0(node, dys), invertPerm(perm))];
  },

  Expand: (g, node, dys) => [unbroadcast(g, dy0(node, dys), input(node, 0)), null],

  Slice: (g, node, dys) => [sliceGrad(g, node, dy0(node, dys)), null, null, null, null],

  Concat: (g, node, dys, needs) => {
    const dy = dy0(node, dys);
    const xs = node.inputs as Value[];
    const axis = intAttr(node, "axis", 0);
    const r = xs[0].rank;
    if (r === null) throw new Error("Concat gradient needs a known rank");
    const a = normAxis(axis, r);
    const sizes = xs.map((x) => (x.shape ? x.shape[a] : null));
    const splitSizes = sizes.every((s): s is number => typeof s === "number")
      ? g.ints(sizes)
      : g.concat(
          xs.map((x) => g.shape(x, a, a + 1)),
          0,
        );
    const parts = g.op(
      "Split",
      [dy, splitSizes],
      { axis: a },
      {
        outputs: xs.length,
        shapes: xs.map((x) => x.shape),
      },
    );
    return parts.map((p, i) => (needs[i] ? p : null));
  },

  Split: (g, node, dys) => {
    const axis = intAttr(node, "axis", 0);
    const parts = node.outputs.map((o, i) => dys[i] ?? g.zerosLike(o));
    return [g.concat(parts, axis), null];
  },

  Where: (g, node, dys, needs) => {
    const dy = dy0(node, dys);
    const [c, a, b] = [input(node, 0), input(node, 1), input(node, 2)];
    return [null, needs[1] ? unbroadcast(g, g.where(c, dy, 0), a) : null, needs[2] ? unbroadcast(g, g.where(c, 0, dy), b) : null];
  },

  Cast: (g, node, dys) => [g.cast(dy0(node, dys), input(node, 0).dtype)],

  Max: (g, node, dys, needs) => extremumGrad(g, node, dys, needs, "max"),
  Min: (g, node, dys, needs) => extremumGrad(g, node, dys, needs, "min"),

  Clip: (g, node, dys, needs) => {
    const dy = dy0(node, dys);
    const x = input(node, 0);
    const lo = node.inputs[1] ?? null;
    const hi = node.inputs[2] ?? null;
    let inside: Value | null = null;
    if (lo) inside = g.greaterOrEqual(x, lo);
    if (hi) inside = inside ? g.and(inside, g.lessOrEqual(x, hi)) : g.lessOrEqual(x, hi);
    const dx = needs[0] ? (inside ? g.where(inside, dy, 0) : dy) : null;
    const dlo = needs[1] && lo ? g.reshape(g.reduceSum(g.where(g.less(x, lo), dy, 0), null, false), shapeOf(g, lo)) : null;
    const dhi = needs[2] && hi ? g.reshape(g.reduceSum(g.where(g.greater(x, hi), dy, 0), null, false), shapeOf(g, hi)) : null;
    return [dx, dlo, dhi];
  },

  LayerNormalization: (g, node, dys, needs) => {
    const dy = dy0(node, dys);
    if (dys.slice(1).some((d) => d)) throw new Error("LayerNormalization gradient: Mean/InvStdDev outputs are not differentiable here");
    const [x, scale] = [input(node, 0), input(node, 1)];
    const bias = node.inputs[2] ?? null;
    const axis = intAttr(node, "axis", -1);
    const eps = node.attrs.epsilon?.kind === "float" ? node.attrs.epsilon.value : 1e-5;
    let axes: number[];
    if (axis < 0) axes = Array.from({ length: -axis }, (_, i) => axis + i);
    else {
      if (x.rank === null) throw new Error("LayerNormalization gradient with axis >= 0 needs a known rank");
      axes = Array.from({ length: x.rank - axis }, (_, i) => axis + i);
    }
    // Recompute the statistics (cheap, and right for float64 graphs too).
    const mean = g.reduceMean(x, axes, true);
    const xc = g.sub(x, mean);
    const variance = g.reduceMean(g.mul(xc, xc), axes, true);
    const inv = g.reciprocal(g.sqrt(g.add(variance, eps)));
    const xhat = g.mul(xc, inv);
    let dx: Value | null = null;
    if (needs[0]) {
      const gy = g.mul(dy, scale);
      const t = g.sub(g.sub(gy, g.reduceMean(gy, axes, true)), g.mul(xhat, g.reduceMean(g.mul(gy, xhat), axes, true)));
      dx = g.mul(inv, t);
    }
    return [dx, needs[1] ? unbroadcast(g, g.mul(dy, xhat), scale) : null, needs[2] && bias ? unbroadcast(g, dy, bias) : null];
  },

  Trilu: (g, node, dys) => {
    const upper = intAttr(node, "upper", 1);
    return [g.op1("Trilu", [dy0(node, dys), node.inputs[1] ?? null], { upper }, { shapes: [input(node, 0).shape] }), null];
  },

  CumSum: (g, node, dys) => {
    const exclusive = intAttr(node, "exclusive", 0);
    const reverse = intAttr(node, "reverse", 0);
    return [g.op1("CumSum", [dy0(node, dys), input(node, 1)], { exclusive, reverse: 1 - reverse }, { shapes: [input(node, 0).shape] }), null];
  },
};

function invertPerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

function reduceExtremum(g: Graph, node: Node, dys: readonly (Value | null)[]): (Value | null)[] {
  const x = input(node, 0);
  const axes = node.inputs[1] ?? null;
  const dyk = keepDims(g, node, dy0(node, dys));
  const yk = keepDims(g, node, node.outputs[0]);
  // Ties share the gradient equally.
  const mask = g.cast(g.equal(x, yk), x.dtype);
  const count = axes ? g.op1("ReduceSum", [mask, axes], { keepdims: 1 }, { shapes: [null] }) : g.reduceSum(mask, null, true);
  return [g.mul(g.div(mask, count), dyk), null];
}

function extremumGrad(g: Graph, node: Node, dys: readonly (Value | null)[], needs: readonly boolean[], kind: "max" | "min"): (Value | null)[] {
  const dy = dy0(node, dys);
  const xs = node.inputs as Value[];
  if (xs.length === 1) return [dy];
  if (xs.length === 2) {
    // Ties go to the first input.
    const [a, b] = xs;
    const first = kind === "max" ? g.greaterOrEqual(a, b) : g.lessOrEqual(a, b);
    return [needs[0] ? unbroadcast(g, g.where(first, dy, 0), a) : null, needs[1] ? unbroadcast(g, g.where(first, 0, dy), b) : null];
  }
  const y = node.outputs[0];
  return xs.map((x, i) => (needs[i] ? unbroadcast(g, g.where(g.equal(x, y), dy, 0), x) : null));
}

function matmulGrad(g: Graph, a: Value, b: Value, dy: Value, needs: readonly boolean[]): (Value | null)[] {
  const ra = a.rank;
  const rb = b.rank;
  if (ra === null || rb === null) throw new Error(`MatMul gradient needs known ranks (${a}, ${b})`);
  // Vector operands: treat as [1, k] / [k, 1] matrices.
  if (ra === 1 || rb === 1) {
    const a2 = ra === 1 ? g.unsqueeze(a, [0]) : a;
    const b2 = rb === 1 ? g.unsqueeze(b, [-1]) : b;
    let dy2 = dy;
    if (ra === 1) dy2 = g.unsqueeze(dy2, [rb === 1 ? -1 : -2]);
    if (rb === 1) dy2 = g.unsqueeze(dy2, [-1]);
    const [da, db] = matmulGrad(g, a2, b2, dy2, needs);
    return [da && ra === 1 ? g.reshape(da, shapeOf(g, a)) : da, db && rb === 1 ? g.reshape(db, shapeOf(g, b)) : db];
  }
  let da: Value | null = null;
  let db: Value | null = null;
  if (needs[0]) {
    if (ra === 2 && rb > 2) {
      // a [m, k] shared across b's batch: fold the batch into one matmul.
      // da = sum_batch dy_i @ b_i^T = dy' @ b'^T with dy' [m, B*n], b' [k, B*n].
      const dyF = g.reshape(g.transpose(dy, moveAxis(rb, rb - 2, 0)), g.concat([g.shape(dy, rb - 2, rb - 1), g.ints([-1])], 0));
      const bF = g.reshape(g.transpose(b, moveAxis(rb, rb - 2, 0)), g.concat([g.shape(b, rb - 2, rb - 1), g.ints([-1])], 0));
      da = unbroadcast(g, g.matmul(dyF, g.transpose(bF)), a);
    } else {
      da = unbroadcast(g, g.matmul(dy, swapLast2(g, b)), a);
    }
  }
  if (needs[1]) {
    if (rb === 2 && ra > 2) {
      // b [k, n] shared across a's batch (a Linear layer): db = a'^T @ dy' with the batch flattened.
      const k = b.shape![0];
      const n = b.shape![1];
      const aF = g.reshape(a, typeof k === "number" ? [-1, k] : g.concat([g.ints([-1]), g.shape(a, ra - 1)], 0));
      const dyF = g.reshape(dy, typeof n === "number" ? [-1, n] : g.concat([g.ints([-1]), g.shape(dy, -1)], 0));
      db = g.matmul(g.transpose(aF), dyF);
    } else {
      db = unbroadcast(g, g.matmul(swapLast2(g, a), dy), b);
    }
  }
  return [da, db];
}

/** A permutation of `rank` axes moving axis `from` to position `to`. */
function moveAxis(rank: number, from: number, to: number): number[] {
  const rest = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== from);
  rest.splice(to, 0, from);
  return rest;
}

/** Slice gradient: Pad dy with zeros back to x's shape (steps of 1), else scatter. */
function sliceGrad(g: Graph, node: Node, dy: Value): Value {
  const x = input(node, 0);
  const startsV = input(node, 1);
  const endsV = input(node, 2);
  const axesV = node.inputs[3] ?? null;
  const stepsV = node.inputs[4] ?? null;
  const starts = knownInts(startsV);
  const ends = knownInts(endsV);
  const steps = stepsV ? knownInts(stepsV) : null;
  const unitSteps = !stepsV || (steps !== null && steps.every((s) => s === 1));
  let axes = axesV ? knownInts(axesV) : null;
  if (!axesV) {
    const k = starts?.length ?? (startsV.shape && typeof startsV.shape[0] === "number" ? startsV.shape[0] : null);
    if (k !== null) axes = Array.from({ length: k }, (_, i) => i);
  }
  if (unitSteps && axes) {
    // Static pads when the sliced dims and bounds are known.
    const shape: Shape | null = x.shape;
    if (starts && ends && shape && x.rank !== null) {
      const dims = axes.map((a) => shape[normAxis(a, x.rank!)]);
      if (dims.every((d): d is number => typeof d === "number")) {
        const begin: number[] = [];
        const end: number[] = [];
        dims.forEach((d, i) => {
          const s = clampIdx(starts[i], d);
          const e = Math.max(clampIdx(ends[i], d), s);
          begin.push(s);
          end.push(d - e);
        });
        return g.pad(dy, [...begin, ...end], 0, axes);
      }
    }
    // Runtime pads: normalize negative bounds, clamp to [0, dim].
    const axesC = g.ints(axes);
    const dims = g.gather(g.shape(x), axesC);
    const norm = (v: Value): Value => {
      const w = g.where(g.less(v, 0), g.add(v, dims), v);
      return g.max(g.min(w, dims), 0);
    };
    const s = norm(startsV);
    const e = g.max(norm(endsV), s);
    return g.pad(dy, g.concat([s, g.sub(dims, e)], 0), 0, axesC);
  }
  // General steps: slice an index tensor the same way and scatter-add into flat zeros.
  const n = g.size(x);
  const idx = g.reshape(g.range(0, n, 1), g.shape(x));
  const picked = g.op1("Slice", [idx, startsV, endsV, axesV, stepsV], {}, { dtypes: ["int64"] });
  const flat = g.constantOfShape(g.unsqueeze(n, [0]), 0, x.dtype);
  const scattered = g.scatterElements(flat, g.reshape(picked, [-1]), g.reshape(dy, [-1]), 0, "add");
  return g.reshape(scattered, g.shape(x));
}

function clampIdx(i: number, n: number): number {
  if (i >= BIG) return n;
  const j = i < 0 ? i + n : i;
  return Math.min(Math.max(j, 0), n);
}
