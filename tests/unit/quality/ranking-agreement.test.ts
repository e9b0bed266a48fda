import { describe, expect, it } from "vitest";
import { krippendorffAlpha } from "@/lib/quality/krippendorff-alpha";
import { kendallTauB } from "@/lib/quality/kendall-tau";
import { meanRanks, rankingAgreementReport, type RankingInput } from "@/lib/quality/ranking-agreement";
import { simulatedRankings } from "@/tests/fixtures/simulated-rankings";

const CARELESS = 4;
const crowd = (tasks: number, seed = 1) =>
  simulatedRankings({
    tasks,
    completions: 4,
    annotators: [
      { userId: 1, noise: 0.4 },
      { userId: 2, noise: 0.4 },
      { userId: 3, noise: 0.4 },
      { userId: CARELESS, noise: 1e6 },
    ],
    seed,
    tieShare: 0.2,
  });

describe("meanRanks", () => {
  it("gives tied completions the mean of the positions they span", () => {
    expect(Object.fromEntries(meanRanks([[10], [11, 12], [13]]))).toEqual({ 10: 1, 11: 2.5, 12: 2.5, 13: 4 });
    expect(Object.fromEntries(meanRanks([[1, 2, 3], [4]]))).toEqual({ 1: 2, 2: 2, 3: 2, 4: 4 });
  });
});

