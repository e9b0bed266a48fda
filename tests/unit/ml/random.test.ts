import { describe, expect, it } from "vitest";
import { Random } from "@/lib/ml/random";

describe("Random", () => {
  it("is reproducible from a seed and differs across seeds", () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const xs = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it("resumes the same stream from a saved state, spare normal included", () => {
    const a = new Random(7);
    a.normal();
    const saved = JSON.parse(JSON.stringify(a.state()));
    const rest = [a.normal(), a.uniform(), a.int(10), a.normal()];
    const b = Random.fromState(saved);
    expect([b.normal(), b.uniform(), b.int(10), b.normal()]).toEqual(rest);
  });

  it("draws uniforms in [0, 1) and integers in [0, n) covering the range", () => {
    const r = new Random(1);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      seen.add(r.int(7));
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(() => r.int(0)).toThrow();
  });

  it("draws normals with the requested mean and standard deviation", () => {
    const out = new Random(3).fillNormal(new Float32Array(100_000), 1, 0.02);
    let mean = 0;
    for (const x of out) mean += x;
    mean /= out.length;
    let v = 0;
    for (const x of out) v += (x - mean) ** 2;
    const std = Math.sqrt(v / out.length);
    expect(mean).toBeCloseTo(1, 3);
    expect(Math.abs(std - 0.02)).toBeLessThan(0.0005);
  });

  it("fills arrays with the same values as repeated normal() calls, odd lengths and a pending spare included", () => {
    for (const [skip, n] of [
      [0, 7],
      [1, 6],
      [1, 1],
      [0, 0],
    ] as const) {
      const a = new Random(11);
      const b = new Random(11);
      for (let i = 0; i < skip; i++) {
        a.normal();
        b.normal();
      }
      const filled = a.fillNormal(new Float32Array(n), 0.5, 2);
      const one = Float32Array.from({ length: n }, () => b.normal(0.5, 2));
      expect(filled).toEqual(one);
      expect(a.normal()).toBe(b.normal());
    }
  });

  it("shuffles as a permutation", () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new Random(9).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
  });
});
