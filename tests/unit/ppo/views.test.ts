import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { enqueueJob } from "@/lib/jobs/queue";
import { DEFAULT_MODEL_NAME, registerModel, type NewModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import {
  bestOfNJobModels,
  headToHeadJobModels,
  nextRoundSource,
  policyRound,
  ppoFormOptions,
  ppoJobModels,
  ppoPolicyInfo,
  projectPpoPolicies,
  projectRewardModels,
} from "@/lib/ppo/views";
import type { PpoEvaluation } from "@/lib/ppo/evaluation";
import { tempDb } from "../../helpers/app";

/** The trainer's record of the last evaluation, as the ppo job keeps it in metadata.evaluation. */
const evaluation: PpoEvaluation = {
  iteration: 4,
  episode: 64,
  scores: 1.25,
  scores_reference: 0.5,
  kl: 0.75,
  win_rate: 1,
  num_eos_tokens: 1,
  samples: [{ prompt: "Capital of Peru?", referenceAnswer: "It is Lima, I think.", policyAnswer: "Lima.", referenceScore: 0.5, policyScore: 1.25 }],
};

let temp: ReturnType<typeof tempDb>;
beforeEach(() => {
  temp = tempDb();
});
afterEach(() => temp.cleanup());

const palate = (name: string, kind: NewModel["kind"], extra: Partial<NewModel> = {}) =>
  registerModel(temp.db, { name, kind, source: "palate", path: `/models/${name}`, ...extra } as NewModel);

/** What the ppo job registers: a policy of the project whose lineage has a round. */
function ppoPolicy(name: string, projectId: number, round: number, start: { id: number; name: string }, reward: { id: number; name: string }) {
  return palate(name, "policy", {
    projectId,
    parentId: start.id,
    metadata: {
      lineage: {
        round,
        sftModel: { id: 1, name: DEFAULT_MODEL_NAME },
        startPolicy: start,
        reference: start,
        rewardModel: reward,
        project: { id: projectId, name: "p" },
        trainPrompts: 90,
        evalPrompts: 10,
        promptSplit: "reward-model split",
        promptsHash: "f00d",
        valueModel: "value",
      },
      metrics: { eval_scores: 1.25, eval_kl: 0.75, "objective/kl": 0.5, lr: 0 },
      evaluation,
      config: { totalEpisodes: 64, batchSize: 16 },
    },
  });
}

describe("the PPO form's models", () => {
  it("offers the project's reward models and the policies with weights, newest first, defaulting to the SFT model in round 1", () => {
    const sft = palate(DEFAULT_MODEL_NAME, "policy");
    palate("other-sft", "policy");
    registerModel(temp.db, { name: "endpoint", kind: "policy", source: "openai", baseUrl: "http://127.0.0.1:9/v1", remoteModel: "m" });
    const project = createProject(temp.db, { name: "Capitals" });
    const elsewhere = createProject(temp.db, { name: "Elsewhere" });
    const rm1 = palate("rm-1", "reward", { projectId: project.id });
    const rm2 = palate("rm-2", "reward", { projectId: project.id });
    palate("rm-elsewhere", "reward", { projectId: elsewhere.id });
    palate("a-reference", "reference");

    const options = ppoFormOptions(temp.db, project.id);
    expect(options.policies.map((p) => p.name)).toEqual(["other-sft", DEFAULT_MODEL_NAME]);
    expect(options.rewardModels.map((m) => m.name)).toEqual(["rm-2", "rm-1"]);
    expect(options.defaultPolicyId).toBe(sft.id);
    expect(options.defaultRewardModelId).toBe(rm2.id);
    expect(options.policies.every((p) => p.round === null && !p.ofProject && p.nextRound === 1)).toBe(true);
    expect(projectRewardModels(temp.db, project.id).map((m) => m.id)).toEqual([rm2.id, rm1.id]);
    expect(projectRewardModels(temp.db, elsewhere.id).map((m) => m.name)).toEqual(["rm-elsewhere"]);
  });

  it("defaults to the project's newest PPO policy once there is one; another project's PPO policy is only offered", () => {
    const sft = palate(DEFAULT_MODEL_NAME, "policy");
    const project = createProject(temp.db, { name: "Capitals" });
    const elsewhere = createProject(temp.db, { name: "Elsewhere" });
    const rm = palate("rm", "reward", { projectId: project.id });
    const round1 = ppoPolicy("ppo-1", project.id, 1, sft, rm);
    const round2 = ppoPolicy("ppo-2", project.id, 2, round1, rm);
    const foreign = ppoPolicy("ppo-foreign", elsewhere.id, 1, sft, rm);

    const options = ppoFormOptions(temp.db, project.id);
    expect(options.defaultPolicyId).toBe(round2.id);
    const byName = Object.fromEntries(options.policies.map((p) => [p.name, p]));
    expect(byName["ppo-2"]).toMatchObject({ round: 2, ofProject: true, nextRound: 3 });
    expect(byName["ppo-foreign"]).toMatchObject({ round: 1, ofProject: false, nextRound: 2 });
    expect(projectPpoPolicies(temp.db, project.id).map((m) => m.name)).toEqual(["ppo-2", "ppo-1"]);
    expect(projectPpoPolicies(temp.db, elsewhere.id).map((m) => m.id)).toEqual([foreign.id]);
    // In the other project, its own PPO policy is the default.
    expect(ppoFormOptions(temp.db, elsewhere.id).defaultPolicyId).toBe(foreign.id);
    const third = createProject(temp.db, { name: "Third" });
    expect(ppoFormOptions(temp.db, third.id)).toMatchObject({ defaultPolicyId: sft.id, defaultRewardModelId: null, rewardModels: [] });
  });

  it("without default-sft, starts from the newest policy; without any, from none", () => {
    const project = createProject(temp.db, { name: "Capitals" });
    expect(ppoFormOptions(temp.db, project.id)).toEqual({ policies: [], rewardModels: [], defaultPolicyId: null, defaultRewardModelId: null });
    palate("a", "policy");
    const b = palate("b", "policy");
    expect(ppoFormOptions(temp.db, project.id).defaultPolicyId).toBe(b.id);
  });
});

describe("a PPO policy's metadata", () => {
  it("reads lineage, metrics, the last evaluation and the configuration as the ppo job writes them", () => {
    const sft = palate(DEFAULT_MODEL_NAME, "policy");
    const project = createProject(temp.db, { name: "Capitals" });
    const rm = palate("rm", "reward", { projectId: project.id });
    const policy = ppoPolicy("ppo-1", project.id, 1, { id: sft.id, name: sft.name }, { id: rm.id, name: rm.name });
    const info = ppoPolicyInfo(policy);
    expect(info).toEqual({
      round: 1,
      sftModel: { id: 1, name: DEFAULT_MODEL_NAME },
      startPolicy: { id: sft.id, name: sft.name },
      reference: { id: sft.id, name: sft.name },
      rewardModel: { id: rm.id, name: rm.name },
      project: { id: project.id, name: "p" },
      trainPrompts: 90,
      evalPrompts: 10,
      promptSplit: "reward-model split",
      promptsHash: "f00d",
      valueModel: "value",
      ptx: null,
      metrics: { eval_scores: 1.25, eval_kl: 0.75, "objective/kl": 0.5, lr: 0 },
      evaluation,
      config: { totalEpisodes: 64, batchSize: 16 },
    });
    expect(policyRound(policy)).toBe(1);
    // Stored as JSON, the record reads back unchanged.
    expect(ppoPolicyInfo(JSON.parse(JSON.stringify(policy))).evaluation).toEqual(evaluation);
  });

  it("takes directories for models a CLI run named, and leaves out only the fields of another shape", () => {
    const info = ppoPolicyInfo({
      metadata: {
        lineage: { round: 2, startPolicy: { dir: "/tmp/policy" }, rewardModel: { dir: "/tmp/rm" }, reference: 7, trainPrompts: "many", project: { id: 3 } },
        metrics: { eval_scores: null, "objective/kl": 0.1, bad: "x" },
        evaluation: { iteration: 3 },
        config: [1, 2],
      },
    });
    expect(info).toMatchObject({
      round: 2,
      startPolicy: { dir: "/tmp/policy" },
      rewardModel: { dir: "/tmp/rm" },
      reference: null,
      sftModel: null,
      trainPrompts: null,
      project: null,
      metrics: { eval_scores: null, "objective/kl": 0.1, bad: null },
      evaluation: null,
      config: null,
    });
    // PPO-ptx's source in words, with its hash; a source of another shape still shows the coefficient.
    const ptx = (value: unknown) => ppoPolicyInfo({ metadata: { lineage: { round: 1, ptx: value } } }).ptx;
    expect(ptx({ coef: 2, source: { kind: "file", file: "/data/sft.jsonl", rows: 7234, hash: "ab12" } })).toEqual({
      coef: 2,
      description: "7,234 demonstrations of /data/sft.jsonl",
      hash: "ab12",
    });
    expect(ptx({ coef: 0.5, source: { kind: "demonstrations", selection: "accepted", demonstrations: 12, hash: "cd34" } })).toEqual({
      coef: 0.5,
      description: "12 accepted demonstrations of the project",
      hash: "cd34",
    });
    expect(ptx({ coef: 1, source: { kind: "other" } })).toEqual({ coef: 1, description: "demonstrations (source not recorded)", hash: null });
    expect(ptx(null)).toBeNull();
    // A model without PPO lineage (the SFT model, a reward model) has no round.
    for (const metadata of [null, {}, { lineage: { baseModel: { id: 1, name: "x" } } }, { lineage: { round: 0 } }, { lineage: "round 1" }]) {
      expect(policyRound({ metadata: metadata as Record<string, unknown> | null })).toBeNull();
    }
  });
});

describe("a PPO job's models", () => {
  it("names the start policy, reward model and reference (the start policy unless given), marking models no longer registered", () => {
    const sft = palate(DEFAULT_MODEL_NAME, "policy");
    const project = createProject(temp.db, { name: "Capitals" });
    const rm = palate("rm", "reward", { projectId: project.id });
    const ref = palate("ref", "policy");
    const params = { projectId: project.id, policyModelId: sft.id, rewardModelId: rm.id };
    enqueueJob(temp.db, { kind: "ppo", params, projectId: project.id });
    expect(ppoJobModels(temp.db, params)).toEqual([
      { role: "Start policy", id: sft.id, name: DEFAULT_MODEL_NAME, exists: true },
      { role: "Reward model", id: rm.id, name: "rm", exists: true },
      { role: "Reference", id: sft.id, name: DEFAULT_MODEL_NAME, exists: true },
    ]);
    expect(ppoJobModels(temp.db, { ...params, referenceModelId: ref.id, rewardModelId: 999 })).toEqual([
      { role: "Start policy", id: sft.id, name: DEFAULT_MODEL_NAME, exists: true },
      { role: "Reward model", id: 999, name: "#999", exists: false },
      { role: "Reference", id: ref.id, name: "ref", exists: true },
    ]);
    // CLI runs name directories: nothing to link.
    expect(ppoJobModels(temp.db, { projectId: project.id, policyDir: "/p", rewardDir: "/r" })).toEqual([]);
  });
});

describe("a best-of-n job's models", () => {
  it("names the policy and, when it scores by one, the reward model", () => {
    const sft = palate(DEFAULT_MODEL_NAME, "policy");
    const project = createProject(temp.db, { name: "Capitals" });
    const rm = palate("rm", "reward", { projectId: project.id });
    expect(bestOfNJobModels(temp.db, { projectId: project.id, policyModelId: sft.id, rewardModelId: rm.id, n: 4 })).toEqual([
      { role: "Policy", id: sft.id, name: DEFAULT_MODEL_NAME, exists: true },
      { role: "Reward model", id: rm.id, name: "rm", exists: true },
    ]);
    expect(bestOfNJobModels(temp.db, { projectId: project.id, policyModelId: sft.id, rules: "accuracy" })).toEqual([
      { role: "Policy", id: sft.id, name: DEFAULT_MODEL_NAME, exists: true },
    ]);
  });
});

describe("starting the next round from a policy", () => {
  it("a PPO policy of a project starts round + 1, mixing in the registered model it started from", () => {
    const sft = palate(DEFAULT_MODEL_NAME, "policy");
    const project = createProject(temp.db, { name: "Capitals" });
    const rm = palate("rm", "reward", { projectId: project.id });
    const round1 = ppoPolicy("ppo-1", project.id, 1, sft, rm);
    const round2 = ppoPolicy("ppo-2", project.id, 2, round1, rm);
    expect(nextRoundSource(temp.db, round1)).toEqual({
      projectId: project.id,
      policy: { id: round1.id, name: "ppo-1" },
      round: 1,
      previous: { id: sft.id, name: DEFAULT_MODEL_NAME },
    });
    expect(nextRoundSource(temp.db, round2)).toMatchObject({ round: 2, previous: { id: round1.id, name: "ppo-1" } });
    // A start policy named by directory (a CLI run), or no longer registered: nothing to mix in.
    const cli = palate("ppo-cli", "policy", { projectId: project.id, metadata: { lineage: { round: 1, startPolicy: { dir: "/tmp/sft" } } } });
    expect(nextRoundSource(temp.db, cli)).toMatchObject({ round: 1, previous: null });
    const orphan = palate("ppo-orphan", "policy", { projectId: project.id, metadata: { lineage: { round: 1, startPolicy: { id: 999, name: "gone" } } } });
    expect(nextRoundSource(temp.db, orphan)?.previous).toBeNull();
    // Not a PPO policy of a project: no next round from it.
    expect(nextRoundSource(temp.db, sft)).toBeNull();
    expect(nextRoundSource(temp.db, rm)).toBeNull();
    expect(nextRoundSource(temp.db, palate("ppo-nowhere", "policy", { metadata: { lineage: { round: 1 } } }))).toBeNull();
  });

  it("a round's generation job names the model it samples and the one it is compared with", () => {
    const sft = palate(DEFAULT_MODEL_NAME, "policy");
    const policy = palate("ppo-1", "policy");
    expect(headToHeadJobModels(temp.db, { modelId: policy.id, compareModelId: sft.id, round: 2 })).toEqual([
      { role: "Model", id: policy.id, name: "ppo-1", exists: true },
      { role: "Head to head with", id: sft.id, name: DEFAULT_MODEL_NAME, exists: true },
    ]);
    expect(headToHeadJobModels(temp.db, { modelId: policy.id, compareModelId: 999 })?.[1]).toEqual({
      role: "Head to head with",
      id: 999,
      name: "#999",
      exists: false,
    });
    // An ordinary generation job: the job page's default (its one model).
    expect(headToHeadJobModels(temp.db, { modelId: policy.id })).toBeNull();
  });
});
