// The rounds table: rounds from completions' metadata, rankings and pairs per round, the
// head-to-head win rate of the newer model with its Wilson interval, and the reward models and
// policies registered at each round; the train-rm "latest round only" selection.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { loadTrainingSet } from "@/lib/reward/training-set";
import { latestRound, roundOf, roundsTable, wilsonInterval } from "@/lib/rounds/rounds";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";

describe("wilsonInterval", () => {
  it("matches the textbook values and stays inside [0, 1]", () => {
    const [lo, hi] = wilsonInterval(8, 10)!;
    expect(lo).toBeCloseTo(0.4902, 3);
    expect(hi).toBeCloseTo(0.9433, 3);
    expect(wilsonInterval(0, 5)![0]).toBe(0);
    expect(wilsonInterval(5, 5)![1]).toBe(1);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe("roundsTable", () => {
  let temp: ReturnType<typeof tempDb>;
  let projectId: number;
  let annotator: number;
  beforeEach(() => {
    temp = tempDb();
    projectId = createProject(temp.db, { name: "loop" }).id;
    annotator = temp.db.insert(users).values({ email: "a@t.local", name: "A", role: "annotator" }).returning().get().id;
  });
  afterEach(() => temp.cleanup());

  it("counts tasks, rankings and the newer model's head-to-head wins per round", () => {
    // Round 1: the SFT model alone, two tasks, one ranked.
    const r1 = [0, 1].map((i) =>
      insertTask(temp.db, projectId, {
        messages: [{ role: "user", content: `q${i}` }],
        completions: [
          { text: "a", model: "sft" },
          { text: "b", model: "sft" },
        ],
      }),
    );
    insertRanking(temp.db, { taskId: r1[0].taskId, userId: annotator, groups: [[r1[0].completionIds[1]], [r1[0].completionIds[0]]] });
    // Round 2: policy-1 (2 completions) against sft (1), three tasks ranked.
    const meta = { round: 2 };
    const r2 = [0, 1, 2].map((i) =>
      insertTask(temp.db, projectId, {
        messages: [{ role: "user", content: `q${i}` }],
        completions: [
          { text: "p1", model: "policy-1", metadata: meta },
          { text: "p2", model: "policy-1", metadata: meta },
          { text: "s", model: "sft", metadata: meta },
        ],
      }),
    );
    const [p1, p2, s] = [0, 1, 2];
    // Task 0: p1 > s > p2 → policy wins 1, loses 1.  Task 1: p1 = p2 > s → wins 2.  Task 2: s > p1 = p2 → loses 2.
    insertRanking(temp.db, {
      taskId: r2[0].taskId,
      userId: annotator,
      groups: [[r2[0].completionIds[p1]], [r2[0].completionIds[s]], [r2[0].completionIds[p2]]],
    });
    insertRanking(temp.db, { taskId: r2[1].taskId, userId: annotator, groups: [[r2[1].completionIds[p1], r2[1].completionIds[p2]], [r2[1].completionIds[s]]] });
    insertRanking(temp.db, { taskId: r2[2].taskId, userId: annotator, groups: [[r2[2].completionIds[s]], [r2[2].completionIds[p1], r2[2].completionIds[p2]]] });
    registerModel(temp.db, {
      name: "rm-1",
      kind: "reward",
      source: "palate",
      path: "/x",
      projectId,
      metadata: { lineage: { round: 1 }, metrics: { eval_accuracy: 0.75, eval_pairs: 40 } },
    });
    registerModel(temp.db, {
      name: "policy-1",
      kind: "policy",
      source: "palate",
      path: "/y",
      projectId,
      metadata: { lineage: { round: 1 }, metrics: { eval_scores: 1.5, eval_kl: 0.25 } },
    });
    registerModel(temp.db, {
      name: "rm-2",
      kind: "reward",
      source: "palate",
      path: "/z",
      projectId,
      metadata: { lineage: { round: 2 }, metrics: { eval_accuracy: 0.8 } },
    });

    const rows = roundsTable(temp.db, projectId);
    expect(rows.map((r) => r.round)).toEqual([1, 2]);
    expect(rows[0]).toMatchObject({ tasks: 2, rankings: 1, comparisons: 1, headToHead: null, sampledFrom: [{ model: "sft", completions: 4 }] });
    expect(rows[0].rewardModel).toMatchObject({ name: "rm-1", evalAccuracy: 0.75, evalPairs: 40 });
    expect(rows[0].policy).toMatchObject({ name: "policy-1", evalScore: 1.5, evalKl: 0.25 });
    expect(rows[1]).toMatchObject({ tasks: 3, rankings: 3, comparisons: 3 + 2 + 2 });
    expect(rows[1].rewardModel?.name).toBe("rm-2");
    expect(rows[1].policy).toBeNull();
    const h = rows[1].headToHead!;
    expect(h).toMatchObject({ model: "policy-1", against: "sft", wins: 3, losses: 3, winRate: 0.5 });
    expect(h.interval![0]).toBeLessThan(0.5);
    expect(h.interval![1]).toBeGreaterThan(0.5);
    expect(latestRound(temp.db, projectId)).toBe(2);
    expect(roundOf(null)).toBe(1);

    // The reward model's training set: every round, or the latest only.
    const all = loadTrainingSet(temp.db, projectId);
    expect(all.rankings).toBe(4);
    expect(all.roundsUsed).toEqual([1, 2]);
    const latest = loadTrainingSet(temp.db, projectId, { rounds: "latest" });
    expect(latest.rankings).toBe(3);
    expect(latest.roundsUsed).toEqual([2]);
    expect(latest.round).toBe(2);
  });
});

describe("nextRoundParams", () => {
  let temp: ReturnType<typeof tempDb>;
  let projectId: number;
  beforeEach(() => {
    temp = tempDb();
    projectId = createProject(temp.db, { name: "loop" }).id;
  });
  afterEach(() => temp.cleanup());

  it("samples every distinct prompt from the policy, mixed with the model it started from, as the next round", async () => {
    const { nextRoundParams } = await import("@/lib/rounds/next-round");
    const a = insertTask(temp.db, projectId, { messages: [{ role: "user", content: "q0" }], completions: [{ text: "a" }, { text: "b" }] });
    insertTask(temp.db, projectId, { messages: [{ role: "user", content: "q0" }], completions: [{ text: "c" }, { text: "d" }] }); // same conversation again
    const b = insertTask(temp.db, projectId, { messages: [{ role: "user", content: "q1" }], completions: [{ text: "e" }, { text: "f" }] });
    const sft = registerModel(temp.db, { name: "sft", kind: "policy", source: "palate", path: "/s" });
    const policy = registerModel(temp.db, {
      name: "ppo-1",
      kind: "policy",
      source: "palate",
      path: "/p",
      projectId,
      metadata: { lineage: { round: 1, startPolicy: { id: sft.id, name: "sft" } } },
    });
    const result = nextRoundParams(temp.db, projectId, { policyModelId: policy.id, sampling: { k: 4 } });
    expect("params" in result && result.params).toMatchObject({
      modelId: policy.id,
      compareModelId: sft.id,
      round: 2,
      promptIds: [a.promptId, b.promptId],
      sampling: { k: 4 },
    });
    const alone = nextRoundParams(temp.db, projectId, { policyModelId: policy.id, mixPrevious: false });
    expect("params" in alone && alone.params.compareModelId).toBeUndefined();
    // The SFT model is no PPO policy of the project.
    expect(nextRoundParams(temp.db, projectId, { policyModelId: sft.id })).toMatchObject({ issues: [{ field: "policyModelId" }] });
  });
});
