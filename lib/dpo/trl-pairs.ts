// A `trl` preference file (JSONL of prompt, chosen, rejected: lib/datasets/trl-format.ts, the
// same parser the import uses) as DPO's training examples: one example per row, chosen over
// rejected. Rows whose chosen and rejected are the same text (after trimming and collapsing
// whitespace) are no preference and are left out, as the project's training set leaves them out.
// A bad row names its line.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseTrlLine } from "../datasets/trl-format";
import { sameCompletionText } from "../generation/distinct";
import type { RankingExample } from "../ml/rl/reward-data";

export interface TrlPairs {
  examples: RankingExample[];
  /** Rows read (blank lines not counted). */
  rows: number;
  /** Rows left out because chosen and rejected are the same text. */
  equalPairsSkipped: number;
  /** sha256 of the file's bytes, for the lineage. */
  hash: string;
}

export function readTrlPairs(path: string): TrlPairs {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`${path}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
  const examples: RankingExample[] = [];
  let rows = 0;
  let equalPairsSkipped = 0;
  bytes
    .toString("utf8")
    .split("\n")
    .forEach((text, i) => {
      if (text.trim() === "") return;
      const where = `${path}, line ${i + 1}`;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw new Error(`${where}: not JSON (${(err as Error).message})`);
      }
      const parsed = parseTrlLine(value);
      if ("error" in parsed) throw new Error(`${where}: ${parsed.error}`);
      rows++;
      for (const record of parsed.records) {
        const [chosen, rejected] = record.completions.map((c) => c.text);
        if (sameCompletionText(chosen, rejected)) {
          equalPairsSkipped++;
          continue;
        }
        const prompt = record.messages.map((m) => ({ role: m.role, content: m.content }));
        examples.push({ id: i + 1, promptKey: JSON.stringify(prompt), prompt, completions: [chosen, rejected], groups: [[0], [1]] });
      }
    });
  return { examples, rows, equalPairsSkipped, hash: createHash("sha256").update(bytes).digest("hex") };
}
