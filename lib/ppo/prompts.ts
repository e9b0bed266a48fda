// The prompts a PPO run learns from and the ones it is evaluated on.
//
// Every distinct prompt (conversation) of the project is used once. The held-out side is what
// neither the reward model nor the policy saw: the prompts the reward model held out (its
// split.json, keyed as the reward model's training set keys them, JSON of the messages), plus a
// seeded `validationFraction` of the prompts the reward model never saw at all. Prompts the
// reward model trained on are always PPO training prompts. Without a split.json (a reward model
// from elsewhere) the split is a seeded one over all prompts.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { prompts } from "../../db/schema";
import { splitByPrompt } from "../ml/rl/reward-data";
import type { ChatMessage } from "../ml/tokenizer";

export interface PpoPrompt {
  /** JSON of the messages: the reward model's prompt key. */
  promptKey: string;
  messages: ChatMessage[];
}

export interface PpoPromptSplit {
  train: PpoPrompt[];
  eval: PpoPrompt[];
  /** How the held-out side was chosen. */
  source: "reward-model split" | "seeded";
  /** sha256 of the training prompts' keys, in order (the lineage's "prompts used"). */
  trainHash: string;
}

/** The reward model's held-out and training prompt keys, when its directory has a split.json. */
export function readRewardSplit(rewardDir: string): { train: Set<string>; eval: Set<string> } | null {
  const path = join(rewardDir, "split.json");
  if (!existsSync(path)) return null;
  const parsed = JSON.parse(readFileSync(path, "utf8")) as { train?: unknown; eval?: unknown };
  if (!Array.isArray(parsed.train) || !Array.isArray(parsed.eval)) return null;
  return { train: new Set(parsed.train.map(String)), eval: new Set(parsed.eval.map(String)) };
}

/** Every distinct prompt of a project, in id order. */
export function loadProjectPrompts(db: Db, projectId: number): PpoPrompt[] {
  const seen = new Set<string>();
  const out: PpoPrompt[] = [];
  for (const row of db.select({ messages: prompts.messages }).from(prompts).where(eq(prompts.projectId, projectId)).orderBy(asc(prompts.id)).all()) {
    const messages = row.messages.map((m) => ({ role: m.role, content: m.content }));
    const promptKey = JSON.stringify(messages);
    if (seen.has(promptKey)) continue;
    seen.add(promptKey);
    out.push({ promptKey, messages });
  }
  return out;
}

export function hashPromptKeys(list: readonly PpoPrompt[]): string {
  const h = createHash("sha256");
  for (const p of list) h.update(p.promptKey + "\n");
  return h.digest("hex");
}

/** Splits the prompts (see the header); pure. */
export function splitPpoPrompts(
  all: readonly PpoPrompt[],
  rewardSplit: { train: Set<string>; eval: Set<string> } | null,
  validationFraction: number,
  seed: number,
): PpoPromptSplit {
  if (!rewardSplit) {
    const { train, eval: held } = splitByPrompt(all, validationFraction, seed);
    return { train, eval: held, source: "seeded", trainHash: hashPromptKeys(train) };
  }
  const unseen = all.filter((p) => !rewardSplit.train.has(p.promptKey) && !rewardSplit.eval.has(p.promptKey));
  const unseenHeld = new Set(splitByPrompt(unseen, unseen.length >= 2 ? validationFraction : 0, seed).eval.map((p) => p.promptKey));
  const train: PpoPrompt[] = [];
  const held: PpoPrompt[] = [];
  for (const p of all) (rewardSplit.eval.has(p.promptKey) || unseenHeld.has(p.promptKey) ? held : train).push(p);
  return { train, eval: held, source: "reward-model split", trainHash: hashPromptKeys(train) };
}
