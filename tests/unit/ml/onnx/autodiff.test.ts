import { describe, expect, it } from "vitest";
import { backward } from "@/lib/ml/onnx/autodiff";
import { gradcheck } from "@/lib/ml/onnx/gradcheck";
import { gradientRules } from "@/lib/ml/onnx/gradients";
import { Graph, type Value } from "@/lib/ml/onnx/graph";
import { Session } from "@/lib/ml/onnx/session";
import { f32, float32, int64 } from "@/lib/ml/onnx/tensor";

async function run(g: Graph, feeds: Record<string, ReturnType<typeof float32>>): Promise<Record<string, number[]>> {
  const s = await Session.create(g.toOnnx(), { intraOpNumThreads: 1 });
  const out = await s.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Array.from(f32(t))]));
}

describe("backward", () => {
  it("gives zeros for a parameter that does not reach the loss", async () => {
    const g = new Graph();
    const x = g.param("x", [2]);
    const unused = g.param("unused", [3]);
    const loss = g.reduceSum(g.mul(x, x), null, false);
    const [dx, du] = backward(g, loss, [x, unused]);
    g.output(dx, "dx");
    g.output(g.identity(du), "du");
    const out = await run(g, { x: float32([1, -2], [2]), unused: float32([5, 5, 5], [3]) });
    expect(out.dx).toEqual([2, -4]);
    expect(out.du).toEqual([0, 0, 0]);
  });

  it("stops at stopGradient and at integer paths", async () => {
    const g = new Graph();
    const x = g.param("x", [3]);
    // argmax is an int path; stopGradient(x) is a constant for autodiff.
    const picked = g.gather(x, g.argMax(x, 0, true));
    const loss = g.add(g.reduceSum(g.mul(x, g.stopGradient(x)), null, false), g.reduceSum(picked, null, false));
    const [dx] = backward(g, loss, [x]);
    g.output(dx, "dx");
    const out = await run(g, { x: float32([1, 3, 2], [3]) });
    expect(out.dx).toEqual([1, 4, 2]);
  });

  it("differentiates with respect to an intermediate value and accumulates fan-out", async () => {
    const g = new Graph();
    const x = g.param("x", [2]);
    const h = g.mul(x, 3);
    const loss = g.reduceSum(g.add(g.mul(h, h), h), null, false); // d/dh = 2h + 1
    const [dh, dx] = backward(g, loss, [h, x]);
    g.output(dh, "dh");
    g.output(dx, "dx");
    const out = await run(g, { x: float32([1, 2], [2]) });
    expect(out.dh).toEqual([7, 13]);
    expect(out.dx).toEqual([21, 39]);
    expect(g.nodes.filter((n) => n.opType === "Sum").length).toBe(1);
  });

  it("uses a given seed gradient", async () => {
    const g = new Graph();
    const x = g.param("x", [2]);
    const y = g.mul(x, x);
    const [dx] = backward(g, y, [x], { seed: g.constant([10, 100], [2], "float32") });
    g.output(dx, "dx");
    const out = await run(g, { x: float32([1, 2], [2]) });
    expect(out.dx).toEqual([20, 400]);
  });

  it("names the op that has no gradient rule", () => {
    const g = new Graph();
    const x = g.param("x", [2]);
    const y = g.op1("Sin", [x], {}, { shapes: [[2]] });
    expect(() => backward(g, g.reduceSum(y), [x])).toThrow(/no gradient rule for Sin/);
  });

  it("gradcheck catches a wrong rule and accepts the right one", async () => {
    const build = (g: Graph, [x]: Value[]): Value => g.op1("Sin", [x], {}, { shapes: [x.shape] });
    const inputs = [{ name: "x", shape: [4] }];
    try {
      gradientRules.Sin = (g, node, dys) => [g.mul(dys[0]!, g.op1("Cos", [node.inputs[0]!]))];
      expect((await gradcheck(build, inputs)).ok).toBe(true);
      gradientRules.Sin = (g, node, dys) => [g.mul(dys[0]!, g.op1("Sin", [node.inputs[0]!]))];
      const bad = await gradcheck(build, inputs);
      expect(bad.ok).toBe(false);
      expect(bad.message).toMatch(/FAILED/);
    } finally {
      delete gradientRules.Sin;
    }
  });
});

