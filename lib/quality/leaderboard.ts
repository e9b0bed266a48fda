// The model leaderboard: which model's completions the annotators prefer, as Bradley–Terry
// ratings on the Elo scale with 95% bootstrap intervals (Chatbot Arena's method, over rankings
// instead of battles).
//
// Every ranking implies a comparison for each pair of its completions: the one in the better
// group wins; two completions in the same group tie (half a win each). A pair is a comparison
// of their models; pairs of two completions of the same model say nothing about models and are
// skipped, and so are pairs where a completion has no model (the caller's modelOf says which).
// The ratings are fitBradleyTerry over all those comparisons (lib/quality/bradley-terry.ts).
//
// Intervals: a percentile bootstrap over rankings — draw as many rankings as there are, with
// replacement, refit, and take the 2.5% and 97.5% quantiles of each model's rating (each refit
// centred at 1000 again). Rankings are the unit because the comparisons within one ranking are
// not independent (they share the annotator, the task and the completions). Each ranking's
// comparisons are summed per pair of models once, and rankings with the same sums share one
// pattern, so a resample only counts how often it drew each pattern: 100k rankings cost a
// multinomial draw and a small weighted sum per resample, not 100k walks over pairs.
// Seeded (lib/ml/random's xoshiro128**): the same rankings and seed give the same intervals.
import { Random } from "../ml/random";
import { DEFAULT_PRIOR, eloRatings, fitLogStrengths } from "./bradley-terry";

/** A ranking: completion ids in groups, best first; completions in one group are tied. */
export interface RankedGroups {
  groups: readonly (readonly number[])[];
}

export interface LeaderboardOptions {
  /** Bootstrap resamples of the rankings (0 = no intervals). Default 200. */
  resamples?: number;
  /** Seed of the resampling. Default 0. */
  seed?: number;
  /** The Bradley–Terry prior α (virtual comparisons per model, see bradley-terry.ts). Default 1. */
  prior?: number;
}

export interface LeaderboardEntry {
  /** 1 = best. */
  rank: number;
  model: string;
  /** Bradley–Terry rating on the Elo scale, mean 1000 over the models listed. */
  rating: number;
  /** The 95% percentile bootstrap interval of the rating; null without resamples. */
  lower: number | null;
  upper: number | null;
  /** Comparisons with completions of other models (each pair of one ranking counts once). */
  comparisons: number;
  wins: number;
  losses: number;
  ties: number;
}

export interface Leaderboard {
  /** Best first. */
  models: LeaderboardEntry[];
  /** Rankings given, and those that held at least one comparison of two models. */
  rankings: number;
  rankingsUsed: number;
  /** Comparisons of two different models (the sum of the models' comparisons is twice this). */
  comparisons: number;
  /** Pairs left out: both completions from the same model, or one without a model. */
  sameModelPairs: number;
  unattributedPairs: number;
  bootstrap: { resamples: number; seed: number; level: number };
  prior: number;
}

export const DEFAULT_RESAMPLES = 200;
export const INTERVAL_LEVEL = 0.95;

/** The q-quantile of sorted values, interpolating linearly between order statistics (R's type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The leaderboard of the models behind `rankings`. `modelOf(completionId)` names a completion's
 * model; null or undefined leaves the completion's pairs out.
 */
