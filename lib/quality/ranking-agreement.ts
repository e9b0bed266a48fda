// Agreement between annotators' rankings, from plain ranking records (no I/O; see
// project-agreement.ts for the database side):
//
// - Krippendorff's α, ordinal and interval metrics. A unit is one completion of a task; an
//   annotator's value for it is its rank in their ranking, 1 = best, tied completions sharing
//   the mean of the positions they span ([[a], [b, c], [d]] → a = 1, b = c = 2.5, d = 4).
//   Every ranking is one coder's values; a completion only one ranking covers is not pairable.
// - Kendall's τ-b between two rankings of the same task by different annotators (over the
//   completions both ranked); `kendallTauB.mean` is the mean over every such comparison.
// - Each annotator against the rest: the mean τ-b of their rankings against every other
//   annotator's ranking of the same task (one figure per comparison, averaged), and, as a point
//   figure, ordinal α of the data without their rankings (above the overall α: they lowered it).
// - An annotator × annotator matrix: mean τ-b over the tasks both ranked, and how many those are.
// - 95% percentile bootstrap intervals over tasks (the tasks with at least two rankings) for α
//   (both metrics), mean τ-b and each annotator's figure. Each task's coincidence matrix and τ-b
//   sums are computed once; a resample adds them up with the multiplicities it drew, so B
//   resamples of T tasks cost O(B · T · entries per task), not B recomputations.
//
// Two rankings of one task by the same user (not possible through assignments) both count as
// values in α and are not compared with each other in τ-b.
import type { RankingRecord } from "../labeling/stats";
import { bootstrapIntervals } from "./bootstrap";
import { kendallTauB } from "./kendall-tau";
import { addUnitCoincidences, alphaFromCoincidences } from "./krippendorff-alpha";

export type RankingInput = Pick<RankingRecord, "taskId" | "userId" | "groups">;

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_SEED = 0;
export const DEFAULT_LEVEL = 0.95;

export interface AgreementOptions {
  /** Bootstrap resamples over tasks (0: no intervals). Default 1000. */
  resamples?: number;
  /** Seed of the bootstrap's generator. Default 0. */
  seed?: number;
  /** Interval coverage. Default 0.95. */
  level?: number;
}

/** A figure with its bootstrap interval; null where undefined (or no interval was drawn). */
export interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
}

export interface AnnotatorRankingAgreement {
  userId: number;
  rankings: number;
  /** Tasks this annotator ranked that someone else ranked too. */
  sharedTasks: number;
  /** τ-b comparisons with other annotators' rankings (defined ones). */
  comparisons: number;
  /** Mean τ-b against every other annotator's ranking of the same task, with its interval. */
  agreement: Estimate;
  /** Ordinal α of the project's rankings without this annotator's (point figure). */
  alphaOrdinalWithout: number | null;
}

export interface RankingAgreementReport {
  /** Rankings read, and the distinct tasks they rank. */
  rankings: number;
  tasks: number;
  alpha: {
    ordinal: Estimate;
    interval: Estimate;
    /** Tasks with at least two rankings (the bootstrap's units). */
    tasks: number;
    /** Pairable units (completions with at least two values) and pairable values (n). */
    units: number;
    values: number;
  };
  kendallTauB: {
    mean: Estimate;
    /** Defined τ-b comparisons (pairs of rankings of one task by different annotators). */
    comparisons: number;
    /** Tasks with at least one. */
    tasks: number;
  };
  annotators: AnnotatorRankingAgreement[];
  /** Rows and columns in `userIds` order; the diagonal holds null and the tasks the annotator ranked. */
  matrix: { userIds: number[]; meanTauB: (number | null)[][]; sharedTasks: number[][] };
  bootstrap: { resamples: number; seed: number; level: number; tasks: number };
}

/** Each completion's rank, 1 = best, tied completions sharing the mean of the positions they span. */
export function meanRanks(groups: readonly (readonly number[])[]): Map<number, number> {
  const ranks = new Map<number, number>();
  let position = 0;
  for (const group of groups) {
    const mean = position + (group.length + 1) / 2;
    for (const id of group) ranks.set(id, mean);
    position += group.length;
  }
  return ranks;
}

interface TaskRanking {
  user: number;
  ranks: Map<number, number>;
}

const estimate = (value: number | null, interval: { low: number; high: number } | null | undefined): Estimate => ({
  value,
  low: value === null ? null : (interval?.low ?? null),
  high: value === null ? null : (interval?.high ?? null),
});

