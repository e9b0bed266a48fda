import { describe, expect, it } from "vitest";
import { Graph } from "@/lib/ml/onnx/graph";
import { Session } from "@/lib/ml/onnx/session";
import { OrtTensor, f32, float32, i64, int64 } from "@/lib/ml/onnx/tensor";

describe("Graph + Session", () => {
  it("runs an embedding + matmul + bias graph with symbolic dims", async () => {
    const g = new Graph();
    const ids = g.input("input_ids", "int64", ["batch", "seq"]);
    const wte = g.param("wte", [4, 3]);
    const w = g.param("w", [3, 2]);
    const b = g.param("b", [2]);
    const x = g.gather(wte, ids);
    expect(x.shape).toEqual(["batch", "seq", 3]);
    const y = g.add(g.matmul(x, w), b);
    expect(y.shape).toEqual(["batch", "seq", 2]);
    const z = g.mul(y, 0.5);
    g.output(z, "out");
    g.output(g.shape(z), "shape");
    const s = await Session.create(g.toOnnx(), { intraOpNumThreads: 1 });
    expect([...s.inputNames].sort()).toEqual(["b", "input_ids", "w", "wte"]);
    const wteD = Float32Array.from({ length: 12 }, (_, i) => i);
    const wD = Float32Array.from([1, 0, 0, 1, 1, 1]);
    const bD = Float32Array.from([10, 20]);
    const out = await s.run({
      input_ids: int64([3, 0, 1], [1, 3]),
      wte: float32(wteD, [4, 3]),
      w: float32(wD, [3, 2]),
      b: float32(bD, [2]),
    });
    // row r of wte = [3r, 3r+1, 3r+2]; times w = [x0 + x2, x1 + x2]
    const expected: number[] = [];
    for (const r of [3, 0, 1]) {
      const [a0, a1, a2] = [3 * r, 3 * r + 1, 3 * r + 2];
      expected.push((a0 + a2 + 10) / 2, (a1 + a2 + 20) / 2);
    }
    expect(Array.from(f32(out.out))).toEqual(expected);
    expect(out.out.dims).toEqual([1, 3, 2]);
    expect(Array.from(i64(out.shape), Number)).toEqual([1, 3, 2]);
  });

  it("drops dead nodes and bakes params as initializers", async () => {
    const g = new Graph();
    const x = g.input("x", "float32", ["n"]);
    const p = g.param("p", [1]);
    g.exp(x); // dead
    g.output(g.add(x, p), "y");
    const bytes = g.toOnnx({ paramValues: { p: Float32Array.from([2]) } });
    const s = await Session.create(bytes);
    expect(s.inputNames).toEqual(["x"]);
    const out = await s.run({ x: float32([1, 2], [2]) });
    expect(Array.from(f32(out.y))).toEqual([3, 4]);
  });

  it("infers reshape, transpose, slice, split and concat shapes", () => {
    const g = new Graph();
    const x = g.input("x", "float32", ["batch", "seq", 12]);
    const h = g.reshape(x, [0, 0, 3, 4]);
    expect(h.shape).toEqual(["batch", "seq", 3, 4]);
    expect(g.transpose(h, [0, 2, 1, 3]).shape).toEqual(["batch", 3, "seq", 4]);
    expect(g.reshape(x, [-1, 12]).shape).toEqual([null, 12]);
    expect(g.reshape(g.input("y", "float32", [2, "seq", 6]), [-1, 6]).shape).toEqual([null, 6]);
    expect(g.reshape(g.input("z", "float32", [2, "seq", 6]), [2, -1, 6]).shape).toEqual([2, "seq", 6]);
    const [q, k, v] = g.split(x, [4, 4, 4], -1);
    expect(q.shape).toEqual(["batch", "seq", 4]);
    expect(g.concat([q, k, v], 2).shape).toEqual(["batch", "seq", 12]);
    expect(g.slice(x, [1], [5], [2]).shape).toEqual(["batch", "seq", 4]);
    expect(g.reduceSum(x, [-1], false).shape).toEqual(["batch", "seq"]);
    expect(g.expand(g.param("bias", [12]), g.shape(x)).shape).toEqual(["batch", "seq", 12]);
  });

  it("saturates int64 bounds past 2^63 (slice to the end)", async () => {
    const g = new Graph();
    const x = g.input("x", "float32", ["n"]);
    g.output(g.slice(x, [1], [Number.MAX_VALUE]), "y");
    const s = await Session.create(g.toOnnx());
    const out = await s.run({ x: float32([1, 2, 3], [3]) });
    expect(Array.from(f32(out.y))).toEqual([2, 3]);
  });

  it("serializes float64 graphs and large constants", async () => {
    const g = new Graph();
    const x = g.input("x", "float64", [2]);
    const big = g.constant(
      Float64Array.from({ length: 300_000 }, (_, i) => i),
      [300_000],
      "float64",
    );
    g.output(g.add(x, g.reduceSum(big, null, false)), "y");
    const s = await Session.create(g.toOnnx());
    const out = await s.run({ x: new OrtTensor("float64", Float64Array.from([0, 1]), [2]) });
    expect(Array.from(out.y.data as Float64Array)).toEqual([44999850000, 44999850001]);
  });
});