export function computeLeaderboard(
  rankings: readonly RankedGroups[],
  modelOf: (completionId: number) => string | null | undefined,
  options: LeaderboardOptions = {},
): Leaderboard {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? 0;
  const prior = options.prior ?? DEFAULT_PRIOR;
  if (!Number.isInteger(resamples) || resamples < 0) throw new Error(`resamples must be an integer ≥ 0, got ${resamples}`);
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);

  // Models are numbered as first met; cells of the win matrix are filled once n is known, so
  // each ranking's contribution is first kept as (winner, loser, amount) on model numbers.
  const modelIndex = new Map<string, number>();
  const models: string[] = [];
  const tally: { wins: number; losses: number; ties: number; comparisons: number }[] = [];
  const indexOf = (name: string) => {
    let i = modelIndex.get(name);
    if (i === undefined) {
      i = models.length;
      modelIndex.set(name, i);
      models.push(name);
      tally.push({ wins: 0, losses: 0, ties: 0, comparisons: 0 });
    }
    return i;
  };

  let sameModelPairs = 0;
  let unattributedPairs = 0;
  let comparisons = 0;
  const patternKeys = new Map<string, number>();
  const patterns: Map<number, number>[] = []; // per pattern: winner·2^20 + loser → amount (wins, ties split)
  const patternOfRanking: number[] = [];

  for (const ranking of rankings) {
    // (group index, model index) of each attributed completion of the ranking.
    const placed: { group: number; model: number }[] = [];
    let unattributed = 0;
    ranking.groups.forEach((group, g) => {
      for (const id of group) {
        const name = modelOf(id);
        if (name === null || name === undefined) unattributed++;
        else placed.push({ group: g, model: indexOf(name) });
      }
    });
    const total = placed.length + unattributed;
    unattributedPairs += (total * (total - 1)) / 2 - (placed.length * (placed.length - 1)) / 2;
    const cells = new Map<number, number>();
    const add = (winner: number, loser: number, amount: number) => {
      const key = winner * 1048576 + loser;
      cells.set(key, (cells.get(key) ?? 0) + amount);
    };
    for (let a = 0; a < placed.length; a++) {
      for (let b = a + 1; b < placed.length; b++) {
        const x = placed[a];
        const y = placed[b];
        if (x.model === y.model) {
          sameModelPairs++;
          continue;
        }
        comparisons++;
        tally[x.model].comparisons++;
        tally[y.model].comparisons++;
        if (x.group === y.group) {
          tally[x.model].ties++;
          tally[y.model].ties++;
          add(x.model, y.model, 0.5);
          add(y.model, x.model, 0.5);
        } else {
          const [win, lose] = x.group < y.group ? [x, y] : [y, x];
          tally[win.model].wins++;
          tally[lose.model].losses++;
          add(win.model, lose.model, 1);
        }
      }
    }
    if (cells.size === 0) {
      patternOfRanking.push(-1);
      continue;
    }
    const key = [...cells.entries()]
      .sort((p, q) => p[0] - q[0])
      .map(([c, v]) => `${c}:${v}`)
      .join(",");
    let pattern = patternKeys.get(key);
    if (pattern === undefined) {
      pattern = patterns.length;
      patternKeys.set(key, pattern);
      patterns.push(cells);
    }
    patternOfRanking.push(pattern);
  }

  const n = models.length;
  // Each pattern as parallel arrays of matrix cells and amounts.
  const patternCells = patterns.map((cells) => Int32Array.from([...cells.keys()].map((k) => Math.floor(k / 1048576) * n + (k % 1048576))));
  const patternAmounts = patterns.map((cells) => Float64Array.from(cells.values()));
  const winMatrix = (counts: ArrayLike<number>) => {
    const wins = new Float64Array(n * n);
    for (let p = 0; p < patterns.length; p++) {
      const c = counts[p];
      if (c === 0) continue;
      const cells = patternCells[p];
      const amounts = patternAmounts[p];
      for (let k = 0; k < cells.length; k++) wins[cells[k]] += c * amounts[k];
    }
    return wins;
  };

  const fullCounts = new Float64Array(patterns.length);
  for (const p of patternOfRanking) if (p >= 0) fullCounts[p]++;
  const rankingsUsed = patternOfRanking.filter((p) => p >= 0).length;
  const full = fitLogStrengths(winMatrix(fullCounts), n, { prior });
  const ratings = eloRatings(full.logStrengths);

  // The bootstrap: per resample, how often each pattern was drawn (a ranking without a
  // comparison is drawn too, and contributes nothing), then the refit from the full estimate.
  const draws = Array.from({ length: n }, () => new Float64Array(resamples));
  if (resamples > 0 && n > 0) {
    const random = new Random(seed);
    const counts = new Float64Array(patterns.length);
    for (let b = 0; b < resamples; b++) {
      counts.fill(0);
      for (let r = 0; r < patternOfRanking.length; r++) {
        const p = patternOfRanking[random.int(patternOfRanking.length)];
        if (p >= 0) counts[p]++;
      }
      const fit = fitLogStrengths(winMatrix(counts), n, { prior, tolerance: 1e-9 }, full.logStrengths);
      const r = eloRatings(fit.logStrengths);
      for (let i = 0; i < n; i++) draws[i][b] = r[i];
    }
  }
  const tail = (1 - INTERVAL_LEVEL) / 2;
  const entries = models.map((model, i) => {
    const sorted = draws[i].sort();
    const withDraws = resamples > 0;
    return {
      rank: 0,
      model,
      rating: ratings[i],
      lower: withDraws ? quantileSorted(sorted, tail) : null,
      upper: withDraws ? quantileSorted(sorted, 1 - tail) : null,
      comparisons: tally[i].comparisons,
      wins: tally[i].wins,
      losses: tally[i].losses,
      ties: tally[i].ties,
    };
  });
  entries.sort((a, b) => b.rating - a.rating || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  entries.forEach((e, i) => (e.rank = i + 1));
  return {
    models: entries,
    rankings: rankings.length,
    rankingsUsed,
    comparisons,
    sameModelPairs,
    unattributedPairs,
    bootstrap: { resamples, seed, level: INTERVAL_LEVEL },
    prior,
  };
}
