// Project quality figures from plain records: progress against R, per-annotator counts,
// pairwise agreement between annotators on shared tasks, and per-task win counts.
// Pure aggregation, no I/O (in the spirit of Open-Assistant's ranking.py); see
// project-stats.ts for the database side.
import { rankingPairs } from "./pairs";

export interface RankingRecord {
  rankingId: number;
  taskId: number;
  userId: number;
  /** Completion ids, best group first; ties share a group. */
  groups: number[][];
  noneAcceptable: boolean;
  secondsSpent: number | null;
}

export interface Progress {
  tasks: number;
  rankings: number;
  /** Tasks with at least one ranking. */
  startedTasks: number;
  /** Tasks with at least R rankings. */
  completedTasks: number;
  /** completedTasks / tasks (0 when there are no tasks). */
  completedFraction: number;
  /** How many tasks have exactly n rankings, for n = 0 … R (the last bucket is "R or more"). */
  rankingsPerTask: number[];
}

/** Progress of a project whose tasks are `taskIds`, each to be ranked by `redundancy` annotators. */
export function projectProgress(taskIds: readonly number[], rankings: readonly Pick<RankingRecord, "taskId">[], redundancy: number): Progress {
  const perTask = new Map<number, number>(taskIds.map((id) => [id, 0]));
  let counted = 0;
  for (const r of rankings) {
    const n = perTask.get(r.taskId);
    if (n === undefined) continue;
    perTask.set(r.taskId, n + 1);
    counted += 1;
  }
  const buckets = new Array<number>(Math.max(redundancy, 0) + 1).fill(0);
  let started = 0;
  let completed = 0;
  for (const n of perTask.values()) {
    if (n > 0) started += 1;
    if (n >= redundancy) completed += 1;
    buckets[Math.min(n, redundancy)] += 1;
  }
  return {
    tasks: taskIds.length,
    rankings: counted,
    startedTasks: started,
    completedTasks: completed,
    completedFraction: taskIds.length === 0 ? 0 : completed / taskIds.length,
    rankingsPerTask: buckets,
  };
}

/** How two completions stand in a ranking: 1 = a above b, -1 = b above a, 0 = tied, null = not both ranked. */
export function orderRelation(groups: readonly (readonly number[])[], a: number, b: number): -1 | 0 | 1 | null {
  let ga = -1;
  let gb = -1;
  groups.forEach((group, index) => {
    if (group.includes(a)) ga = index;
    if (group.includes(b)) gb = index;
  });
  if (ga < 0 || gb < 0) return null;
  return ga === gb ? 0 : ga < gb ? 1 : -1;
}

export interface Agreement {
  /** Completion pairs whose relation (better, worse, tied) both rankings share. */
  agreed: number;
  /** Completion pairs both rankings order. */
  total: number;
}

/**
 * Pairwise agreement of two rankings of the same task: over every unordered pair of
 * completions both rankings contain, whether they give it the same relation (a above b,
 * b above a, or a tie). For rankings without ties this is (1 + Kendall's tau) / 2.
 */
export function rankingAgreement(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): Agreement {
  const items = [...new Set(a.flat())].filter((id) => b.some((g) => g.includes(id))).sort((x, y) => x - y);
  let agreed = 0;
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const ra = orderRelation(a, items[i], items[j]);
      const rb = orderRelation(b, items[i], items[j]);
      if (ra === null || rb === null) continue;
      total += 1;
      if (ra === rb) agreed += 1;
    }
  }
  return { agreed, total };
}

export interface PairAgreement extends Agreement {
  userA: number;
  userB: number;
  /** Tasks both annotators ranked. */
  sharedTasks: number;
  /** agreed / total, or null when they share no ordered pair. */
  rate: number | null;
}

export interface AnnotatorAgreement extends Agreement {
  userId: number;
  /** Other annotators' rankings this one was compared with. */
  comparedRankings: number;
  rate: number | null;
}

export interface AgreementReport {
  overall: Agreement & { rate: number | null; sharedTasks: number };
  pairs: PairAgreement[];
  annotators: AnnotatorAgreement[];
}

function rate(a: Agreement): number | null {
  return a.total === 0 ? null : a.agreed / a.total;
}

/**
 * Agreement between annotators on the tasks they share: every pair of rankings of one task
 * by two different users is compared with `rankingAgreement`. A user with several rankings
 * of one task (not possible through assignments) counts with each of them.
 */
