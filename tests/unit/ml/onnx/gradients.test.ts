import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { fastGelu } from "@/lib/ml/nn/fast-gelu";
import { Graph, type Node, type Value } from "@/lib/ml/onnx/graph";
import { gradcheck, type GradcheckInput, type GradcheckOptions } from "@/lib/ml/onnx/gradcheck";
import { gradientRules } from "@/lib/ml/onnx/gradients";

type Build = (g: Graph, xs: Value[]) => Value;
interface Case {
  name: string;
  inputs: GradcheckInput[];
  build: Build;
  opts?: GradcheckOptions;
}

const pos = (n: number, lo = 0.5): number[] => Array.from({ length: n }, (_, i) => lo + ((i * 0.37) % 1.3));
const spread = (n: number): number[] => Array.from({ length: n }, (_, i) => ((i * 7) % n) * 0.31 - 0.4 * n * 0.31 + 0.05);
const i64 = (g: Graph, values: number[], dims: number[]): Value => g.constant(values, dims, "int64");

const cases: Case[] = [
  // MatMul
  {
    name: "MatMul 2-D",
    inputs: [
      { name: "a", shape: [2, 3] },
      { name: "b", shape: [3, 4] },
    ],
    build: (g, [a, b]) => g.matmul(a, b),
  },
  {
    name: "MatMul batched x shared weight",
    inputs: [
      { name: "a", shape: [2, 3, 4] },
      { name: "b", shape: [4, 2] },
    ],
    build: (g, [a, b]) => g.matmul(a, b),
  },
  {
    name: "MatMul broadcast batch",
    inputs: [
      { name: "a", shape: [2, 1, 3, 4] },
      { name: "b", shape: [3, 4, 2] },
    ],
    build: (g, [a, b]) => g.matmul(a, b),
  },
  {
    name: "MatMul shared left",
    inputs: [
      { name: "a", shape: [3, 4] },
      { name: "b", shape: [2, 4, 5] },
    ],
    build: (g, [a, b]) => g.matmul(a, b),
  },
  {
    name: "MatMul vector x matrix",
    inputs: [
      { name: "a", shape: [3] },
      { name: "b", shape: [3, 2] },
    ],
    build: (g, [a, b]) => g.matmul(a, b),
  },
  {
    name: "MatMul matrix x vector",
    inputs: [
      { name: "a", shape: [2, 2, 3] },
      { name: "b", shape: [3] },
    ],
    build: (g, [a, b]) => g.matmul(a, b),
  },
  {
    name: "MatMul symbolic batch",
    inputs: [
      { name: "a", shape: [2, 3, 4], symbolicShape: ["batch", "seq", 4] },
      { name: "b", shape: [4, 2] },
    ],
    build: (g, [a, b]) => g.matmul(a, b),
  },
  // Elementwise binary with broadcasting
  {
    name: "Add broadcast bias",
    inputs: [
      { name: "a", shape: [2, 3] },
      { name: "b", shape: [3] },
    ],
    build: (g, [a, b]) => g.add(a, b),
  },
  {
    name: "Add outer broadcast",
    inputs: [
      { name: "a", shape: [2, 1] },
      { name: "b", shape: [1, 3] },
    ],
    build: (g, [a, b]) => g.add(a, b),
  },
  {
    name: "Add symbolic dims (runtime unbroadcast)",
    inputs: [
      { name: "a", shape: [2, 1], symbolicShape: ["n", "one"] },
      { name: "b", shape: [1, 3], symbolicShape: ["one2", "m"] },
    ],
    build: (g, [a, b]) => g.add(a, b),
  },
  {
    name: "Add unknown rank (runtime unbroadcast)",
    inputs: [
      { name: "a", shape: [2, 3] },
      { name: "b", shape: [3] },
    ],
    build: (g, [a, b]) => g.add(g.op1("Identity", [a]), b),
  },
  {
    name: "Sub broadcast",
    inputs: [
      { name: "a", shape: [3] },
      { name: "b", shape: [2, 3] },
    ],
    build: (g, [a, b]) => g.sub(a, b),
  },
  {
    name: "Mul broadcast",
    inputs: [
      { name: "a", shape: [2, 3] },
      { name: "b", shape: [2, 1] },
    ],
    build: (g, [a, b]) => g.mul(a, b),
  },
  {
    name: "Div broadcast",
    inputs: [
      { name: "a", shape: [2, 3] },
      { name: "b", shape: [3], data: pos(3) },
    ],
    build: (g, [a, b]) => g.div(a, b),
  },
  { name: "Pow constant exponent", inputs: [{ name: "x", shape: [2, 3], data: pos(6) }], build: (g, [x]) => g.pow(x, 3) },
  { name: "Pow square", inputs: [{ name: "x", shape: [4] }], build: (g, [x]) => g.pow(x, 2) },
  {
    name: "Pow tensor exponent",
    inputs: [
      { name: "x", shape: [2, 3], data: pos(6) },
      { name: "p", shape: [3] },
    ],
    build: (g, [x, p]) => g.pow(x, p),
  },
  {
    name: "Sum (n-ary)",
    inputs: [
      { name: "a", shape: [2, 3] },
      { name: "b", shape: [3] },
      { name: "c", shape: [2, 1] },
    ],
    build: (g, [a, b, c]) => g.sum([a, b, c]),
  },
  {
    name: "Max broadcast",
    inputs: [
      { name: "a", shape: [2, 3], data: spread(6) },
      { name: "b", shape: [3], data: [0.1, -0.2, 0.33] },
    ],
    build: (g, [a, b]) => g.max(a, b),
  },
  {
    name: "Min broadcast",
    inputs: [
      { name: "a", shape: [2, 3], data: spread(6) },
      { name: "b", shape: [3], data: [0.1, -0.2, 0.33] },
    ],
    build: (g, [a, b]) => g.min(a, b),
  },
  // Unary
  { name: "Neg", inputs: [{ name: "x", shape: [2, 3] }], build: (g, [x]) => g.neg(x) },
  { name: "Exp", inputs: [{ name: "x", shape: [2, 3] }], build: (g, [x]) => g.exp(x) },
  { name: "Log", inputs: [{ name: "x", shape: [2, 3], data: pos(6) }], build: (g, [x]) => g.log(x) },
  { name: "Sqrt", inputs: [{ name: "x", shape: [2, 3], data: pos(6) }], build: (g, [x]) => g.sqrt(x) },
  { name: "Reciprocal", inputs: [{ name: "x", shape: [5], data: pos(5) }], build: (g, [x]) => g.reciprocal(x) },
  { name: "Tanh", inputs: [{ name: "x", shape: [2, 3] }], build: (g, [x]) => g.tanh(x) },
  { name: "Sigmoid", inputs: [{ name: "x", shape: [2, 3] }], build: (g, [x]) => g.sigmoid(x) },
  { name: "Softplus", inputs: [{ name: "x", shape: [2, 3] }], build: (g, [x]) => g.softplus(x) },
  { name: "Relu", inputs: [{ name: "x", shape: [6], data: spread(6) }], build: (g, [x]) => g.relu(x) },
  { name: "Abs", inputs: [{ name: "x", shape: [6], data: spread(6) }], build: (g, [x]) => g.abs(x) },
  { name: "Erf (float32)", inputs: [{ name: "x", shape: [5] }], build: (g, [x]) => g.erf(x), opts: { dtype: "float32" } },
  { name: "Identity", inputs: [{ name: "x", shape: [3] }], build: (g, [x]) => g.identity(x) },
  // Piecewise constant: zero gradient away from the steps (x * f(x), so that a rule passing dy on shows).
  ...(["Sign", "Floor", "Ceil", "Round"] as const).map((op): Case => ({
    name: `${op} (zero gradient)`,
    inputs: [{ name: "x", shape: [6], data: spread(6) }],
    build: (g, [x]) => g.mul(x, g.op1(op, [x], {}, { shapes: [x.shape] })),
  })),
  {
    name: "Cast float32 -> float64 (float32 check)",
    inputs: [{ name: "x", shape: [3] }],
    build: (g, [x]) => g.exp(g.cast(x, "float64")),
    opts: { dtype: "float32" },
  },
  {
    name: "Cast float64 -> float32 -> float64",
    inputs: [{ name: "x", shape: [3] }],
    build: (g, [x]) => g.cast(g.mul(g.cast(x, "float32"), 2), "float64"),
    opts: { rtol: 1e-3, atol: 1e-4, eps: 1e-3 },
  },
  { name: "Clip constant bounds", inputs: [{ name: "x", shape: [6], data: spread(6) }], build: (g, [x]) => g.clip(x, -0.3, 0.4) },
  {
    name: "Clip tensor bounds",
    inputs: [
      { name: "x", shape: [6], data: spread(6) },
      { name: "lo", shape: [], data: [-0.3] },
      { name: "hi", shape: [], data: [0.4] },
    ],
    build: (g, [x, lo, hi]) => g.clip(x, lo, hi),
  },
  // Softmax family
  { name: "Softmax last axis", inputs: [{ name: "x", shape: [2, 4] }], build: (g, [x]) => g.softmax(x) },
  { name: "Softmax axis 1 of 3", inputs: [{ name: "x", shape: [2, 3, 2] }], build: (g, [x]) => g.softmax(x, 1) },
  { name: "LogSoftmax", inputs: [{ name: "x", shape: [2, 4] }], build: (g, [x]) => g.logSoftmax(x) },
  // Reductions
  { name: "ReduceSum axis, no keepdims", inputs: [{ name: "x", shape: [2, 3, 2] }], build: (g, [x]) => g.reduceSum(x, [1], false) },
  { name: "ReduceSum all", inputs: [{ name: "x", shape: [2, 3] }], build: (g, [x]) => g.reduceSum(x) },
  { name: "ReduceSum runtime axes", inputs: [{ name: "x", shape: [2, 3, 2] }], build: (g, [x]) => g.reduceSum(x, g.op1("Identity", [g.ints([-1])]), false) },
  { name: "ReduceMean two axes", inputs: [{ name: "x", shape: [2, 3, 2] }], build: (g, [x]) => g.reduceMean(x, [0, 2], true) },
  { name: "ReduceMean symbolic", inputs: [{ name: "x", shape: [2, 3], symbolicShape: ["n", "m"] }], build: (g, [x]) => g.reduceMean(x, [-1], false) },
  { name: "ReduceMax", inputs: [{ name: "x", shape: [2, 3], data: spread(6) }], build: (g, [x]) => g.reduceMax(x, [-1], false) },
  { name: "ReduceMin", inputs: [{ name: "x", shape: [2, 3], data: spread(6) }], build: (g, [x]) => g.reduceMin(x, [0], true) },
  { name: "ReduceLogSumExp", inputs: [{ name: "x", shape: [2, 3] }], build: (g, [x]) => g.reduceLogSumExp(x, [1], false) },
  // Indexing
  { name: "Gather embedding rows (repeats)", inputs: [{ name: "wte", shape: [4, 3] }], build: (g, [w]) => g.gather(w, i64(g, [1, 3, 1, 0, 1, 2], [2, 3])) },
  { name: "Gather axis 1", inputs: [{ name: "x", shape: [2, 4, 3] }], build: (g, [x]) => g.gather(x, i64(g, [0, 3, 3, 1], [2, 2]), 1) },
  { name: "Gather scalar index, negative", inputs: [{ name: "x", shape: [3, 2] }], build: (g, [x]) => g.gather(x, g.constant([-1], [], "int64"), 0) },
  { name: "GatherElements", inputs: [{ name: "x", shape: [2, 3] }], build: (g, [x]) => g.gatherElements(x, i64(g, [2, 2, 0, 1], [2, 2]), 1) },
  {
    name: "ScatterElements",
    inputs: [
      { name: "x", shape: [2, 3] },
      { name: "u", shape: [2, 1] },
    ],
    build: (g, [x, u]) => g.scatterElements(x, i64(g, [1, 2], [2, 1]), u, 1),
  },
  {
    name: "ScatterND add",
    inputs: [
      { name: "x", shape: [3, 2] },
      { name: "u", shape: [2, 2] },
    ],
    build: (g, [x, u]) => g.scatterND(x, i64(g, [2, 2], [2, 1]), u, "add"),
  },
  // Shape ops
  { name: "Reshape", inputs: [{ name: "x", shape: [2, 3] }], build: (g, [x]) => g.mul(g.reshape(x, [3, 2]), g.constant([1, 2, 3, 4, 5, 6], [3, 2], x.dtype)) },
  { name: "Transpose", inputs: [{ name: "x", shape: [2, 3, 4] }], build: (g, [x]) => g.transpose(x, [2, 0, 1]) },
  { name: "Transpose default perm", inputs: [{ name: "x", shape: [2, 3] }], build: (g, [x]) => g.transpose(x) },
  { name: "Slice static", inputs: [{ name: "x", shape: [3, 4] }], build: (g, [x]) => g.slice(x, [1, -3], [3, 100], [0, 1]) },
  {
    name: "Slice symbolic dims (runtime pads)",
    inputs: [{ name: "x", shape: [3, 4], symbolicShape: ["n", "m"] }],
    build: (g, [x]) => g.slice(x, [-2], [2 ** 62], [1]),
  },
  { name: "Slice with steps", inputs: [{ name: "x", shape: [3, 5] }], build: (g, [x]) => g.slice(x, [0, 4], [3, 0], [0, 1], [2, -2]) },
  {
    name: "Concat",
    inputs: [
      { name: "a", shape: [2, 1] },
      { name: "b", shape: [2, 3] },
    ],
    build: (g, [a, b]) => g.concat([a, b, a], 1),
  },
  {
    name: "Concat symbolic",
    inputs: [
      { name: "a", shape: [2, 2], symbolicShape: [2, "k"] },
      { name: "b", shape: [2, 3] },
    ],
    build: (g, [a, b]) => g.concat([a, b], -1),
  },
  {
    name: "Split sizes (one part unused)",
    inputs: [{ name: "x", shape: [2, 6] }],
    build: (g, [x]) => {
      const [p, , r] = g.split(x, [1, 2, 3], 1);
      return g.concat([g.mul(p, 2), r], 1);
    },
  },
  {
    name: "Split num_outputs",
    inputs: [{ name: "x", shape: [4, 3] }],
    build: (g, [x]) => {
      const [p, q] = g.split(x, 2, 0);
      return g.mul(p, q);
    },
  },
  { name: "Flatten axis 2", inputs: [{ name: "x", shape: [2, 3, 4] }], build: (g, [x]) => g.op1("Flatten", [x], { axis: 2 }, { shapes: [[6, 4]] }) },
  { name: "Flatten axis 0", inputs: [{ name: "x", shape: [2, 3] }], build: (g, [x]) => g.op1("Flatten", [x], { axis: 0 }, { shapes: [[1, 6]] }) },
  { name: "Unsqueeze / Squeeze", inputs: [{ name: "x", shape: [2, 3] }], build: (g, [x]) => g.squeeze(g.mul(g.unsqueeze(x, [0, 2]), 3), [0]) },
  { name: "Expand", inputs: [{ name: "x", shape: [3, 1] }], build: (g, [x]) => g.expand(x, [2, 3, 4]) },
  {
    name: "Where",
    inputs: [
      { name: "a", shape: [2, 3] },
      { name: "b", shape: [3] },
    ],
    build: (g, [a, b]) => g.where(g.constant([1, 0, 1, 0, 0, 1], [2, 3], "bool"), a, b),
  },
  { name: "Trilu lower (causal mask style)", inputs: [{ name: "x", shape: [3, 3] }], build: (g, [x]) => g.trilu(x, false) },
  { name: "CumSum", inputs: [{ name: "x", shape: [2, 3] }], build: (g, [x]) => g.cumSum(x, 1) },
  // Custom ops (com.microsoft), registered by their module
  {
    name: "FastGelu with bias (float32)",
    inputs: [
      { name: "x", shape: [4, 5] },
      { name: "b", shape: [5] },
    ],
    build: (g, [x, b]) => fastGelu(g, x, b),
    opts: { dtype: "float32", eps: 1e-2, rtol: 2e-2, atol: 2e-3 },
  },
  // Normalization
  {
    name: "LayerNormalization",
    inputs: [
      { name: "x", shape: [2, 3, 4] },
      { name: "w", shape: [4] },
      { name: "b", shape: [4] },
    ],
    build: (g, [x, w, b]) => g.layerNormalization(x, w, b, -1, 1e-5),
  },
  {
    name: "LayerNormalization over two axes",
    inputs: [
      { name: "x", shape: [2, 3, 2] },
      { name: "w", shape: [3, 2] },
      { name: "b", shape: [3, 2] },
    ],
    build: (g, [x, w, b]) => g.layerNormalization(x, w, b, 1, 1e-5),
  },
  // Structure: fan-out, losses
  { name: "fan-out x*x + exp(x) + x", inputs: [{ name: "x", shape: [3] }], build: (g, [x]) => g.add(g.add(g.mul(x, x), g.exp(x)), x) },
  {
    name: "cross-entropy (logSoftmax + GatherElements + mask)",
    inputs: [{ name: "logits", shape: [2, 3, 5] }],
    build: (g, [z]) => {
      const targets = i64(g, [1, 4, 0, 2, 2, 3], [2, 3, 1]);
      const mask = g.constant([1, 1, 0, 1, 0, 1], [2, 3], z.dtype);
      const nll = g.neg(g.squeeze(g.gatherElements(g.logSoftmax(z), targets, 2), [2]));
      return g.div(g.reduceSum(g.mul(nll, mask)), g.reduceSum(mask));
    },
  },
  {
    name: "Bradley-Terry loss -log sigmoid(r_w - r_l) via softplus",
    inputs: [{ name: "r", shape: [4] }],
    build: (g, [r]) => {
      const chosen = g.gather(r, i64(g, [0, 0, 1], [3]));
      const rejected = g.gather(r, i64(g, [1, 2, 3], [3]));
      return g.reduceMean(g.softplus(g.neg(g.sub(chosen, rejected))));
    },
  },
];

