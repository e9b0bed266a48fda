// A dataset snapshot's rankings as the reward model's training examples, the way
// training-set.ts reads a live project's: one example per task, every ranking of the task summed
// into one K×K pair-count matrix, pairs of equal texts dropped. The snapshot's `rankings` files
// are read (they hold whole rankings, the pair formats only pairs), after checking every file
// against the SHA-256 in snapshot.json; the test split's prompts are the held-out prompts, so the
// model is evaluated on exactly the snapshot's test split.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { SnapshotManifest } from "../datasets/snapshot-manifest";
import { verifySnapshot } from "../datasets/snapshot-store";
import type { RankingsRow } from "../datasets/rankings-writer";
import { sameCompletionText } from "../generation/distinct";
import { preferenceMatrix } from "../ml/rl/ranking-loss";
import type { RankingExample } from "../ml/rl/reward-data";

/** The snapshot a model was trained on, as its lineage records it. */
export interface SnapshotRef {
  name: string;
  project: { id: number; name: string };
  hash: string;
  created_at: string;
  /** The export options the snapshot was taken with. */
  filters: Record<string, unknown>;
  dir: string;
}

/** What training-set.ts's TrainingSet reports of a live project, here of a snapshot. */
export interface SnapshotTrainingSet {
  examples: RankingExample[];
  /** Rankings used. */
  rankings: number;
  /** Pairwise comparisons those rankings imply (ties give none). */
  comparisons: number;
  /** Rankings left out because they were marked "none acceptable". */
  noneAcceptableLeftOut: number;
  /** Pairwise comparisons left out because chosen and rejected have the same text. */
  equalPairsSkipped: number;
  /** sha256 of the rankings used (ids, task ids and groups), as training-set.ts computes it. */
  rankingsHash: string;
  /** The latest round among the tasks used (1 when unknown), and the rounds used. */
  round: number;
  roundsUsed: number[];
  /** The promptKeys of the snapshot's test split: the held-out prompts. */
  heldOutPromptKeys: string[];
  snapshot: SnapshotRef;
}

const RANKINGS_FORMAT = "rankings";

async function* jsonLines(path: string): AsyncGenerator<RankingsRow> {
  const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) yield JSON.parse(line) as RankingsRow;
}

/**
 * Loads a snapshot folder's rankings as training examples. `roundOfTask` (the task rounds of
 * project `projectId` of this database) sets the rounds when the snapshot is of that project;
 * else every task is round 1.
 */
export async function loadSnapshotTrainingSet(
  dir: string,
  options: { includeNoneAcceptable?: boolean; projectId?: number; roundOfTask?: ReadonlyMap<number, number> } = {},
): Promise<SnapshotTrainingSet> {
  const manifest: SnapshotManifest = await verifySnapshot(dir);
  const roundOfTask = options.projectId === manifest.project.id ? options.roundOfTask : undefined;
  const files = manifest.files.filter((f) => f.format === RANKINGS_FORMAT);
  if (files.length === 0) throw new Error(`snapshot ${manifest.name} has no ${RANKINGS_FORMAT} files to train on`);

  type Task = {
    split: "train" | "test";
    prompt: RankingExample["prompt"];
    completions: { id: number; text: string }[];
    rankings: { id: number; groups: number[][] }[];
  };
  const byTask = new Map<number, Task>();
  let noneAcceptableLeftOut = 0;
  for (const file of files) {
    for await (const row of jsonLines(join(dir, file.path))) {
      if (row.none_acceptable && !options.includeNoneAcceptable) {
        noneAcceptableLeftOut++;
        continue;
      }
      let task = byTask.get(row.task_id);
      if (!task) {
        task = {
          split: file.split,
          prompt: row.prompt.map((m) => ({ role: m.role, content: m.content })),
          completions: row.completions.map((c) => ({ id: c.id, text: c.text })),
          rankings: [],
        };
        byTask.set(row.task_id, task);
      }
      task.rankings.push({ id: row.ranking_id, groups: row.groups });
    }
  }

  const hash = createHash("sha256");
  const examples: RankingExample[] = [];
  const heldOut = new Set<string>();
  let used = 0;
  let comparisons = 0;
  let equalPairsSkipped = 0;
  for (const [taskId, task] of [...byTask].sort((a, b) => a[0] - b[0])) {
    const list = task.completions;
    if (list.length < 2) continue;
    const k = list.length;
    const indexOf = new Map(list.map((c, i) => [c.id, i]));
    const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    task.rankings.sort((a, b) => a.id - b.id);
    let first: number[][] | undefined;
    for (const r of task.rankings) {
      const groups = r.groups.map((g) => g.map((id) => indexOf.get(id)).filter((i): i is number => i !== undefined));
      first ??= groups;
      const m = preferenceMatrix(groups, k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) counts[i][j] += m[i * k + j];
    }
    let skipped = 0;
    for (let i = 0; i < k; i++)
      for (let j = i + 1; j < k; j++) {
        if (!sameCompletionText(list[i].text, list[j].text)) continue;
        skipped += counts[i][j] + counts[j][i];
        counts[i][j] = counts[j][i] = 0;
      }
    equalPairsSkipped += skipped;
    const pairs = counts.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
    if (pairs === 0 && skipped > 0) continue;
    for (const r of task.rankings) hash.update(JSON.stringify([r.id, taskId, r.groups]) + "\n");
    used += task.rankings.length;
    comparisons += pairs;
    const promptKey = JSON.stringify(task.prompt);
    if (task.split === "test") heldOut.add(promptKey);
    examples.push({ id: taskId, promptKey, prompt: task.prompt, completions: list.map((c) => c.text), groups: first ?? [], preferences: counts });
  }
  const roundsUsed = [...new Set(examples.map((e) => roundOfTask?.get(e.id as number) ?? 1))].sort((a, b) => a - b);
  return {
    examples,
    rankings: used,
    comparisons,
    noneAcceptableLeftOut,
    equalPairsSkipped,
    rankingsHash: hash.digest("hex"),
    round: roundsUsed.length > 0 ? roundsUsed[roundsUsed.length - 1] : 1,
    roundsUsed,
    heldOutPromptKeys: [...heldOut].sort(),
    snapshot: { name: manifest.name, project: manifest.project, hash: manifest.hash, created_at: manifest.created_at, filters: manifest.filters, dir },
  };
}
