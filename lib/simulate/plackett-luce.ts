// Plackett–Luce rankings by the Gumbel-max trick: with utilities u_i = score_i / β, sorting
// the items by u_i + G_i (G_i independent standard Gumbel draws) gives a ranking whose
// probability is the Plackett–Luce one, ∏_k e^{u_(k)} / Σ_{j ≥ k} e^{u_(j)}. So item i is
// ranked first with probability softmax(u)_i; larger β (--noise) is noisier, β → ∞ uniform.
// β = 0 is the noise-free order: sorted by score, equal scores tied in one group.

export { mulberry32 } from "../ml/random";

/** A 32-bit seed mixed from several integers (so each annotator × task has its own stream). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    let x = Math.floor(p) >>> 0;
    for (let i = 0; i < 4; i++) {
      h ^= x & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
      x >>>= 8;
    }
  }
  return h >>> 0;
}

/** A standard Gumbel draw: −log(−log U). */
export function gumbel(random: () => number): number {
  let u = random();
  while (u <= 0) u = random();
  return -Math.log(-Math.log(u));
}

/**
 * The noise-free ranking: item indices grouped by equal score, best group first (indices in
 * ascending order within a group).
 */
export function oracleOrder(scores: readonly number[]): number[][] {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const groups: number[][] = [];
  for (const i of idx) {
    const last = groups[groups.length - 1];
    if (last && scores[last[0]] === scores[i]) last.push(i);
    else groups.push([i]);
  }
  return groups;
}

/**
 * A Plackett–Luce ranking of the items with utilities scores / beta, as groups of item
 * indices best first. beta = 0 gives oracleOrder(scores) (ties kept); beta > 0 gives a strict
 * order (one item per group).
 */
export function samplePlackettLuce(scores: readonly number[], beta: number, random: () => number): number[][] {
  if (!(beta >= 0) || !Number.isFinite(beta)) throw new Error(`noise must be a finite number ≥ 0, got ${beta}`);
  if (beta === 0) return oracleOrder(scores);
  const keys = scores.map((s) => s / beta + gumbel(random));
  return keys
    .map((_, i) => i)
    .sort((a, b) => keys[b] - keys[a] || a - b)
    .map((i) => [i]);
}

/**
 * The ranking a person would submit: completions with the same text (whitespace aside) cannot
 * be told apart, so they are tied, in the group of the better-placed copy.
 */
export function tieIdentical(groups: readonly (readonly number[])[], texts: readonly string[]): number[][] {
  const key = (i: number) => texts[i].replace(/\s+/g, " ").trim();
  const groupOfText = new Map<string, number[]>();
  const out: number[][] = [];
  for (const group of groups) {
    const next: number[] = [];
    for (const i of group) {
      const same = groupOfText.get(key(i));
      if (same) same.push(i);
      else {
        next.push(i);
        groupOfText.set(key(i), next);
      }
    }
    if (next.length > 0) out.push(next);
  }
  return out.map((g) => g.sort((a, b) => a - b));
}
