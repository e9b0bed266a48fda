// What a rule reward function is: a small, pure, named function of (prompt, completion,
// reference) → number, with parameters described by one zod schema (defaults and help texts),
// as TRL's reward functions for GRPOTrainer (`def accuracy(prompts, completions, **kwargs)`).
import type { z } from "zod";

/** One sample to score. */
export interface RewardInput {
  /** The prompt as text (lib/datasets/prompt-text.ts promptText for a conversation). */
  prompt: string;
  completion: string;
  /** The prompt's reference answer (metadata.reference; reference.ts), null when it has none. */
  reference: string | null;
  /** The completion's length in tokens, when the caller has it (the `length` reward may count tokens). */
  completionTokens?: number;
}

/** The parameter schema of a reward function: a zod object whose every field has a default and a description. */
export type RewardParamsSchema = z.ZodObject<Record<string, z.ZodType>>;

/** A registered rule reward function. */
export interface RewardFunction<S extends RewardParamsSchema = RewardParamsSchema> {
  /** The name a run's spec uses, and its metric's: `rewards/<name>`. */
  name: string;
  /** One line: what it rewards, and its range. */
  help: string;
  /** Its parameters, each with a default and a help text (`{}` parses to the defaults). */
  params: S;
  /** The reward of one sample under resolved parameters. */
  score(input: RewardInput, params: z.infer<S>): number;
}

/**
 * A reward function as the registry holds it (its parameters' type erased). Its `score` is only
 * ever called with parameters that its own schema parsed, which is what makes the cast sound.
 */
export function defineRewardFunction<S extends RewardParamsSchema>(f: RewardFunction<S>): RewardFunction {
  return f as unknown as RewardFunction;
}