/** The agreement report of `records` (any order; the result does not depend on it beyond ties of equal records). */
export function rankingAgreementReport(records: readonly RankingInput[], options: AgreementOptions = {}): RankingAgreementReport {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const level = options.level ?? DEFAULT_LEVEL;

  const userIds = [...new Set(records.map((r) => r.userId))].sort((a, b) => a - b);
  const userIndex = new Map(userIds.map((id, i) => [id, i]));
  const A = userIds.length;
  const rankingsOf = new Array<number>(A).fill(0);
  const tasksOf = userIds.map(() => new Set<number>());

  const byTask = new Map<number, TaskRanking[]>();
  for (const r of records) {
    const user = userIndex.get(r.userId)!;
    rankingsOf[user] += 1;
    tasksOf[user].add(r.taskId);
    let list = byTask.get(r.taskId);
    if (!list) byTask.set(r.taskId, (list = []));
    list.push({ user, ranks: meanRanks(r.groups) });
  }
  const taskIds = [...byTask.keys()].sort((a, b) => a - b);
  const shared = taskIds.map((id) => byTask.get(id)!).filter((list) => list.length >= 2);
  const T = shared.length;

  // The values ranks take (means of positions: multiples of 0.5), sorted, as α's categories.
  const valueSet = new Set<number>();
  for (const list of shared) for (const r of list) for (const v of r.ranks.values()) valueSet.add(v);
  const values = [...valueSet].sort((a, b) => a - b);
  const valueIndex = new Map(values.map((v, i) => [v, i]));
  const V = values.length;

  // Per task: its coincidence entries (sparse), τ-b sums overall and per annotator.
  const scratch = new Float64Array(V * V);
  const entryStart = new Int32Array(T + 1);
  const entryKey: number[] = [];
  const entryValue: number[] = [];
  const taskTauSum = new Float64Array(T);
  const taskTauCount = new Int32Array(T);
  const userStart = new Int32Array(T + 1);
  const userEntry: number[] = [];
  const userTauSum: number[] = [];
  const userTauCount: number[] = [];
  const pairSum = new Float64Array(A * A);
  const pairCount = new Int32Array(A * A);
  const pairTasks = new Int32Array(A * A);
  const sharedTasksOf = new Int32Array(A);
  const total = new Float64Array(V * V);
  let units = 0;
  let tauTasks = 0;

  /** Adds the task's coincidences (rankings except `without`'s) to scratch; returns the value indexes touched and pairable units. */
  const taskCoincidences = (list: readonly TaskRanking[], without = -1): { present: number[]; units: number } => {
    const completions = new Set<number>();
    for (const r of list) if (r.user !== without) for (const id of r.ranks.keys()) completions.add(id);
    const present = new Set<number>();
    let pairable = 0;
    const indexes: number[] = [];
    for (const id of completions) {
      indexes.length = 0;
      for (const r of list) {
        if (r.user === without) continue;
        const v = r.ranks.get(id);
        if (v !== undefined) indexes.push(valueIndex.get(v)!);
      }
      if (addUnitCoincidences(scratch, V, indexes)) {
        pairable += 1;
        for (const i of indexes) present.add(i);
      }
    }
    return { present: [...present], units: pairable };
  };
  /** Moves scratch's nonzero entries among `present` to `visit`, zeroing scratch. */
  const drainScratch = (present: readonly number[], visit: (key: number, value: number) => void) => {
    for (const c of present) {
      for (const k of present) {
        const key = c * V + k;
        if (scratch[key] !== 0) {
          visit(key, scratch[key]);
          scratch[key] = 0;
        }
      }
    }
  };

  shared.forEach((list, t) => {
    const { present, units: pairable } = taskCoincidences(list);
    units += pairable;
    drainScratch(present, (key, value) => {
      entryKey.push(key);
      entryValue.push(value);
      total[key] += value;
    });
    entryStart[t + 1] = entryKey.length;

    const perUser = new Map<number, { sum: number; count: number }>();
    const seenPairs = new Set<number>();
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i];
        const b = list[j];
        if (a.user === b.user) continue;
        const [lo, hi] = a.user < b.user ? [a.user, b.user] : [b.user, a.user];
        if (!seenPairs.has(lo * A + hi)) {
          seenPairs.add(lo * A + hi);
          pairTasks[lo * A + hi] += 1;
          pairTasks[hi * A + lo] += 1;
        }
        const x: number[] = [];
        const y: number[] = [];
        for (const [id, rank] of a.ranks) {
          const other = b.ranks.get(id);
          if (other === undefined) continue;
          x.push(rank);
          y.push(other);
        }
        const tau = kendallTauB(x, y);
        if (tau === null) continue;
        taskTauSum[t] += tau;
        taskTauCount[t] += 1;
        pairSum[lo * A + hi] += tau;
        pairSum[hi * A + lo] += tau;
        pairCount[lo * A + hi] += 1;
        pairCount[hi * A + lo] += 1;
        for (const u of [a.user, b.user]) {
          const e = perUser.get(u) ?? { sum: 0, count: 0 };
          e.sum += tau;
          e.count += 1;
          perUser.set(u, e);
        }
      }
    }
    if (taskTauCount[t] > 0) tauTasks += 1;
    const usersHere = new Set(list.map((r) => r.user));
    if (usersHere.size >= 2) for (const u of usersHere) sharedTasksOf[u] += 1;
    for (const [u, e] of [...perUser.entries()].sort((p, q) => p[0] - q[0])) {
      userEntry.push(u);
      userTauSum.push(e.sum);
      userTauCount.push(e.count);
    }
    userStart[t + 1] = userEntry.length;
  });

  // Typed copies for the resampling loop.
  const keys = Int32Array.from(entryKey);
  const entries = Float64Array.from(entryValue);
  const entryUser = Int32Array.from(userEntry);
  const entryUserSum = Float64Array.from(userTauSum);
  const entryUserCount = Int32Array.from(userTauCount);

  const meanOf = (sum: number, count: number) => (count === 0 ? null : sum / count);
  const annotatorSum = new Float64Array(A);
  const annotatorCount = new Int32Array(A);
  for (let e = 0; e < userEntry.length; e++) {
    annotatorSum[userEntry[e]] += userTauSum[e];
    annotatorCount[userEntry[e]] += userTauCount[e];
  }
  let tauSum = 0;
  let tauCount = 0;
  for (let t = 0; t < T; t++) {
    tauSum += taskTauSum[t];
    tauCount += taskTauCount[t];
  }
  let pairableValues = 0;
  for (const v of total) pairableValues += v;

  const point = {
    ordinal: alphaFromCoincidences(values, total, "ordinal"),
    interval: alphaFromCoincidences(values, total, "interval"),
    tau: meanOf(tauSum, tauCount),
  };

  // One resample: the tasks' contributions weighted by how often each was drawn.
  const o = new Float64Array(V * V);
  const sumA = new Float64Array(A);
  const countA = new Float64Array(A);
  const statistic = (counts: Int32Array): (number | null)[] => {
    o.fill(0);
    sumA.fill(0);
    countA.fill(0);
    let s = 0;
    let c = 0;
    for (let t = 0; t < T; t++) {
      const w = counts[t];
      if (w === 0) continue;
      for (let e = entryStart[t]; e < entryStart[t + 1]; e++) o[keys[e]] += w * entries[e];
      s += w * taskTauSum[t];
      c += w * taskTauCount[t];
      for (let e = userStart[t]; e < userStart[t + 1]; e++) {
        sumA[entryUser[e]] += w * entryUserSum[e];
        countA[entryUser[e]] += w * entryUserCount[e];
      }
    }
    const figures: (number | null)[] = [alphaFromCoincidences(values, o, "ordinal"), alphaFromCoincidences(values, o, "interval"), meanOf(s, c)];
    for (let a = 0; a < A; a++) figures.push(meanOf(sumA[a], countA[a]));
    return figures;
  };
  const intervals = bootstrapIntervals(T, statistic, { resamples, seed, level });

  // α without each annotator: the total less the tasks they ranked, plus those tasks recomputed without them.
  const sharedByUser = userIds.map(() => [] as number[]);
  shared.forEach((list, t) => {
    for (const u of new Set(list.map((r) => r.user))) sharedByUser[u].push(t);
  });
  const alphaWithout = (user: number): number | null => {
    const without = Float64Array.from(total);
    for (const t of sharedByUser[user]) {
      for (let e = entryStart[t]; e < entryStart[t + 1]; e++) without[keys[e]] -= entries[e];
      const { present } = taskCoincidences(shared[t], user);
      drainScratch(present, (key, value) => (without[key] += value));
    }
    // Subtraction leaves rounding dust where an entry should be 0.
    for (let k = 0; k < without.length; k++) if (Math.abs(without[k]) < 1e-9) without[k] = 0;
    return alphaFromCoincidences(values, without, "ordinal");
  };

  const annotators: AnnotatorRankingAgreement[] = userIds.map((userId, a) => ({
    userId,
    rankings: rankingsOf[a],
    sharedTasks: sharedTasksOf[a],
    comparisons: annotatorCount[a],
    agreement: estimate(meanOf(annotatorSum[a], annotatorCount[a]), intervals[3 + a]),
    alphaOrdinalWithout: alphaWithout(a),
  }));

  const meanTauB = userIds.map((_, i) => userIds.map((__, j) => (i === j ? null : meanOf(pairSum[i * A + j], pairCount[i * A + j]))));
  const sharedTasks = userIds.map((_, i) => userIds.map((__, j) => (i === j ? tasksOf[i].size : pairTasks[i * A + j])));

  return {
    rankings: records.length,
    tasks: taskIds.length,
    alpha: {
      ordinal: estimate(point.ordinal, intervals[0]),
      interval: estimate(point.interval, intervals[1]),
      tasks: T,
      units,
      values: Math.round(pairableValues),
    },
    kendallTauB: { mean: estimate(point.tau, intervals[2]), comparisons: tauCount, tasks: tauTasks },
    annotators,
    matrix: { userIds, meanTauB, sharedTasks },
    bootstrap: { resamples: T === 0 ? 0 : resamples, seed, level, tasks: T },
  };
}
