// Scoring a typed-in prompt and 2–4 completions with a registered reward model (the model page's
// "Try it" form, POST /api/models/[id]/score): the completions' rewards, ranked best first.
// Encoded exactly as in training (the chat template, the prompt as one user turn), by the same
// RewardScorer the scoring job and PPO use; the model is loaded per request and released.
import { z } from "zod";
import type { Db } from "../../db/client";
import { encodeCompletion } from "../ml/rl/reward-data";
import { getModelRow, modelDir } from "../models/registry";

export const MAX_TYPED_CHARS = 20_000;

/** The request body: a prompt and 2–4 completions, each non-empty. */
export const scoreTypedSchema = z
  .object({
    prompt: z
      .string({ error: (iss) => (iss.input === undefined ? "required: the prompt to score completions of" : "must be a string") })
      .trim()
      .min(1, "type a prompt")
      .max(MAX_TYPED_CHARS, `at most ${MAX_TYPED_CHARS} characters`),
    completions: z
      .array(z.string({ error: "must be a string" }).trim().min(1, "a completion is empty").max(MAX_TYPED_CHARS, `at most ${MAX_TYPED_CHARS} characters`), {
        error: (iss) => (iss.input === undefined ? "required: 2 to 4 completions" : "must be a list of 2 to 4 strings"),
      })
      .min(2, "give at least 2 completions")
      .max(4, "give at most 4 completions"),
  })
  .strict();
export type ScoreTypedInput = z.infer<typeof scoreTypedSchema>;

export interface ScoredCompletion {
  /** The completion's position in the request (0-based). */
  index: number;
  completion: string;
  score: number;
  /** Tokens scored (prompt + completion in the chat template, after cutting to the model's context). */
  tokens: number;
  /** The sequence was longer than the model's context and lost its first tokens. */
  truncated: boolean;
}

export interface ScoreTypedResult {
  model: { id: number; name: string };
  /** Best first (highest reward); equal scores keep the request's order. */
  ranked: ScoredCompletion[];
}

/** The model is not a registered reward model (the route answers 404). */
export class NotARewardModelError extends Error {}
/** The reward model is registered but cannot be loaded (an endpoint, or its directory is gone). */
export class RewardModelUnavailableError extends Error {}

/** Throws NotARewardModelError unless `modelId` names a registered reward model; returns its row. */
export function rewardModelRow(db: Db, modelId: number) {
  const row = getModelRow(db, modelId);
  if (!row || row.kind !== "reward") throw new NotARewardModelError(row ? `${row.name} is not a reward model` : `no model ${modelId}`);
  return row;
}

export async function scoreTyped(db: Db, modelId: number, input: ScoreTypedInput): Promise<ScoreTypedResult> {
  const row = rewardModelRow(db, modelId);
  if (row.source !== "palate") throw new RewardModelUnavailableError(`${row.name} is an endpoint; only Palate model directories can score`);
  const { RewardScorer } = await import("../ml/rl/reward-scorer");
  let scorer: Awaited<ReturnType<typeof RewardScorer.load>>;
  try {
    scorer = await RewardScorer.load(modelDir(row));
  } catch (err) {
    throw new RewardModelUnavailableError(`${row.name} could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const prompt = [{ role: "user" as const, content: input.prompt }];
    const items = input.completions.map((completion) => ({ prompt, completion }));
    const full = items.map((it) => encodeCompletion(scorer.tokenizer, it.prompt, it.completion, Number.POSITIVE_INFINITY));
    const ids = items.map((it) => scorer.encode(it));
    const scores = await scorer.scoreIds(ids);
    const ranked = input.completions
      .map((completion, index) => ({ index, completion, score: scores[index], tokens: ids[index].length, truncated: full[index].length > ids[index].length }))
      .sort((a, b) => b.score - a.score || a.index - b.index);
    return { model: { id: row.id, name: row.name }, ranked };
  } finally {
    await scorer.release();
  }
}
