// The GRPO and DPO pages' pure parts: the forms' fields derived from GrpoConfig's and DpoConfig's
// schemas (every setting, its default and help, a section for each), the reward functions' own
// parameters as fields, the job pages' chart groups (each reward function's curve in one chart),
// and the evaluation a GRPO job publishes read back for its sample table.
import { describe, expect, it } from "vitest";
import { configFieldSpecs } from "@/app/components/config-fields";
import { metricGroupsOf } from "@/app/components/job-metric-groups";
import { metricPanels, type MetricPoint } from "@/app/components/job-metrics-chart";
import { DPO_FIELD_LABELS, DPO_FIELD_SECTIONS } from "@/app/research/projects/[id]/dpo/dpo-form-layout";
import { GRPO_FIELD_LABELS, GRPO_FIELD_SECTIONS } from "@/app/research/projects/[id]/grpo/grpo-form-layout";
import { DPO_JOB_KIND } from "@/lib/dpo/job-params";
import { parseGrpoEvaluation, type GrpoEvaluation } from "@/lib/grpo/evaluation";
import { GRPO_JOB_KIND } from "@/lib/grpo/job-params";
import { DEFAULT_DPO_CONFIG, DPO_CONFIG_HELP, dpoConfigObject } from "@/lib/ml/rl/dpo-config";
import { DEFAULT_GRPO_CONFIG, GRPO_CONFIG_HELP, grpoConfigObject } from "@/lib/ml/rl/grpo-config";
import { DPO_EVAL_METRIC_NAMES, DPO_METRIC_NAMES } from "@/lib/ml/rl/train-dpo";
import { GRPO_METRIC_NAMES } from "@/lib/ml/rl/train-grpo";
import { defaultsOf } from "@/lib/rewards/params";
import { REWARD_FUNCTIONS } from "@/lib/rewards/registry";

