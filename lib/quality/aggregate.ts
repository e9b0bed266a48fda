// One ranking per task from several annotators' rankings: Borda count and Kemeny.
//
// Both read the annotators through one pairwise matrix. For completions a and b,
//
//   P[a][b] = (annotators who put a in a better group than b) + ½ (annotators who tied them)
//
// counting only the rankings that hold both a and b (a completion missing from a ranking takes
// part in none of its pairs). Rankings are groups of completion ids, best first, ties sharing a
// group; so are the results.
//
// Borda: a completion's points from one ranking are the completions ranked strictly below it
// plus half the others tied with it; its score is the sum over the annotators, i.e.
// Σ_b P[a][b]. Completions are ordered by score; equal scores share a group.
//
// Kemeny: the ranking, ties allowed, with the least total Kendall distance to the annotators'
// rankings. The distance between two rankings with ties (Kemeny & Snell 1962) counts each pair
// of completions: 1 when the two order it oppositely, ½ when one ties it and the other does not,
// 0 when they agree. So putting a above b costs P[b][a], and tying them costs ½ × (annotators
// who did not tie them). The exact minimum comes from dynamic programming over subsets: the
// cheapest ranking of a set S of completions picks its first group B ⊆ S and ranks S \ B after
// it, cost(S) = min_B [ within(B) + Σ_{a∈B, b∈S\B} P[b][a] + cost(S \ B) ] — 3^n steps, so
// exact up to KEMENY_MAX_COMPLETIONS = 12 completions (Palate's tasks have at most 9).
// Tie-breaking among equally cheap rankings, group by group from the top: the larger group
// first (when the annotators cannot separate completions, the result ties them rather than
// inventing an order), then the higher Borda score of the group, then the smaller completion
// ids (compared in ascending order).

/** Completion ids in groups, best first; completions in one group are tied. */
export type Groups = readonly (readonly number[])[];

export const AGGREGATION_METHODS = ["borda", "kemeny"] as const;
export type AggregationMethod = (typeof AGGREGATION_METHODS)[number];

export const KEMENY_MAX_COMPLETIONS = 12;

interface PairMatrix {
  /** Completion ids, ascending. */
  ids: number[];
  /** prefer[a·n + b] = P[a][b] (indices into ids). */
  prefer: Float64Array;
  /** strict[a·n + b] = rankings that hold both a and b and do not tie them. */
  strict: Float64Array;
}

function pairMatrix(rankings: readonly Groups[]): PairMatrix {
  const idSet = new Set<number>();
  rankings.forEach((groups, r) => {
    const seen = new Set<number>();
    for (const group of groups) {
      for (const id of group) {
        if (seen.has(id)) throw new Error(`rankings[${r}]: completion ${id} appears twice`);
        seen.add(id);
        idSet.add(id);
      }
    }
  });
  const ids = [...idSet].sort((a, b) => a - b);
  const n = ids.length;
  const at = new Map(ids.map((id, i) => [id, i]));
  const prefer = new Float64Array(n * n);
  const strict = new Float64Array(n * n);
  for (const groups of rankings) {
    const placed: { i: number; g: number }[] = [];
    groups.forEach((group, g) => group.forEach((id) => placed.push({ i: at.get(id)!, g })));
    for (const x of placed) {
      for (const y of placed) {
        if (x.i === y.i) continue;
        if (x.g === y.g) prefer[x.i * n + y.i] += 0.5;
        else {
          if (x.g < y.g) prefer[x.i * n + y.i] += 1;
          strict[x.i * n + y.i] += 1;
        }
      }
    }
  }
  return { ids, prefer, strict };
}

/** Each completion's Borda score (strictly below + ½ tied, summed over the rankings), by id. */
export function bordaScores(rankings: readonly Groups[]): Map<number, number> {
  const { ids, prefer } = pairMatrix(rankings);
  const n = ids.length;
  return new Map(
    ids.map((id, a) => {
      let score = 0;
      for (let b = 0; b < n; b++) score += prefer[a * n + b];
      return [id, score];
    }),
  );
}

/** The Borda ranking: completions by score, best first; equal scores share a group (ids ascending). */
export function bordaRanking(rankings: readonly Groups[]): number[][] {
  const scores = bordaScores(rankings);
  const order = [...scores.keys()].sort((a, b) => scores.get(b)! - scores.get(a)! || a - b);
  const groups: number[][] = [];
  for (const id of order) {
    const last = groups[groups.length - 1];
    if (last && scores.get(last[0]) === scores.get(id)) last.push(id);
    else groups.push([id]);
  }
  return groups;
}

