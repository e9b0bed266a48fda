// The length reward: a penalty for completions past a budget — 0 up to `budget`, then falling
// linearly to −1 at `budget + ramp`, and −1 beyond (the shape of DAPO's soft overlong
// punishment, TRL's get_soft_overlong_punishment). Lengths in characters by default, or in
// tokens when the caller gives the completion's token count.
import { z } from "zod";
import { defineRewardFunction, type RewardInput } from "./reward-function";

export const lengthParamsSchema = z
  .object({
    budget: z.number().int().min(0).default(512).describe("Length without penalty (characters or tokens, per unit)."),
    ramp: z.number().int().min(1).default(512).describe("Length past the budget at which the penalty reaches −1."),
    unit: z
      .enum(["characters", "tokens"])
      .default("characters")
      .describe("What the length counts: characters of the completion, or its tokens (given by the trainer)."),
  })
  .strict();
export type LengthParams = z.infer<typeof lengthParamsSchema>;

const DEFAULTS = lengthParamsSchema.parse({});

/** The penalty of a completion `length` long: 0 within the budget, −1 at budget + ramp and beyond. */
export function lengthPenalty(length: number, params: Pick<LengthParams, "budget" | "ramp"> = DEFAULTS): number {
  if (length <= params.budget) return 0;
  return -Math.min(1, (length - params.budget) / params.ramp);
}

export function length(prompt: string, completion: string, reference: string | null, params: LengthParams = DEFAULTS, completionTokens?: number): number {
  if (params.unit === "tokens") {
    if (completionTokens === undefined) throw new Error('the length reward counts tokens (unit "tokens"), but the caller gave no token count');
    return lengthPenalty(completionTokens, params);
  }
  // Code points, not UTF-16 units: an emoji is one character.
  return lengthPenalty([...completion].length, params);
}

export const lengthReward = defineRewardFunction({
  name: "length",
  help: "0 up to the budget, then down linearly to −1 at budget + ramp (characters, or tokens).",
  params: lengthParamsSchema,
  score: (input: RewardInput, params: LengthParams) => length(input.prompt, input.completion, input.reference, params, input.completionTokens),
});
