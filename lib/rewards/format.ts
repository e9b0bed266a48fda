// The format reward (DeepSeek-R1's "format reward"): 1 when the completion is exactly
// `<think>…</think><answer>…</answer>` — whitespace and line breaks allowed around and between
// the two blocks, nothing else outside them, both blocks non-empty (more than whitespace), no
// tag inside either block, tags in lower case as written — else 0.
import { z } from "zod";
import { defineRewardFunction, type RewardInput } from "./reward-function";

const SHAPE = /^\s*<think>([\s\S]*?)<\/think>\s*<answer>([\s\S]*?)<\/answer>\s*$/;
const TAG = /<\/?(?:think|answer)>/i;

export function format(prompt: string, completion: string): number {
  const m = SHAPE.exec(completion);
  if (!m) return 0;
  const [, think, answer] = m;
  if (think.trim() === "" || answer.trim() === "") return 0;
  return TAG.test(think) || TAG.test(answer) ? 0 : 1;
}

export const formatReward = defineRewardFunction({
  name: "format",
  help: "1 when the completion is exactly <think>…</think><answer>…</answer> (whitespace between and around, both non-empty), else 0.",
  params: z.object({}).strict(),
  score: (input: RewardInput) => format(input.prompt, input.completion),
});