export function agreementReport(rankings: readonly RankingRecord[]): AgreementReport {
  const byTask = new Map<number, RankingRecord[]>();
  for (const r of rankings) byTask.set(r.taskId, [...(byTask.get(r.taskId) ?? []), r]);

  const pairs = new Map<string, PairAgreement>();
  const annotators = new Map<number, AnnotatorAgreement>();
  const overall = { agreed: 0, total: 0, sharedTasks: 0 };
  const annotator = (userId: number) => {
    let entry = annotators.get(userId);
    if (!entry) annotators.set(userId, (entry = { userId, agreed: 0, total: 0, comparedRankings: 0, rate: null }));
    return entry;
  };

  for (const list of byTask.values()) {
    let shared = false;
    const seenPairs = new Set<string>();
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [x, y] = list[i].userId <= list[j].userId ? [list[i], list[j]] : [list[j], list[i]];
        if (x.userId === y.userId) continue;
        shared = true;
        const result = rankingAgreement(x.groups, y.groups);
        const key = `${x.userId}:${y.userId}`;
        let pair = pairs.get(key);
        if (!pair) pairs.set(key, (pair = { userA: x.userId, userB: y.userId, sharedTasks: 0, agreed: 0, total: 0, rate: null }));
        if (!seenPairs.has(key)) {
          pair.sharedTasks += 1;
          seenPairs.add(key);
        }
        pair.agreed += result.agreed;
        pair.total += result.total;
        overall.agreed += result.agreed;
        overall.total += result.total;
        for (const user of [x.userId, y.userId]) {
          const entry = annotator(user);
          entry.agreed += result.agreed;
          entry.total += result.total;
          entry.comparedRankings += 1;
        }
      }
    }
    if (shared) overall.sharedTasks += 1;
  }

  const pairList = [...pairs.values()].map((p) => ({ ...p, rate: rate(p) }));
  pairList.sort((p, q) => p.userA - q.userA || p.userB - q.userB);
  const annotatorList = [...annotators.values()].map((a) => ({ ...a, rate: rate(a) }));
  annotatorList.sort((p, q) => p.userId - q.userId);
  return { overall: { ...overall, rate: rate(overall) }, pairs: pairList, annotators: annotatorList };
}

export interface AnnotatorCounts {
  userId: number;
  rankings: number;
  /** Distinct tasks ranked. */
  tasks: number;
  noneAcceptable: number;
  skips: number;
  /** Median seconds spent per ranking, over rankings that recorded it; null when none did. */
  medianSeconds: number | null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Per-annotator work: rankings, distinct tasks, none-acceptable marks, skips, median seconds. */
export function annotatorCounts(rankings: readonly RankingRecord[], skips: readonly { userId: number }[] = []): AnnotatorCounts[] {
  const by = new Map<number, { rankings: number; tasks: Set<number>; none: number; skips: number; seconds: number[] }>();
  const entry = (userId: number) => {
    let e = by.get(userId);
    if (!e) by.set(userId, (e = { rankings: 0, tasks: new Set(), none: 0, skips: 0, seconds: [] }));
    return e;
  };
  for (const r of rankings) {
    const e = entry(r.userId);
    e.rankings += 1;
    e.tasks.add(r.taskId);
    if (r.noneAcceptable) e.none += 1;
    if (r.secondsSpent !== null && Number.isFinite(r.secondsSpent)) e.seconds.push(r.secondsSpent);
  }
  for (const s of skips) entry(s.userId).skips += 1;
  return [...by.entries()]
    .map(([userId, e]) => ({
      userId,
      rankings: e.rankings,
      tasks: e.tasks.size,
      noneAcceptable: e.none,
      skips: e.skips,
      medianSeconds: median(e.seconds),
    }))
    .sort((a, b) => a.userId - b.userId);
}

export interface CompletionTally {
  completionId: number;
  /** Comparisons this completion won (ranked above the other). */
  wins: number;
  losses: number;
  ties: number;
  /** Mean group index over the rankings (0 = best); null when never ranked. */
  meanGroup: number | null;
}

/**
 * Per-completion tallies over the rankings of one task: wins and losses from the pairs each
 * ranking implies (InstructGPT's all pairs), ties from completions sharing a group.
 */
export function completionTallies(completionIds: readonly number[], groupsList: readonly (readonly (readonly number[])[])[]): CompletionTally[] {
  const tally = new Map(completionIds.map((id) => [id, { wins: 0, losses: 0, ties: 0, groupSum: 0, ranked: 0 }]));
  for (const groups of groupsList) {
    for (const pair of rankingPairs(groups, "all")) {
      const w = tally.get(pair.chosen);
      const l = tally.get(pair.rejected);
      if (w) w.wins += 1;
      if (l) l.losses += 1;
    }
    groups.forEach((group, index) => {
      for (const id of group) {
        const t = tally.get(id);
        if (!t) continue;
        t.ties += group.length - 1;
        t.groupSum += index;
        t.ranked += 1;
      }
    });
  }
  return completionIds.map((completionId) => {
    const t = tally.get(completionId)!;
    return { completionId, wins: t.wins, losses: t.losses, ties: t.ties, meanGroup: t.ranked === 0 ? null : t.groupSum / t.ranked };
  });
}

/**
 * Head-to-head comparison counts of one task: `counts[i][j]` is how many rankings put
 * completion `completionIds[i]` above `completionIds[j]` (ties and unranked count nowhere).
 */
export function headToHead(completionIds: readonly number[], groupsList: readonly (readonly (readonly number[])[])[]): number[][] {
  const index = new Map(completionIds.map((id, i) => [id, i]));
  const counts = completionIds.map(() => completionIds.map(() => 0));
  for (const groups of groupsList) {
    for (const pair of rankingPairs(groups, "all")) {
      const i = index.get(pair.chosen);
      const j = index.get(pair.rejected);
      if (i !== undefined && j !== undefined) counts[i][j] += 1;
    }
  }
  return counts;
}
