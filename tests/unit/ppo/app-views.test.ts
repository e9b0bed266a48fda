// The PPO pages' pure parts: the form's fields derived from PpoConfig's schema, and the job
// page's chart groups.
import { describe, expect, it } from "vitest";
import { configFieldSpecs, fieldLabel } from "@/app/components/config-fields";
import { metricGroupsOf } from "@/app/components/job-metric-groups";
import { isEvalMetric, metricPanels, type MetricPoint } from "@/app/components/job-metrics-chart";
import { PPO_FIELD_LABELS, PPO_FIELD_SECTIONS } from "@/app/research/projects/[id]/ppo/ppo-form-layout";
import { DEFAULT_PPO_CONFIG, PPO_CONFIG_HELP, ppoConfigObject } from "@/lib/ml/rl/ppo-config";

describe("the PPO form's fields", () => {
  const fields = configFieldSpecs(ppoConfigObject.shape, DEFAULT_PPO_CONFIG, { labels: PPO_FIELD_LABELS, sections: PPO_FIELD_SECTIONS });

  it("are every setting of the schema, with its default and help text", () => {
    expect(fields.map((f) => f.key)).toEqual(Object.keys(ppoConfigObject.shape));
    for (const f of fields) {
      expect(f.default, f.key).toEqual(DEFAULT_PPO_CONFIG[f.key as keyof typeof DEFAULT_PPO_CONFIG]);
      expect(f.help, f.key).toBe(PPO_CONFIG_HELP[f.key as keyof typeof PPO_CONFIG_HELP]);
      expect(f.help.length, f.key).toBeGreaterThan(10);
    }
  });

  it("take their input kind and bounds from the schema: integers, numbers, checkboxes, a select for enums", () => {
    const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
    expect(byKey.totalEpisodes).toMatchObject({ kind: "int", min: 1, max: 10_000_000, label: "Total episodes" });
    expect(byKey.learningRate).toMatchObject({ kind: "float", min: 0, max: 1, default: 3e-5 });
    expect(byKey.adaptiveKl).toMatchObject({ kind: "bool", default: false });
    expect(byKey.klEstimator).toMatchObject({ kind: "enum", options: ["k1", "k3"], default: "k1" });
    expect(byKey.seed).toMatchObject({ kind: "int", min: 0, max: 2 ** 31 - 1 });
  });

  it("the layout places every setting in a section and names no setting the schema lacks", () => {
    const keys = Object.keys(ppoConfigObject.shape);
    expect(fields.filter((f) => f.section === "Other").map((f) => f.key)).toEqual([]);
    expect(Object.keys(PPO_FIELD_SECTIONS).filter((k) => !keys.includes(k))).toEqual([]);
    expect(Object.keys(PPO_FIELD_LABELS).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it("derive a label from a name the layout does not label", () => {
    expect(fieldLabel("numPpoEpochs")).toBe("Num PPO epochs");
    expect(fieldLabel("klCoef")).toBe("KL coef");
    expect(fieldLabel("seed")).toBe("Seed");
    const [f] = configFieldSpecs({ newSetting: ppoConfigObject.shape.seed }, { newSetting: 3 });
    expect(f).toMatchObject({ key: "newSetting", label: "New setting", section: "Other", default: 3, kind: "int" });
  });
});

describe("the PPO job page's charts", () => {
  const points = (names: string[], steps = [1, 2]): MetricPoint[] => names.flatMap((name) => steps.map((step) => ({ step, name, value: step })));

  it("group PPO's metrics (reward, KL, entropy, losses, clip fractions) first, the others on their own after", () => {
    const logged = points([
      "objective/scores",
      "objective/rlhf_reward",
      "objective/non_score_reward",
      "objective/kl",
      "objective/entropy",
      "policy/approxkl_avg",
      "policy/clipfrac_avg",
      "loss/policy_avg",
      "loss/value_avg",
      "val/clipfrac_avg",
      "policy/entropy_avg",
      "lr",
    ]).concat(points(["eval_scores", "eval_scores_reference", "eval_kl", "eval_win_rate", "eval_num_eos_tokens"], [2]));
    const panels = metricPanels(logged, metricGroupsOf("ppo"));
    expect(panels.map((p) => [p.name, p.series.map((s) => s.name)])).toEqual([
      ["Reward", ["objective/scores", "objective/rlhf_reward", "eval_scores", "eval_scores_reference"]],
      ["KL", ["objective/kl", "eval_kl"]],
      ["Entropy", ["objective/entropy", "policy/entropy_avg"]],
      ["Losses", ["loss/policy_avg", "loss/value_avg"]],
      ["Clip fractions", ["policy/clipfrac_avg", "val/clipfrac_avg", "policy/approxkl_avg"]],
      ["Held-out win rate over the SFT model", ["eval_win_rate"]],
      ["objective/non_score_reward", ["objective/non_score_reward"]],
      ["lr", ["lr"]],
      ["eval_num_eos_tokens", ["eval_num_eos_tokens"]],
    ]);
    expect(panels.slice(0, 6).every((p) => p.grouped)).toBe(true);
    // The held-out figures join their group's chart even before a training point has one.
    const heldOut = metricPanels(points(["objective/kl", "eval_kl", "eval_scores"]), metricGroupsOf("ppo"));
    expect(heldOut.map((p) => [p.name, p.series.map((s) => s.name)])).toEqual([
      ["Reward", ["eval_scores"]],
      ["KL", ["objective/kl", "eval_kl"]],
    ]);
    // One spelling: the trainer's. Every name a group lists is a TRL name or an eval_ one.
    expect(
      metricGroupsOf("ppo")
        .flatMap((g) => g.metrics)
        .filter((m) => m.startsWith("eval") && !isEvalMetric(m)),
    ).toEqual([]);
    // A group shows only once one of its metrics has points.
    expect(metricPanels(points(["lr"]), metricGroupsOf("ppo")).map((p) => p.name)).toEqual(["lr"]);
  });

  it("leave kinds without groups as they were: a metric with its eval_ counterpart", () => {
    expect(metricGroupsOf("train-rm")).toEqual([]);
    const panels = metricPanels(points(["accuracy", "loss", "eval_loss"]), metricGroupsOf("train-rm"));
    expect(panels.map((p) => [p.name, p.series.map((s) => s.name)])).toEqual([
      ["loss", ["loss", "eval_loss"]],
      ["accuracy", ["accuracy"]],
    ]);
  });
});
