// Every rule reward function, by name: the one place a run's spec (spec.ts), the CLI's help and
// the app's form look them up. A new function is a file beside accuracy.ts and a line here.
import { configHelpOf, defaultsOf } from "./params";
import { accuracyReward } from "./accuracy";
import { formatReward } from "./format";
import { lengthReward } from "./length";
import type { RewardFunction } from "./reward-function";

export const REWARD_FUNCTIONS: Readonly<Record<string, RewardFunction>> = Object.freeze(
  Object.fromEntries([accuracyReward, formatReward, lengthReward].map((f) => [f.name, f])),
);

export const REWARD_FUNCTION_NAMES: readonly string[] = Object.keys(REWARD_FUNCTIONS);

/** The registered function of that name, or undefined. */
export function rewardFunction(name: string): RewardFunction | undefined {
  return Object.hasOwn(REWARD_FUNCTIONS, name) ? REWARD_FUNCTIONS[name] : undefined;
}

/** A function as help texts and forms show it: its help, and each parameter's default and help. */
export interface RewardFunctionInfo {
  name: string;
  help: string;
  params: { name: string; default: unknown; help: string }[];
}

export function describeRewardFunctions(): RewardFunctionInfo[] {
  return Object.values(REWARD_FUNCTIONS).map((f) => {
    const defaults = defaultsOf(f.params);
    const help = configHelpOf(f.params);
    return { name: f.name, help: f.help, params: Object.keys(f.params.shape).map((p) => ({ name: p, default: defaults[p], help: help[p] })) };
  });
}