describe("rankingAgreementReport", () => {
  it("computes the same α as the coders × units matrix of ranks, and τ-b from the same ranks", () => {
    const records: RankingInput[] = [
      { taskId: 1, userId: 1, groups: [[1], [2, 3], [4]] },
      { taskId: 1, userId: 2, groups: [[1], [2], [3], [4]] },
      { taskId: 1, userId: 3, groups: [[2], [1], [4], [3]] },
      { taskId: 2, userId: 1, groups: [[5], [6], [7]] },
      { taskId: 2, userId: 3, groups: [[7], [5, 6]] },
      { taskId: 3, userId: 2, groups: [[8], [9]] }, // ranked once: nothing pairable
    ];
    // Units: completions 1..7 (8 and 9 have one value each); rows: users 1..3.
    const data = [
      [1, 2.5, 2.5, 4, 1, 2, 3],
      [1, 2, 3, 4, null, null, null],
      [2, 1, 4, 3, 2.5, 2.5, 1],
    ];
    const report = rankingAgreementReport(records, { resamples: 0 });
    expect(report.alpha.ordinal.value).toBeCloseTo(krippendorffAlpha(data, "ordinal")!, 12);
    expect(report.alpha.interval.value).toBeCloseTo(krippendorffAlpha(data, "interval")!, 12);
    expect(report.alpha).toMatchObject({ tasks: 2, units: 7, values: 18 });
    expect(report.alpha.ordinal.low).toBeNull();

    const tau12 = kendallTauB([1, 2.5, 2.5, 4], [1, 2, 3, 4])!;
    const tau13 = [kendallTauB([1, 2.5, 2.5, 4], [2, 1, 4, 3])!, kendallTauB([1, 2, 3], [2.5, 2.5, 1])!];
    const tau23 = kendallTauB([1, 2, 3, 4], [2, 1, 4, 3])!;
    expect(report.kendallTauB.comparisons).toBe(4);
    expect(report.kendallTauB.mean.value).toBeCloseTo((tau12 + tau13[0] + tau13[1] + tau23) / 4, 12);
    const user1 = report.annotators.find((a) => a.userId === 1)!;
    expect(user1).toMatchObject({ rankings: 2, sharedTasks: 2, comparisons: 3 });
    expect(user1.agreement.value).toBeCloseTo((tau12 + tau13[0] + tau13[1]) / 3, 12);
    // Without user 1: users 2 and 3 on task 1 only.
    expect(user1.alphaOrdinalWithout).toBeCloseTo(krippendorffAlpha([data[1].slice(0, 4), data[2].slice(0, 4)], "ordinal")!, 12);

    expect(report.matrix.userIds).toEqual([1, 2, 3]);
    expect(report.matrix.meanTauB[0][2]).toBeCloseTo((tau13[0] + tau13[1]) / 2, 12);
    expect(report.matrix.meanTauB[2][0]).toBe(report.matrix.meanTauB[0][2]);
    expect(report.matrix.meanTauB[1][1]).toBeNull();
    expect(report.matrix.sharedTasks).toEqual([
      [2, 1, 2],
      [1, 2, 1],
      [2, 1, 2],
    ]);
    expect(report).toMatchObject({ rankings: 6, tasks: 3 });
  });

  it("is 1 everywhere when every annotator gives the same ranking", () => {
    const records = [1, 2, 3].flatMap((userId) =>
      [1, 2, 3].map((taskId) => ({ taskId, userId, groups: [[taskId * 10], [taskId * 10 + 1, taskId * 10 + 2], [taskId * 10 + 3]] })),
    );
    const report = rankingAgreementReport(records, { resamples: 50 });
    expect(report.alpha.ordinal).toEqual({ value: 1, low: 1, high: 1 });
    expect(report.alpha.interval.value).toBe(1);
    expect(report.kendallTauB.mean.value).toBe(1);
  });

  it("singles out a careless annotator: lowest agreement with the rest, lowest heat-map row, α rises without them", () => {
    const report = rankingAgreementReport(crowd(150), { resamples: 200, seed: 3 });
    const byUser = new Map(report.annotators.map((a) => [a.userId, a]));
    const careless = byUser.get(CARELESS)!;
    for (const a of report.annotators) {
      if (a.userId === CARELESS) continue;
      expect(a.agreement.value!).toBeGreaterThan(careless.agreement.value! + 0.3);
      // Their intervals do not even overlap.
      expect(a.agreement.low!).toBeGreaterThan(careless.agreement.high!);
      expect(careless.alphaOrdinalWithout!).toBeGreaterThan(a.alphaOrdinalWithout!);
    }
    expect(careless.alphaOrdinalWithout!).toBeGreaterThan(report.alpha.ordinal.value!);
    expect(Math.abs(careless.agreement.value!)).toBeLessThan(0.15);

    const rowMeans = report.matrix.meanTauB.map((row) => {
      const cells = row.filter((v): v is number => v !== null);
      return cells.reduce((s, v) => s + v, 0) / cells.length;
    });
    const lowest = rowMeans.indexOf(Math.min(...rowMeans));
    expect(report.matrix.userIds[lowest]).toBe(CARELESS);
    expect(report.matrix.sharedTasks[0][3]).toBe(150);
  });

  it("gives bootstrap intervals that contain the point estimate, narrow with more tasks, and repeat for a seed", () => {
    const small = rankingAgreementReport(crowd(60), { resamples: 300, seed: 11 });
    for (const e of [small.alpha.ordinal, small.alpha.interval, small.kendallTauB.mean, ...small.annotators.map((a) => a.agreement)]) {
      expect(e.low!).toBeLessThanOrEqual(e.value!);
      expect(e.high!).toBeGreaterThanOrEqual(e.value!);
      expect(e.high! - e.low!).toBeGreaterThan(0);
    }
    expect(rankingAgreementReport(crowd(60), { resamples: 300, seed: 11 })).toEqual(small);
    const otherSeed = rankingAgreementReport(crowd(60), { resamples: 300, seed: 12 });
    expect(otherSeed.alpha.ordinal.value).toBe(small.alpha.ordinal.value);
    expect(otherSeed.alpha.ordinal.low).not.toBe(small.alpha.ordinal.low);
    // Input order does not matter.
    expect(rankingAgreementReport([...crowd(60)].reverse(), { resamples: 300, seed: 11 }).alpha).toEqual(small.alpha);

    const large = rankingAgreementReport(crowd(600), { resamples: 300, seed: 11 });
    const width = (e: { low: number | null; high: number | null }) => e.high! - e.low!;
    expect(width(large.alpha.ordinal)).toBeLessThan(width(small.alpha.ordinal));
    expect(width(large.kendallTauB.mean)).toBeLessThan(width(small.kendallTauB.mean));
    expect(large.bootstrap).toEqual({ resamples: 300, seed: 11, level: 0.95, tasks: 600 });
  });

  it("reports nulls, not errors, without shared tasks", () => {
    const empty = rankingAgreementReport([], { resamples: 100 });
    expect(empty.alpha.ordinal).toEqual({ value: null, low: null, high: null });
    expect(empty.kendallTauB.mean.value).toBeNull();
    expect(empty.annotators).toEqual([]);
    const lonely = rankingAgreementReport([{ taskId: 1, userId: 5, groups: [[1], [2]] }], { resamples: 100 });
    expect(lonely.annotators).toEqual([
      { userId: 5, rankings: 1, sharedTasks: 0, comparisons: 0, agreement: { value: null, low: null, high: null }, alphaOrdinalWithout: null },
    ]);
    expect(lonely.bootstrap.resamples).toBe(0);
  });
});
