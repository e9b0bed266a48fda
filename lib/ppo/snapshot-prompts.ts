// A dataset snapshot's prompts for PPO: every distinct prompt of its `rankings` files (train
// split first, then test), keyed as the reward model's training set keys them (JSON of the
// messages), after checking every file against the SHA-256 in snapshot.json. With a reward model
// trained on the same snapshot, its split.json holds out exactly the snapshot's test prompts, and
// prompts.ts keeps them out of PPO's training prompts.
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { RankingsRow } from "../datasets/rankings-writer";
import { verifySnapshot } from "../datasets/snapshot-store";
import type { PpoPrompt } from "./prompts";

export interface SnapshotPrompts {
  prompts: PpoPrompt[];
  snapshot: { name: string; project: { id: number; name: string }; hash: string; createdAt: string };
}

export async function loadSnapshotPrompts(dir: string): Promise<SnapshotPrompts> {
  const manifest = await verifySnapshot(dir);
  const files = manifest.files.filter((f) => f.format === "rankings").sort((a, b) => (a.split === b.split ? 0 : a.split === "train" ? -1 : 1));
  if (files.length === 0) throw new Error(`snapshot ${manifest.name} has no rankings files to read prompts from`);
  const seen = new Set<string>();
  const prompts: PpoPrompt[] = [];
  for (const file of files) {
    for await (const line of createInterface({ input: createReadStream(join(dir, file.path), "utf8"), crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      const messages = (JSON.parse(line) as RankingsRow).prompt.map((m) => ({ role: m.role, content: m.content }));
      const promptKey = JSON.stringify(messages);
      if (seen.has(promptKey)) continue;
      seen.add(promptKey);
      prompts.push({ promptKey, messages });
    }
  }
  return { prompts, snapshot: { name: manifest.name, project: manifest.project, hash: manifest.hash, createdAt: manifest.created_at } };
}
