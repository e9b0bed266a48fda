// The prompts a GRPO run learns from and the ones it is evaluated on: every distinct prompt
// (conversation) of the project once, with its reference answer (metadata.reference, read by
// lib/rewards/reference.ts as lib/datasets/reference-prompts.ts does), split by prompt into
// training and held-out sides with a seeded `validationFraction` (reward-data's splitByPrompt).
//
// A run whose rewards need a reference answer (the `accuracy` function) learns only from the
// prompts that carry one: a prompt without a reference would score 0 on every completion and
// give no signal. Otherwise every prompt is used.
import { createHash } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { prompts } from "../../db/schema";
import { splitByPrompt } from "../ml/rl/reward-data";
import type { ChatMessage } from "../ml/tokenizer";
import { referenceOf } from "../rewards/reference";

export interface GrpoPrompt {
  /** JSON of the messages (the key the split and the hashes use). */
  promptKey: string;
  messages: ChatMessage[];
  /** The reference answer, null when the prompt has none. */
  reference: string | null;
}

export interface GrpoPromptSplit {
  train: GrpoPrompt[];
  eval: GrpoPrompt[];
  /** Prompts of the project left out for lack of a reference answer. */
  withoutReference: number;
  /** sha256 of the training prompts' keys, in order (the lineage's "prompts used"). */
  trainHash: string;
}

/** Reward functions that read the reference answer. */
export const REFERENCE_REWARDS: readonly string[] = ["accuracy"];

/** Every distinct prompt of a project with its reference answer, in id order (the first reference of a repeated prompt). */
export function loadGrpoPrompts(db: Db, projectId: number): GrpoPrompt[] {
  const byKey = new Map<string, GrpoPrompt>();
  for (const row of db
    .select({ messages: prompts.messages, metadata: prompts.metadata })
    .from(prompts)
    .where(eq(prompts.projectId, projectId))
    .orderBy(asc(prompts.id))
    .all()) {
    const messages = row.messages.map((m) => ({ role: m.role, content: m.content }));
    const promptKey = JSON.stringify(messages);
    const reference = referenceOf(row.metadata);
    const seen = byKey.get(promptKey);
    if (!seen) byKey.set(promptKey, { promptKey, messages, reference });
    else if (seen.reference === null && reference !== null) seen.reference = reference;
  }
  return [...byKey.values()];
}

function hashKeys(list: readonly GrpoPrompt[]): string {
  const h = createHash("sha256");
  for (const p of list) h.update(p.promptKey + "\n");
  return h.digest("hex");
}

/** Splits the prompts (see the header); pure. */
export function splitGrpoPrompts(all: readonly GrpoPrompt[], needsReference: boolean, validationFraction: number, seed: number): GrpoPromptSplit {
  const usable = needsReference ? all.filter((p) => p.reference !== null) : [...all];
  const { train, eval: held } = splitByPrompt(usable, validationFraction, seed);
  return { train, eval: held, withoutReference: all.length - usable.length, trainHash: hashKeys(train) };
}