/** The total Kemeny–Snell (Kendall, ties ½) distance from `candidate` to the rankings. */
export function kendallDistanceTotal(candidate: Groups, rankings: readonly Groups[]): number {
  const groupOf = new Map<number, number>();
  candidate.forEach((group, g) => group.forEach((id) => groupOf.set(id, g)));
  let total = 0;
  for (const groups of rankings) {
    const placed: { id: number; g: number }[] = [];
    groups.forEach((group, g) => group.forEach((id) => placed.push({ id, g })));
    for (let x = 0; x < placed.length; x++) {
      for (let y = x + 1; y < placed.length; y++) {
        const cx = groupOf.get(placed[x].id);
        const cy = groupOf.get(placed[y].id);
        if (cx === undefined || cy === undefined) continue;
        const theirs = Math.sign(placed[x].g - placed[y].g);
        const ours = Math.sign(cx - cy);
        if (theirs !== ours) total += theirs === 0 || ours === 0 ? 0.5 : 1;
      }
    }
  }
  return total;
}

/** The Kemeny ranking (ties allowed), exact; see the header for the distance and the tie-breaking. */
export function kemenyRanking(rankings: readonly Groups[]): number[][] {
  const { ids, prefer, strict } = pairMatrix(rankings);
  const n = ids.length;
  if (n > KEMENY_MAX_COMPLETIONS) throw new Error(`Kemeny aggregation is exact up to ${KEMENY_MAX_COMPLETIONS} completions per task, got ${n}`);
  if (n === 0) return [];
  const full = (1 << n) - 1;
  // above[a][S]: the cost of putting a above every completion of S; tieCost[S]: of tying all of S.
  const above = Array.from({ length: n }, () => new Float64Array(1 << n));
  for (let a = 0; a < n; a++) {
    for (let s = 1; s <= full; s++) {
      const b = 31 - Math.clz32(s & -s);
      above[a][s] = above[a][s & (s - 1)] + (b === a ? 0 : prefer[b * n + a]);
    }
  }
  const tieCost = new Float64Array(1 << n);
  for (let s = 1; s <= full; s++) {
    const a = 31 - Math.clz32(s & -s);
    const rest = s & (s - 1);
    let added = 0;
    for (let b = 0; b < n; b++) {
      if (rest & (1 << b)) added += 0.5 * strict[a * n + b];
    }
    tieCost[s] = tieCost[rest] + added;
  }
  const borda = new Float64Array(n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) borda[a] += prefer[a * n + b];

  // cost[S]: the cheapest ranking of the completions in S (S ranked below everything else).
  const cost = new Float64Array(1 << n);
  const stepCost = (s: number, first: number) => {
    const after = s & ~first;
    let c = tieCost[first] + cost[after];
    for (let a = 0; a < n; a++) if (first & (1 << a)) c += above[a][after];
    return c;
  };
  for (let s = 1; s <= full; s++) {
    let best = Infinity;
    for (let first = s; first > 0; first = (first - 1) & s) best = Math.min(best, stepCost(s, first));
    cost[s] = best;
  }

  // Walk down from the full set, taking the first group by the tie-breaking rule among the cheapest.
  const members = (s: number) => ids.map((_, i) => i).filter((i) => s & (1 << i));
  const groups: number[][] = [];
  let s = full;
  while (s > 0) {
    let chosen = 0;
    for (let first = s; first > 0; first = (first - 1) & s) {
      if (Math.abs(stepCost(s, first) - cost[s]) > 1e-9) continue;
      if (chosen === 0 || preferGroup(members(first), members(chosen), borda)) chosen = first;
    }
    groups.push(members(chosen).map((i) => ids[i]));
    s &= ~chosen;
  }
  return groups;
}

/** Tie-breaking between two equally cheap first groups: larger, then higher Borda total, then smaller ids. */
function preferGroup(a: number[], b: number[], borda: Float64Array): boolean {
  if (a.length !== b.length) return a.length > b.length;
  const total = (g: number[]) => g.reduce((sum, i) => sum + borda[i], 0);
  const ta = total(a);
  const tb = total(b);
  if (Math.abs(ta - tb) > 1e-9) return ta > tb;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] < b[k];
  return false;
}

/** One task's aggregated ranking by `method`. */
export function aggregateRankings(method: AggregationMethod, rankings: readonly Groups[]): number[][] {
  return method === "borda" ? bordaRanking(rankings) : kemenyRanking(rankings);
}
