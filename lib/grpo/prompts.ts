// The prompts a GRPO run learns from and the ones it is evaluated on: every distinct prompt
// (conversation) of the project once, with its reference answer (metadata.reference, read by
// lib/rewards/reference.ts as lib/datasets/reference-prompts.ts does), split by prompt into
// training and held-out sides with a seeded `validationFraction` (reward-data's splitByPrompt).
//
// A dataset that comes with its own split (GSM8K's train and test files, a qa file whose lines
// say `"metadata": {"split": "test"}`) keeps it: when any prompt of the project carries
// metadata.split, the prompts marked "test" (or "validation", "eval") are the held-out side,
// every other prompt trains, and validationFraction and the seed do not move a prompt.
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
  /** The dataset's own side for the prompt (metadata.split), null when it names none. */
  split: DatasetSplit | null;
}

export type DatasetSplit = "train" | "test";

export interface GrpoPromptSplit {
  train: GrpoPrompt[];
  eval: GrpoPrompt[];
  /** Prompts of the project left out for lack of a reference answer. */
  withoutReference: number;
  /** sha256 of the training prompts' keys, in order (the lineage's "prompts used"). */
  trainHash: string;
  /** How the held-out side was chosen: the prompts' metadata.split, or the seeded fraction. */
  by: "metadata" | "fraction";
}

/** metadata.split values of each side (case-insensitive). */
const SPLIT_NAMES: Readonly<Record<string, DatasetSplit>> = { train: "train", test: "test", validation: "test", eval: "test" };

/** The side a prompt's metadata.split names; null without one; an error naming the prompt for any other value. */
export function datasetSplitOf(metadata: Record<string, unknown> | null | undefined, promptId: number): DatasetSplit | null {
  const v = metadata?.split;
  if (v === undefined || v === null) return null;
  const side = typeof v === "string" ? SPLIT_NAMES[v.trim().toLowerCase()] : undefined;
  if (!side) throw new Error(`prompt ${promptId}: metadata.split is ${JSON.stringify(v)}; use "train" or "test" (or "validation", "eval")`);
  return side;
}

/** Reward functions that read the reference answer. */
export const REFERENCE_REWARDS: readonly string[] = ["accuracy"];

/** Every distinct prompt of a project with its reference answer, in id order (the first reference of a repeated prompt). */
export function loadGrpoPrompts(db: Db, projectId: number): GrpoPrompt[] {
  const byKey = new Map<string, GrpoPrompt>();
  for (const row of db
    .select({ id: prompts.id, messages: prompts.messages, metadata: prompts.metadata })
    .from(prompts)
    .where(eq(prompts.projectId, projectId))
    .orderBy(asc(prompts.id))
    .all()) {
    const messages = row.messages.map((m) => ({ role: m.role, content: m.content }));
    const promptKey = JSON.stringify(messages);
    const reference = referenceOf(row.metadata);
    const split = datasetSplitOf(row.metadata, row.id);
    const seen = byKey.get(promptKey);
    if (!seen) byKey.set(promptKey, { promptKey, messages, reference, split });
    else {
      if (seen.reference === null && reference !== null) seen.reference = reference;
      // A prompt repeated in both files of a dataset is held out: a test prompt is never trained on.
      if (split === "test" || seen.split === null) seen.split = split ?? seen.split;
    }
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
  if (usable.some((p) => p.split !== null)) {
    const train = usable.filter((p) => p.split !== "test");
    const held = usable.filter((p) => p.split === "test");
    return { train, eval: held, withoutReference: all.length - usable.length, trainHash: hashKeys(train), by: "metadata" };
  }
  const { train, eval: held } = splitByPrompt(usable, validationFraction, seed);
  return { train, eval: held, withoutReference: all.length - usable.length, trainHash: hashKeys(train), by: "fraction" };
}
