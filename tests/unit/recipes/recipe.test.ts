// The recipe view's layout (lib/recipes/recipe.ts) on hand-made registry rows shaped as each run
// writes them (lib/*/run-*.ts), and its store (recipe-store.ts) on a real SQLite file with a real
// best-of-n file on disk.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { figuresOf, formatFigure, methodOf, projectRecipes, type Recipe, type RecipeModelRow, type SftFileSource } from "@/lib/recipes/recipe";
import { readProjectRecipes, sftFileSource } from "@/lib/recipes/recipe-store";
import { tempDb } from "@/tests/helpers/app";

const P = 7;
const ref = (r: RecipeModelRow) => ({ id: r.id, name: r.name });
const project = { id: P, name: "arith" };

const defaultSft: RecipeModelRow = { id: 1, name: "default-sft", kind: "policy", projectId: null, metadata: null };
const rm1: RecipeModelRow = {
  id: 2,
  name: "rm-1",
  kind: "reward",
  projectId: P,
  metadata: { lineage: { baseModel: ref(defaultSft), project, round: 1 }, metrics: { eval_accuracy: 0.71, eval_loss: 0.58 } },
};
const ppo1: RecipeModelRow = {
  id: 3,
  name: "ppo-1",
  kind: "policy",
  projectId: P,
  metadata: {
    lineage: {
      round: 1,
      sftModel: ref(defaultSft),
      startPolicy: ref(defaultSft),
      reference: ref(defaultSft),
      rewardModel: ref(rm1),
      project,
      valueModel: "value",
    },
    metrics: { eval_scores: 0.9, eval_scores_reference: 0.2, eval_kl: 0.05 },
  },
};
const rm2: RecipeModelRow = { id: 4, name: "rm-2", kind: "reward", projectId: P, metadata: { lineage: { baseModel: ref(defaultSft), round: 2 }, metrics: {} } };
const ppo2: RecipeModelRow = {
  id: 5,
  name: "ppo-2",
  kind: "policy",
  projectId: P,
  metadata: { lineage: { round: 2, sftModel: ref(defaultSft), startPolicy: ref(ppo1), rewardModel: ref(rm2) }, metrics: {} },
};
const coldSft: RecipeModelRow = {
  id: 6,
  name: "cold-sft",
  kind: "policy",
  projectId: P,
  metadata: {
    lineage: { method: "sft", base: ref(defaultSft), source: { kind: "file", file: "/data/cold.jsonl", rows: 500 }, mixFiles: [] },
    metrics: { eval_loss: 0.3141, eval_accuracy: 0.5 },
  },
};
const grpo1: RecipeModelRow = {
  id: 7,
  name: "grpo-1",
  kind: "policy",
  projectId: P,
  metadata: {
    lineage: { method: "grpo", startPolicy: ref(coldSft), sftModel: ref(coldSft), reference: ref(coldSft), rewardModel: null },
    metrics: { eval_accuracy: 0.8, eval_accuracy_reference: 0.5, "eval_rewards/format": 0.97, eval_reward: 1.7, eval_reward_reference: 1.2 },
  },
};
const rsSft: RecipeModelRow = {
  id: 8,
  name: "rs-sft",
  kind: "policy",
  projectId: P,
  metadata: {
    lineage: { method: "sft", base: ref(defaultSft), source: { kind: "demonstrations" }, mixFiles: [{ file: "/data/kept.jsonl", ratio: 0.5, rows: 300 }] },
    metrics: { eval_loss: 0.4 },
  },
};
const grpo2: RecipeModelRow = {
  id: 9,
  name: "grpo-2",
  kind: "policy",
  projectId: P,
  metadata: { lineage: { method: "grpo", startPolicy: ref(rsSft) }, metrics: {} },
};
const grpo3: RecipeModelRow = {
  id: 10,
  name: "grpo-3",
  kind: "policy",
  projectId: P,
  metadata: { lineage: { method: "grpo", startPolicy: ref(grpo2) }, metrics: {} },
};
const other: RecipeModelRow = {
  id: 11,
  name: "other-project-grpo",
  kind: "policy",
  projectId: 99,
  metadata: { lineage: { method: "grpo", startPolicy: ref(defaultSft) } },
};

const ALL = [defaultSft, rm1, ppo1, rm2, ppo2, coldSft, grpo1, rsSft, grpo2, grpo3, other];
const FILES = new Map<number, SftFileSource[]>([
  [coldSft.id, [{ file: "/data/cold.jsonl", kind: "other", rows: 500 }]],
  [rsSft.id, [{ file: "/data/kept.jsonl", kind: "best-of-n", policy: "grpo-1", by: "accuracy,format", n: 8, rows: 300 }]],
]);

const names = (recipes: Recipe[], key: string) =>
  Object.fromEntries(recipes.find((r) => r.key === key)!.steps.map((s) => [s.key, s.models.map((m) => m.name)]));

