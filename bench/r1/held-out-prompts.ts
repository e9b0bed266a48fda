// The prompts a GRPO run on a project holds out (lib/grpo/prompts.ts's split: the same project,
// --validation-fraction and --seed give the same side), as qa lines ({"prompt", "answer"}), and
// optionally a TRL SFT file without them: R1's cold start must not teach the held-out prompts
// that the GRPO steps are later measured on.
//
//   PALATE_DB=… npx tsx bench/r1/held-out-prompts.ts --project NAME [--validation-fraction 0.1]
//     [--seed 0] [--out held-out.jsonl] [--filter demos.jsonl --filtered-out demos-clean.jsonl]
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { openDb } from "../../db/client";
import { loadGrpoPrompts, splitGrpoPrompts } from "../../lib/grpo/prompts";
import { getProjectByName } from "../../lib/projects";

const { values } = parseArgs({
  options: {
    project: { type: "string" },
    "validation-fraction": { type: "string", default: "0.1" },
    seed: { type: "string", default: "0" },
    out: { type: "string" },
    filter: { type: "string" },
    "filtered-out": { type: "string" },
  },
});
if (!values.project) throw new Error("--project: required");
const db = openDb();
const project = getProjectByName(db, values.project);
if (!project) throw new Error(`--project: no project named "${values.project}"`);
const split = splitGrpoPrompts(loadGrpoPrompts(db, project.id), true, Number(values["validation-fraction"]), Number(values.seed));
const question = (messages: { role: string; content: string }[]) => messages.find((m) => m.role === "user")?.content ?? "";
const heldOut = new Set(split.eval.map((p) => question(p.messages)));
if (values.out) writeFileSync(values.out, split.eval.map((p) => JSON.stringify({ prompt: question(p.messages), answer: p.reference })).join("\n") + "\n");
let removed = 0;
if (values.filter) {
  if (!values["filtered-out"]) throw new Error("--filtered-out: required with --filter");
  const kept = readFileSync(values.filter, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .filter((l) => {
      const drop = heldOut.has(question((JSON.parse(l) as { messages: { role: string; content: string }[] }).messages));
      if (drop) removed++;
      return !drop;
    });
  writeFileSync(values["filtered-out"], kept.join("\n") + "\n");
}
console.log(JSON.stringify({ train: split.train.length, heldOut: split.eval.length, removedFromFilter: removed }));
