import { describe, expect, it } from "vitest";
import {
  agreementReport,
  annotatorCounts,
  completionTallies,
  headToHead,
  median,
  orderRelation,
  projectProgress,
  rankingAgreement,
  type RankingRecord,
} from "@/lib/labeling/stats";

let nextId = 1;
function ranking(taskId: number, userId: number, groups: number[][], extra: Partial<RankingRecord> = {}): RankingRecord {
  return { rankingId: nextId++, taskId, userId, groups, noneAcceptable: false, secondsSpent: null, ...extra };
}

describe("projectProgress", () => {
  it("counts tasks, rankings, started and completed (≥ R) tasks", () => {
    const rankings = [ranking(1, 10, [[1]]), ranking(1, 11, [[1]]), ranking(1, 12, [[1]]), ranking(2, 10, [[1]]), ranking(3, 10, [[1]]), ranking(3, 11, [[1]])];
    const p = projectProgress([1, 2, 3, 4], rankings, 2);
    expect(p).toEqual({
      tasks: 4,
      rankings: 6,
      startedTasks: 3,
      completedTasks: 2,
      completedFraction: 0.5,
      // task 4: 0 rankings; task 2: 1; tasks 1 and 3: 2 or more
      rankingsPerTask: [1, 1, 2],
    });
  });

  it("ignores rankings of tasks outside the project and handles an empty project", () => {
    expect(projectProgress([], [ranking(9, 1, [[1]])], 3)).toMatchObject({ tasks: 0, rankings: 0, completedTasks: 0, completedFraction: 0 });
  });
});

describe("orderRelation and rankingAgreement", () => {
  const groups = [[5], [6, 7], [8]];
  it("reads above, below, tied and missing", () => {
    expect(orderRelation(groups, 5, 6)).toBe(1);
    expect(orderRelation(groups, 8, 5)).toBe(-1);
    expect(orderRelation(groups, 6, 7)).toBe(0);
    expect(orderRelation(groups, 5, 99)).toBeNull();
  });

  it("identical rankings agree on every pair", () => {
    expect(rankingAgreement(groups, groups)).toEqual({ agreed: 6, total: 6 });
  });

  it("reversed rankings without ties agree on nothing", () => {
    expect(rankingAgreement([[1], [2], [3]], [[3], [2], [1]])).toEqual({ agreed: 0, total: 3 });
  });

  it("a tie against a strict order is a disagreement", () => {
    // pairs: (1,2) tie vs above → no; (1,3) above vs above → yes; (2,3) above vs above → yes
    expect(rankingAgreement([[1, 2], [3]], [[1], [2], [3]])).toEqual({ agreed: 2, total: 3 });
  });

  it("equals (1 + Kendall's tau) / 2 without ties", () => {
    // one swap of neighbours in 4 items: 5 of 6 pairs concordant
    expect(rankingAgreement([[1], [2], [3], [4]], [[2], [1], [3], [4]])).toEqual({ agreed: 5, total: 6 });
  });
});

describe("agreementReport", () => {
  it("compares annotators only on tasks they share, per pair, per annotator and overall", () => {
    const rankings = [
      ranking(1, 10, [[1], [2], [3]]),
      ranking(1, 11, [[1], [2], [3]]), // agrees 3/3 with 10
      ranking(1, 12, [[3], [2], [1]]), // 0/3 with 10 and 11
      ranking(2, 10, [[4], [5]]),
      ranking(2, 11, [[5], [4]]), // 0/1 with 10
      ranking(3, 12, [[6], [7]]), // nobody else: not compared
    ];
    const report = agreementReport(rankings);
    expect(report.pairs).toEqual([
      { userA: 10, userB: 11, sharedTasks: 2, agreed: 3, total: 4, rate: 0.75 },
      { userA: 10, userB: 12, sharedTasks: 1, agreed: 0, total: 3, rate: 0 },
      { userA: 11, userB: 12, sharedTasks: 1, agreed: 0, total: 3, rate: 0 },
    ]);
    expect(report.overall).toEqual({ agreed: 3, total: 10, rate: 0.3, sharedTasks: 2 });
    const byUser = Object.fromEntries(report.annotators.map((a) => [a.userId, a]));
    expect(byUser[10]).toMatchObject({ agreed: 3, total: 7, comparedRankings: 3 });
    expect(byUser[12]).toMatchObject({ agreed: 0, total: 6, comparedRankings: 2, rate: 0 });
  });

  it("has no rate when no task is shared", () => {
    const report = agreementReport([ranking(1, 1, [[1], [2]]), ranking(2, 2, [[3], [4]])]);
    expect(report.overall).toEqual({ agreed: 0, total: 0, rate: null, sharedTasks: 0 });
    expect(report.pairs).toEqual([]);
  });
});

describe("annotatorCounts", () => {
  it("counts rankings, distinct tasks, none-acceptable marks, skips and the median time", () => {
    const counts = annotatorCounts(
      [
        ranking(1, 1, [[1]], { secondsSpent: 10 }),
        ranking(2, 1, [[1]], { secondsSpent: 30, noneAcceptable: true }),
        ranking(3, 1, [[1]], { secondsSpent: 20 }),
        ranking(1, 2, [[1]]),
      ],
      [{ userId: 2 }, { userId: 2 }, { userId: 3 }],
    );
    expect(counts).toEqual([
      { userId: 1, rankings: 3, tasks: 3, noneAcceptable: 1, skips: 0, medianSeconds: 20 },
      { userId: 2, rankings: 1, tasks: 1, noneAcceptable: 0, skips: 2, medianSeconds: null },
      { userId: 3, rankings: 0, tasks: 0, noneAcceptable: 0, skips: 1, medianSeconds: null },
    ]);
  });

  it("median of an even count is the mean of the middle two", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe("completionTallies", () => {
  it("wins and losses follow the implied pairs, ties the shared groups", () => {
    const tallies = completionTallies(
      [1, 2, 3, 4],
      [
        [[1], [2, 3]], // 1 beats 2 and 3; 2 and 3 tied; 4 unranked
        [[2], [1], [3]],
      ],
    );
    expect(tallies).toEqual([
      { completionId: 1, wins: 3, losses: 1, ties: 0, meanGroup: 0.5 },
      { completionId: 2, wins: 2, losses: 1, ties: 1, meanGroup: 0.5 },
      { completionId: 3, wins: 0, losses: 3, ties: 1, meanGroup: 1.5 },
      { completionId: 4, wins: 0, losses: 0, ties: 0, meanGroup: null },
    ]);
  });
});

describe("headToHead", () => {
  it("counts, for each ordered pair, the rankings that put the first above the second", () => {
    const counts = headToHead(
      [1, 2, 3],
      [
        [[1], [2, 3]],
        [[2], [1], [3]],
        [[3], [1]], // 2 unranked here
      ],
    );
    expect(counts).toEqual([
      [0, 1, 2],
      [1, 0, 1],
      [1, 0, 0],
    ]);
  });
});