describe("the GRPO and DPO forms' fields", () => {
  const forms = [
    ["GRPO", grpoConfigObject.shape, DEFAULT_GRPO_CONFIG, GRPO_CONFIG_HELP, GRPO_FIELD_LABELS, GRPO_FIELD_SECTIONS],
    ["DPO", dpoConfigObject.shape, DEFAULT_DPO_CONFIG, DPO_CONFIG_HELP, DPO_FIELD_LABELS, DPO_FIELD_SECTIONS],
  ] as const;

  it.each(forms)("%s: every setting of the schema, with its default and help text, placed in a section", (_, shape, defaults, help, labels, sections) => {
    const fields = configFieldSpecs(shape, defaults, { labels, sections });
    expect(fields.map((f) => f.key)).toEqual(Object.keys(shape));
    for (const f of fields) {
      expect(f.default, f.key).toEqual((defaults as Record<string, unknown>)[f.key]);
      expect(f.help, f.key).toBe((help as Record<string, string>)[f.key]);
      expect(f.help.length, f.key).toBeGreaterThan(10);
    }
    expect(fields.filter((f) => f.section === "Other").map((f) => f.key)).toEqual([]);
    const keys = Object.keys(shape);
    expect(Object.keys(sections).filter((k) => !keys.includes(k))).toEqual([]);
    expect(Object.keys(labels).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it("offers the enums as selects: GRPO's loss type and advantage scaling, DPO's loss type", () => {
    const grpo = Object.fromEntries(configFieldSpecs(grpoConfigObject.shape, DEFAULT_GRPO_CONFIG).map((f) => [f.key, f]));
    expect(grpo.lossType).toMatchObject({ kind: "enum", options: ["grpo", "bnpo", "dr_grpo"], default: "grpo" });
    expect(grpo.scaleRewards).toMatchObject({ kind: "enum", options: ["group", "batch", "none"], default: "group" });
    expect(grpo.beta).toMatchObject({ kind: "float", min: 0, default: 0.04 });
    expect(grpo.numGenerations).toMatchObject({ kind: "int", min: 2, default: 8 });
    const dpo = Object.fromEntries(configFieldSpecs(dpoConfigObject.shape, DEFAULT_DPO_CONFIG).map((f) => [f.key, f]));
    expect(dpo.lossType).toMatchObject({ kind: "enum", options: ["sigmoid", "ipo"], default: "sigmoid" });
    expect(dpo.includeNoneAcceptable).toMatchObject({ kind: "bool", default: false });
  });

  it("gives every reward function's parameters a field with its default (the length penalty's budget and unit)", () => {
    const length = configFieldSpecs(REWARD_FUNCTIONS.length.params.shape, defaultsOf(REWARD_FUNCTIONS.length.params));
    expect(length.find((f) => f.key === "budget")).toMatchObject({ kind: "int", min: 0, default: 512 });
    expect(length.every((f) => f.help.length > 5)).toBe(true);
    expect(configFieldSpecs(REWARD_FUNCTIONS.accuracy.params.shape, {})).toEqual([]);
  });
});

describe("the GRPO and DPO job pages' charts", () => {
  const points = (names: readonly string[], steps = [1, 2]): MetricPoint[] => names.flatMap((name) => steps.map((step) => ({ step, name, value: step })));

  it("the client's kind names are the jobs' (job-metric-groups.ts writes them out)", () => {
    expect(metricGroupsOf(GRPO_JOB_KIND).length).toBeGreaterThan(0);
    expect(metricGroupsOf(DPO_JOB_KIND).length).toBeGreaterThan(0);
  });

  it("GRPO: reward, one chart with every reward function's curve (train and held-out), spread, accuracy, KL, length, clip ratio, entropy", () => {
    const logged = points([...GRPO_METRIC_NAMES, "rewards/format", "rewards/accuracy"]).concat(
      points(
        [
          "eval_reward",
          "eval_reward_reference",
          "eval_rewards/accuracy",
          "eval_rewards/format",
          "eval_accuracy",
          "eval_accuracy_reference",
          "eval_completion_length",
        ],
        [2],
      ),
    );
    const panels = metricPanels(logged, metricGroupsOf(GRPO_JOB_KIND));
    const grouped = panels.filter((p) => p.grouped).map((p) => [p.name, p.series.map((s) => s.name)]);
    expect(grouped).toEqual([
      ["Reward", ["reward", "eval_reward", "eval_reward_reference"]],
      ["Reward functions", ["rewards/accuracy", "rewards/format", "eval_rewards/accuracy", "eval_rewards/format"]],
      ["Reward spread", ["reward_std", "frac_reward_zero_std"]],
      ["Held-out exact-answer accuracy", ["eval_accuracy", "eval_accuracy_reference"]],
      ["KL", ["kl"]],
      ["Completion length", ["completion_length", "eval_completion_length", "completions/clipped_ratio"]],
      ["Clip ratio", ["clip_ratio"]],
      ["Entropy", ["entropy"]],
    ]);
    // The rest (loss, grad_norm, lr, timings) wait behind "More metrics", each on its own.
    expect(panels.filter((p) => !p.grouped).map((p) => p.name)).toEqual([
      "loss",
      "grad_norm",
      "lr",
      "episode",
      "eps",
      "time/rollout",
      "time/score",
      "time/update",
    ]);
    // A third function, or the reward model's part, joins the same chart by itself.
    const more = metricPanels(points(["rewards/length", "rewards/reward_model", "rewards/accuracy"]), metricGroupsOf(GRPO_JOB_KIND));
    expect(more.map((p) => [p.name, p.series.map((s) => s.name)])).toEqual([
      ["Reward functions", ["rewards/accuracy", "rewards/length", "rewards/reward_model"]],
    ]);
  });

  it("DPO: loss, chosen/rejected rewards, margins, accuracies and log-probabilities, each with its held-out counterpart", () => {
    const panels = metricPanels(points(DPO_METRIC_NAMES).concat(points(DPO_EVAL_METRIC_NAMES, [2])), metricGroupsOf(DPO_JOB_KIND));
    expect(panels.filter((p) => p.grouped).map((p) => [p.name, p.series.map((s) => s.name)])).toEqual([
      ["Loss", ["loss", "eval_loss"]],
      ["Rewards", ["rewards/chosen", "rewards/rejected", "eval_rewards/chosen", "eval_rewards/rejected"]],
      ["Margins", ["rewards/margins", "eval_rewards/margins"]],
      ["Accuracies", ["rewards/accuracies", "eval_rewards/accuracies"]],
      ["Log-probabilities", ["logps/chosen", "logps/rejected", "eval_logps/chosen", "eval_logps/rejected"]],
    ]);
    expect(panels.filter((p) => !p.grouped).map((p) => p.name)).toEqual(["grad_norm", "lr", "epoch"]);
  });
});

describe("a GRPO job's published evaluation", () => {
  const evaluation: GrpoEvaluation = {
    iteration: 4,
    episode: 32,
    reward: 0.5,
    reward_reference: 0.25,
    rewards: { accuracy: 0.5, format: 0 },
    accuracy: 0.5,
    accuracy_reference: 0.25,
    completion_length: 6.5,
    samples: [
      {
        prompt: "What is 2 + 3?",
        answer: "5",
        referenceCompletion: "6",
        policyCompletion: "5",
        referenceReward: 0,
        policyReward: 1,
        referenceCorrect: false,
        policyCorrect: true,
      },
    ],
  };

  it("reads back as the trainer wrote it (through JSON), and anything of another shape is null", () => {
    expect(parseGrpoEvaluation(JSON.parse(JSON.stringify(evaluation)))).toEqual(evaluation);
    expect(parseGrpoEvaluation({ ...evaluation, accuracy: null, accuracy_reference: null })).not.toBeNull();
    expect(parseGrpoEvaluation({ ...evaluation, reward: "high" })).toBeNull();
    expect(parseGrpoEvaluation({ ...evaluation, samples: [{ prompt: "x" }] })).toBeNull();
    expect(parseGrpoEvaluation(null)).toBeNull();
  });
});