/** A GPT-2 style block (pre-LN attention with a causal mask, gelu_new MLP), symbolic batch/seq. */
function block(g: Graph, [x, lnw, lnb, wqkv, bqkv, wo, wfc, wproj]: Value[], heads: number): Value {
  const C = x.shape![2] as number;
  const hd = C / heads;
  const h = g.layerNormalization(x, lnw, lnb, -1, 1e-5);
  const qkv = g.add(g.matmul(h, wqkv), bqkv);
  const [q, k, v] = g.split(qkv, [C, C, C], -1).map((t) => g.transpose(g.reshape(t, [0, 0, heads, hd]), [0, 2, 1, 3]));
  let att = g.mul(g.matmul(q, g.transposeLast2(k)), 1 / Math.sqrt(hd));
  const T = g.shape(x, 1, 2);
  const lower = g.trilu(g.constantOfShape(g.concat([T, T], 0), 1, x.dtype), false);
  att = g.where(g.equal(lower, 0), -1e9, att);
  const y = g.reshape(g.transpose(g.matmul(g.softmax(att, -1), v), [0, 2, 1, 3]), [0, 0, C]);
  const x1 = g.add(x, g.matmul(y, wo));
  const f = g.matmul(x1, wfc);
  const gelu = g.mul(g.mul(f, 0.5), g.add(1, g.tanh(g.mul(g.add(f, g.mul(g.pow(f, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));
  return g.add(x1, g.matmul(gelu, wproj));
}

describe("a transformer block end to end", () => {
  const C = 4;
  const inputs = [
    { name: "x", shape: [2, 3, C], symbolicShape: ["batch", "seq", C] },
    { name: "ln.weight", shape: [C] },
    { name: "ln.bias", shape: [C] },
    { name: "c_attn.weight", shape: [C, 3 * C] },
    { name: "c_attn.bias", shape: [3 * C] },
    { name: "attn.c_proj.weight", shape: [C, C] },
    { name: "c_fc.weight", shape: [C, 2 * C] },
    { name: "mlp.c_proj.weight", shape: [2 * C, C] },
  ];

  it("matches finite differences in float64", async () => {
    const res = await gradcheck((g, xs) => block(g, xs, 2), inputs, { maxElements: 12 });
    expect(res.ok, res.message).toBe(true);
  });

  it("matches finite differences in float32 with ORT's full optimizations", async () => {
    const res = await gradcheck((g, xs) => block(g, xs, 2), inputs, { dtype: "float32", maxElements: 6, eps: 1e-2 });
    expect(res.ok, res.message).toBe(true);
  });

  it("embeds token ids and trains toward a target (loss decreases)", async () => {
    const g = new Graph();
    const ids = g.input("ids", "int64", ["batch", "seq"]);
    const wte = g.param("wte", [5, 3]);
    const logits = g.matmul(g.gather(wte, ids), g.transpose(wte));
    const targets = g.input("targets", "int64", ["batch", "seq"]);
    const nll = g.neg(g.gatherElements(g.logSoftmax(logits), g.unsqueeze(targets, [-1]), 2));
    const loss = g.output(g.reduceMean(nll, null, false), "loss");
    const [dw] = backward(g, loss, [wte]);
    g.output(g.sub(wte, g.mul(dw, 0.5)), "new_wte");
    const s = await Session.create(g.toOnnx());
    let w: Float32Array = Float32Array.from({ length: 15 }, (_, i) => Math.sin(i));
    const feeds = { ids: int64([0, 1, 2, 3], [1, 4]), targets: int64([1, 2, 3, 4], [1, 4]) };
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      const out = await s.run({ ...feeds, wte: float32(w, [5, 3]) });
      losses.push(f32(out.loss)[0]);
      w = f32(out.new_wte);
    }
    expect(losses[29]).toBeLessThan(losses[0] * 0.7);
  });
});
