import { describe, expect, it } from "vitest";
import { combineRewards, rewardMetrics } from "@/lib/rewards/combine";
import { describeRewardFunctions, REWARD_FUNCTION_NAMES, rewardFunction } from "@/lib/rewards/registry";
import { formatRewardSpec, parseRewardSpec, resolveRewardTerms, rewardTermsSchema } from "@/lib/rewards/spec";

const LENGTH_DEFAULTS = { budget: 512, ramp: 512, unit: "characters" };

describe("the registry", () => {
  it("holds accuracy, format and length, each with help and parameter defaults", () => {
    expect(REWARD_FUNCTION_NAMES).toEqual(["accuracy", "format", "length"]);
    const info = describeRewardFunctions();
    for (const f of info) expect(f.help.length).toBeGreaterThan(10);
    expect(info.find((f) => f.name === "length")?.params).toEqual([
      { name: "budget", default: 512, help: expect.stringContaining("without penalty") },
      { name: "ramp", default: 512, help: expect.stringContaining("−1") },
      { name: "unit", default: "characters", help: expect.stringContaining("tokens") },
    ]);
    expect(rewardFunction("toString")).toBeUndefined();
    expect(rewardFunction("constructor")).toBeUndefined();
  });
});

describe("parseRewardSpec", () => {
  it("reads names, weights and parameters", () => {
    expect(parseRewardSpec("accuracy,format")).toEqual([
      { name: "accuracy", weight: 1, params: {} },
      { name: "format", weight: 1, params: {} },
    ]);
    expect(parseRewardSpec(" accuracy = 1 , format=0.5 ")).toEqual([
      { name: "accuracy", weight: 1, params: {} },
      { name: "format", weight: 0.5, params: {} },
    ]);
    expect(parseRewardSpec("length(budget=200, unit=tokens)=-0.25,accuracy=0")).toEqual([
      { name: "length", weight: -0.25, params: { budget: 200, ramp: 512, unit: "tokens" } },
      { name: "accuracy", weight: 0, params: {} },
    ]);
    expect(parseRewardSpec("length")).toEqual([{ name: "length", weight: 1, params: LENGTH_DEFAULTS }]);
    expect(parseRewardSpec("length()")).toEqual([{ name: "length", weight: 1, params: LENGTH_DEFAULTS }]);
  });

  it.each<[string, RegExp]>([
    ["", /at least one reward function/],
    ["  ", /at least one reward function/],
    ["acuracy,format", /unknown reward function "acuracy" \(expected one of accuracy, format, length\)/],
    ["accuracy,rm", /unknown reward function "rm"/],
    ["accuracy,,format", /empty term/],
    ["accuracy=", /accuracy: the weight must be a number, got ""/],
    ["accuracy=high", /accuracy: the weight must be a number, got "high"/],
    ["accuracy=Infinity", /accuracy: the weight must be a number/],
    ["accuracy,accuracy=2", /"accuracy" is given twice/],
    ["length(budgt=3)", /length: unknown parameter budgt/],
    ["length(budget=-3)", /length: budget: .*>=0/],
    ["length(budget=ten)", /length: budget: .*number/],
    ["length(unit=words)", /length: unit: /],
    ["length(budget)", /length: expected PARAM=VALUE, got "budget"/],
    ["length(budget=1,budget=2)", /length: parameter budget is given twice/],
    ["accuracy(x=1)", /accuracy: unknown parameter x/],
    ["length(budget=1", /expected NAME, NAME=WEIGHT/],
    ["2=accuracy", /expected NAME, NAME=WEIGHT/],
  ])("%j fails: %s", (spec, message) => {
    expect(() => parseRewardSpec(spec)).toThrow(message);
  });

  it("writes a spec back, with the parameters that differ from the defaults only", () => {
    for (const spec of ["accuracy,format=0.5", "length(budget=200,unit=tokens)=-0.25,accuracy"]) expect(formatRewardSpec(parseRewardSpec(spec))).toBe(spec);
    expect(formatRewardSpec(parseRewardSpec("length(budget=512)"))).toBe("length");
  });

  it("checks terms stored as a job's parameters against the registry", () => {
    const terms = rewardTermsSchema.parse([{ name: "accuracy" }, { name: "length", weight: 0.5, params: { budget: 10 } }]);
    expect(resolveRewardTerms(terms)).toEqual([
      { name: "accuracy", weight: 1, params: {} },
      { name: "length", weight: 0.5, params: { ...LENGTH_DEFAULTS, budget: 10 } },
    ]);
    expect(() => resolveRewardTerms([{ name: "nope" }])).toThrow(/unknown reward function "nope"/);
    expect(rewardTermsSchema.safeParse([]).success).toBe(false);
  });
});

describe("combineRewards", () => {
  const good = { prompt: "What is 7 + 5?", completion: "<think>7 + 5 = 12</think><answer>12</answer>", reference: "12" };
  const wrong = { prompt: "What is 7 + 5?", completion: "It is 13.", reference: "12" };

  it("gives the weighted sum and each function's own value", () => {
    const rewards = combineRewards("accuracy=1,format=0.5");
    expect(rewards.names).toEqual(["accuracy", "format"]);
    expect(rewards.score(good)).toEqual({ reward: 1.5, values: { accuracy: 1, format: 1 } });
    expect(rewards.score(wrong)).toEqual({ reward: 0, values: { accuracy: 0, format: 0 } });
    expect(combineRewards("accuracy,format=-2").score({ ...good, reference: "13" })).toEqual({ reward: -2, values: { accuracy: 0, format: 1 } });
  });

  it("adds a term the caller scores itself, such as a reward model", () => {
    const rewards = combineRewards("accuracy", { external: [{ name: "reward_model", weight: 0.5 }] });
    expect(rewards.names).toEqual(["accuracy", "reward_model"]);
    expect(rewards.score(good, { reward_model: -0.4 })).toEqual({ reward: 0.8, values: { accuracy: 1, reward_model: -0.4 } });
    expect(() => rewards.score(good)).toThrow(/no value given for the reward term "reward_model"/);
    expect(() => rewards.score(good, { reward_model: Number.NaN })).toThrow(/reward_model/);
    expect(() => combineRewards("accuracy", { external: [{ name: "accuracy", weight: 1 }] })).toThrow(/given twice/);
  });

  it("takes resolved terms as well as a spec, and passes the parameters on", () => {
    const rewards = combineRewards([{ name: "length", weight: 2, params: { budget: 4, ramp: 4, unit: "characters" } }]);
    expect(rewards.score({ prompt: "", completion: "abcdef", reference: null }).reward).toBeCloseTo(-1);
  });

  it("averages each term over a batch as rewards/<name>", () => {
    const rewards = combineRewards("accuracy,format");
    const scores = [good, wrong, good, { ...good, reference: "11" }].map((s) => rewards.score(s));
    expect(rewardMetrics(scores)).toEqual({ "rewards/accuracy": 0.5, "rewards/format": 0.75 });
    expect(rewardMetrics([])).toEqual({});
  });
});