const root = join(__dirname, "..", "..", "..", "..");

/** The op types of a case's forward graph that lie on a path from a checked input to its output. */
function opsOnGradientPaths(c: Case): Set<string> {
  const g = new Graph();
  const xs = c.inputs.map((inp) => g.input(inp.name, c.opts?.dtype ?? "float64", inp.symbolicShape ?? inp.shape));
  const y = c.build(g, xs);
  const fromInputs = new Set<Value>(xs);
  const reached: Node[] = [];
  for (const node of g.nodes) {
    if (!node.inputs.some((v) => v && fromInputs.has(v))) continue;
    reached.push(node);
    for (const out of node.outputs) fromInputs.add(out);
  }
  const toOutput = new Set<Value>([y]);
  const ops = new Set<string>();
  for (const node of reached.reverse()) {
    if (!node.outputs.some((v) => toOutput.has(v))) continue;
    ops.add(node.opType);
    for (const v of node.inputs) if (v) toOutput.add(v);
  }
  return ops;
}

/** Every module under lib/ that adds to the gradient-rules table (`gradientRules.Op = …`). */
function ruleModules(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry) && /\bgradientRules(\.\w+|\[[^\]]+\])\s*=[^=]/.test(readFileSync(path, "utf8"))) found.push(path);
    }
  };
  walk(join(root, "lib"));
  return found.map((p) => relative(root, p));
}

describe("gradient rules vs central finite differences", () => {
  it("every rule in the table has a finite-difference case below", async () => {
    const modules = ruleModules();
    expect(modules).toContain("lib/ml/nn/fast-gelu.ts");
    for (const m of modules) await import(pathToFileURL(join(root, m)).href);
    const covered = new Set(cases.flatMap((c) => [...opsOnGradientPaths(c)]));
    const rules = Object.keys(gradientRules).sort();
    expect(rules.length).toBeGreaterThan(40);
    const missing = rules.filter((op) => !covered.has(op));
    expect(missing, `gradient rules without a finite-difference case: ${missing.join(", ")}`).toEqual([]);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const res = await gradcheck(c.build, c.inputs, c.opts);
      expect(res.ok, res.message).toBe(true);
      expect(res.checked.flat().length).toBeGreaterThan(0);
    });
  }
});