describe("methodOf", () => {
  it("reads each run's lineage: method, reward kind, PPO's round, the embedded default-sft", () => {
    expect(ALL.map(methodOf)).toEqual(["sft", "reward", "ppo", "reward", "ppo", "sft", "grpo", "sft", "grpo", "grpo", "grpo"]);
    expect(methodOf({ id: 20, name: "dir-model", kind: "policy", projectId: null, metadata: null })).toBeNull();
    expect(methodOf({ id: 21, name: "dpo", kind: "policy", projectId: P, metadata: { lineage: { method: "dpo" } } })).toBe("dpo");
  });
});

describe("projectRecipes", () => {
  const recipes = projectRecipes(P, ALL, FILES);

  it("lays out InstructGPT: the SFT model its RMs and PPO name, the RMs and PPO policies by round", () => {
    expect(names(recipes, "instructgpt")).toEqual({ sft: ["default-sft"], reward: ["rm-1", "rm-2"], ppo: ["ppo-1", "ppo-2"] });
    const ppo = recipes[0].steps[2].models;
    expect(ppo.map((m) => m.round)).toEqual([1, 2]);
    expect(ppo[1].from).toEqual([
      { id: ppo1.id, name: "ppo-1", relation: "start policy" },
      { id: rm2.id, name: "rm-2", relation: "reward model" },
      { id: defaultSft.id, name: "default-sft", relation: "SFT model" },
    ]);
    expect(recipes[0].steps[0].models[0].ofProject).toBe(false);
  });

  it("lays out R1: cold start → GRPO → rejection sampling → SFT on the kept answers → the GRPO policies after it", () => {
    expect(names(recipes, "r1")).toEqual({
      "cold-start": ["cold-sft"],
      grpo: ["grpo-1"],
      "rejection-sampling": [],
      "rs-sft": ["rs-sft"],
      "grpo-final": ["grpo-2", "grpo-3"],
    });
    const r1 = recipes.find((r) => r.key === "r1")!;
    expect(r1.steps[2].data).toEqual([
      { file: "/data/kept.jsonl", rows: 300, policy: { id: grpo1.id, name: "grpo-1" }, by: "accuracy,format", n: 8, usedBy: { id: rsSft.id, name: "rs-sft" } },
    ]);
    // The SFT on kept answers links back to the sampled policy; the GRPO after it to it.
    expect(r1.steps[3].models[0].from.map((l) => [l.name, l.relation])).toEqual([
      ["default-sft", "base"],
      ["grpo-1", "sampled policy"],
    ]);
    expect(r1.steps[4].models[0].from[0]).toEqual({ id: rsSft.id, name: "rs-sft", relation: "start policy" });
    // Another project's GRPO policy is not this project's.
    expect(JSON.stringify(recipes)).not.toContain("other-project-grpo");
    // No DPO policy: no DPO recipe.
    expect(recipes.map((r) => r.key)).toEqual(["instructgpt", "r1"]);
  });

  it("without readable best-of-n files every GRPO policy is in the first GRPO step, and the SFT models go to InstructGPT's SFT step", () => {
    const r = projectRecipes(P, ALL);
    expect(names(r, "r1")).toEqual({
      "cold-start": ["cold-sft", "rs-sft"],
      grpo: ["grpo-1", "grpo-2", "grpo-3"],
      "rejection-sampling": [],
      "rs-sft": [],
      "grpo-final": [],
    });
    expect(names(r, "instructgpt").sft).toEqual(["default-sft"]);
  });

  it("an R1-Zero run (GRPO straight from default-sft) shows default-sft as what GRPO started from", () => {
    const zero: RecipeModelRow = {
      id: 30,
      name: "zero",
      kind: "policy",
      projectId: 3,
      metadata: { lineage: { method: "grpo", startPolicy: ref(defaultSft) } },
    };
    expect(names(projectRecipes(3, [defaultSft, zero]), "r1")["cold-start"]).toEqual(["default-sft"]);
    expect(names(projectRecipes(3, [defaultSft, zero]), "instructgpt")).toEqual({ sft: [], reward: [], ppo: [] });
  });

  it("adds the DPO recipe when the project has a DPO policy", () => {
    const dpo: RecipeModelRow = {
      id: 40,
      name: "dpo-1",
      kind: "policy",
      projectId: P,
      metadata: { lineage: { method: "dpo", basePolicy: ref(defaultSft) }, metrics: { "eval_rewards/accuracies": 0.66, "eval_rewards/margins": 0.12 } },
    };
    const r = projectRecipes(P, [...ALL, dpo], FILES);
    expect(names(r, "dpo")).toEqual({ "dpo-sft": ["default-sft"], dpo: ["dpo-1"] });
    expect(r[2].steps[1].models[0].figures.map(formatFigure)).toEqual(["66.0%", "0.120"]);
  });

  it("an empty registry gives the two recipes with empty steps", () => {
    const r = projectRecipes(P, []);
    expect(r.map((x) => x.steps.map((s) => s.models.length + (s.data?.length ?? 0)))).toEqual([
      [0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
  });
});

describe("figures", () => {
  it("shows each method's stored evaluation, with the start's where the run measured it", () => {
    expect(figuresOf(rm1).map((f) => `${f.label} ${formatFigure(f)}`)).toEqual(["held-out accuracy 71.0%", "held-out loss 0.5800"]);
    expect(figuresOf(ppo1).map((f) => `${f.label} ${formatFigure(f)}`)).toEqual(["held-out score 0.200 → 0.900", "KL 0.050"]);
    expect(figuresOf(grpo1).map((f) => `${f.label} ${formatFigure(f)}`)).toEqual([
      "held-out accuracy 50.0% → 80.0%",
      "format 97.0%",
      "held-out reward 1.200 → 1.700",
    ]);
    expect(figuresOf(coldSft).map((f) => `${f.label} ${formatFigure(f)}`)).toEqual(["exact-answer accuracy 50.0%", "held-out loss 0.3141"]);
    // Missing or non-numeric metrics are left out, not shown as 0.
    expect(figuresOf({ ...rm1, metadata: { metrics: { eval_accuracy: "high", eval_loss: null } } })).toEqual([]);
    expect(figuresOf(defaultSft)).toEqual([]);
  });
});

describe("readProjectRecipes", () => {
  let temp: ReturnType<typeof tempDb>;
  beforeAll(() => (temp = tempDb()));
  afterAll(() => temp.cleanup());

  it("reads the registry and tells a best-of-n file (its sampled policy) from another file and a missing one", () => {
    const db = temp.db;
    const projectId = createProject(db, { name: "recipe" }).id;
    const base = registerModel(db, { name: "base-sft", kind: "policy", source: "palate", path: "/nowhere/base" });
    const cold = join(temp.dir, "cold.jsonl");
    writeFileSync(
      cold,
      JSON.stringify({
        messages: [
          { role: "user", content: "What is 1 + 1?" },
          { role: "assistant", content: "x" },
        ],
        metadata: { reference: "2" },
      }) + "\n",
    );
    const coldModel = registerModel(db, {
      name: "cold",
      kind: "policy",
      source: "palate",
      path: "/nowhere/cold",
      projectId,
      metadata: { lineage: { method: "sft", base: { id: base.id, name: base.name }, source: { kind: "file", file: cold, rows: 1 }, mixFiles: [] } },
    });
    const g1 = registerModel(db, {
      name: "g1",
      kind: "policy",
      source: "palate",
      path: "/nowhere/g1",
      projectId,
      metadata: { lineage: { method: "grpo", startPolicy: { id: coldModel.id, name: "cold" } }, metrics: { eval_accuracy: 0.75 } },
    });
    const kept = join(temp.dir, "kept.jsonl");
    writeFileSync(
      kept,
      JSON.stringify({
        messages: [
          { role: "user", content: "What is 2 + 2?" },
          { role: "assistant", content: "<think>2 + 2 = 4.</think><answer>4</answer>" },
        ],
        metadata: { score: 1, by: "accuracy", n: 8, sample: 3, policy: "g1", prompt_id: 1, reference: "4" },
      }) + "\n",
    );
    const rs = registerModel(db, {
      name: "rs",
      kind: "policy",
      source: "palate",
      path: "/nowhere/rs",
      projectId,
      metadata: {
        lineage: {
          method: "sft",
          base: { id: base.id, name: base.name },
          source: { kind: "demonstrations" },
          mixFiles: [
            { file: kept, ratio: 0.5, rows: 1 },
            { file: join(temp.dir, "gone.jsonl"), ratio: 0.1, rows: 3 },
          ],
        },
      },
    });
    registerModel(db, {
      name: "g2",
      kind: "policy",
      source: "palate",
      path: "/nowhere/g2",
      projectId,
      metadata: { lineage: { method: "grpo", startPolicy: { id: rs.id, name: "rs" } } },
    });

    const recipes = readProjectRecipes(db, projectId);
    expect(names(recipes, "r1")).toEqual({ "cold-start": ["cold"], grpo: ["g1"], "rejection-sampling": [], "rs-sft": ["rs"], "grpo-final": ["g2"] });
    expect(recipes[1].steps[2].data).toEqual([
      { file: kept, rows: 1, policy: { id: g1.id, name: "g1" }, by: "accuracy", n: 8, usedBy: { id: rs.id, name: "rs" } },
    ]);
    expect(sftFileSource(join(temp.dir, "gone.jsonl"), 3)).toEqual({ file: join(temp.dir, "gone.jsonl"), kind: "missing", rows: 3 });
    expect(sftFileSource(cold, 1).kind).toBe("other");
  });
});
