/**
 * A small seeded pseudo-random number generator for reproducible initialization,
 * data shuffling and sampling.
 *
 * The generator is xoshiro128** (Blackman & Vigna) on four 32-bit words, seeded by
 * splitmix32 from a single integer seed. Normal variates use the Box–Muller
 * transform (both outputs are used; the spare is cached). The full state, spare
 * included, can be read with `state()` and restored with `Random.fromState`, so a
 * resumed job continues the exact same stream.
 */

/** Serializable state of a {@link Random}: four uint32 words and the cached spare normal. */
export interface RandomState {
  s: [number, number, number, number];
  spare: number | null;
}

const TWO_POW_32 = 4294967296;

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * mulberry32: a tiny stateless-seeded generator of uniforms in [0, 1), for places that need a
 * cheap, reproducible stream per seed (shuffles, test inputs, simulated noise) rather than
 * {@link Random}'s resumable state.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  /** `seed` is any finite number; it is reduced to 32 bits (different seeds below 2^32 give different streams). */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Random: seed must be a finite number, got ${seed}`);
    const next = splitmix32(Math.floor(seed) >>> 0);
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  static fromState(state: RandomState): Random {
    const r = new Random(0);
    [r.s0, r.s1, r.s2, r.s3] = state.s.map((w) => w >>> 0) as [number, number, number, number];
    if ((r.s0 | r.s1 | r.s2 | r.s3) === 0) throw new Error("Random.fromState: all-zero state is invalid");
    r.spare = state.spare;
    return r;
  }

  state(): RandomState {
    return { s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }

  /** Next uniformly distributed uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 53 bits of precision. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n) without modulo bias; n must be a positive integer ≤ 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) throw new Error(`Random.int: n must be an integer in [1, 2^32], got ${n}`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal variate (Box–Muller), scaled: mean + std · N(0, 1). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u1 = this.uniform();
    while (u1 <= 0) u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  /** Fills `out` with N(mean, std²) variates and returns it (the same values as calling {@link normal} repeatedly). */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    let i = 0;
    if (out.length > 0 && this.spare !== null) out[i++] = this.normal(mean, std);
    // Pairs straight from Box–Muller, as normal() would produce them.
    for (; i + 1 < out.length; i += 2) {
      let u1 = this.uniform();
      while (u1 <= 0) u1 = this.uniform();
      const u2 = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      const theta = 2 * Math.PI * u2;
      out[i] = mean + std * r * Math.cos(theta);
      out[i + 1] = mean + std * r * Math.sin(theta);
    }
    if (i < out.length) out[i] = this.normal(mean, std);
    return out;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}
