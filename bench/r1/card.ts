// The R1 recipe's card: one table of the models of bench/r1/recipe.sh from the JSON lines of
// bench/r1/arithmetic-accuracy.ts and of palate eval-qa (in the same model order), as markdown.
// recipe.sh writes it as RECIPE_CARD.md beside every model of the table.
//
//   npx tsx bench/r1/card.ts --arithmetic arith.jsonl --eval-qa eval-qa.jsonl --labels "step,…" [--out FILE …]
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { arithmetic: { type: "string" }, "eval-qa": { type: "string" }, labels: { type: "string" }, out: { type: "string", multiple: true } },
});
if (!values.arithmetic || !values["eval-qa"] || !values.labels) throw new Error("--arithmetic, --eval-qa and --labels are required");
const lines = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

interface Measure {
  n: number;
  accuracy: number;
  interval: [number, number];
  format: number;
}
interface QaCell {
  correct: number;
  total: number;
  accuracy: number;
}
const arithmetic = lines(values.arithmetic) as unknown as ({ model: string; calculate: Measure; qa?: Measure } & Record<string, unknown>)[];
const evalQa = lines(values["eval-qa"]) as unknown as { model: string; trainTemplates: Record<string, QaCell>; heldOutTemplates: Record<string, QaCell> }[];
const labels = values.labels.split(",");
if (labels.length !== arithmetic.length || evalQa.length !== arithmetic.length)
  throw new Error(`${labels.length} labels, ${arithmetic.length} arithmetic lines, ${evalQa.length} eval-qa lines: give one of each per model`);

const measure = (m: Measure | undefined) => (m ? `${m.accuracy.toFixed(1)} [${m.interval[0].toFixed(1)}, ${m.interval[1].toFixed(1)}]` : "—");
const pct = (c: QaCell | undefined) => (c ? (100 * c.accuracy).toFixed(1) : "—");
const rows = arithmetic.map((a, i) => {
  const q = evalQa[i];
  return [
    labels[i],
    `\`${a.model}\``,
    measure(a.qa),
    measure(a.calculate),
    a.calculate.format.toFixed(1),
    `${pct(q.trainTemplates.capital)} / ${pct(q.heldOutTemplates.capital)}`,
    ["continent", "language", "currency", "definition"].map((c) => pct(q.heldOutTemplates[c])).join(" · "),
  ];
});
const header = [
  "step",
  "model",
  "held-out prompts, % right [95%]",
  '"Calculate {x}." (841), % right [95%]',
  "format %",
  "capitals % (train / held-out templates)",
  "held-out continent · language · currency · definition %",
];
const table = [header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
const card = `# The R1 recipe in miniature: the models

Made by \`bash bench/r1/recipe.sh\` (Palate). Arithmetic: greedy answers checked by the \`accuracy\`
rule reward (the answer inside <answer>…</answer>, else the last number); "held-out prompts" are
the ${arithmetic[0].qa?.n ?? "—"} prompts GRPO held out (their facts trained under other templates), "Calculate {x}." asks
all 841 facts in a phrasing no step trains on; format = share of answers exactly
<think>…</think><answer>…</answer>. The other columns are palate eval-qa.

${table}
`;
for (const out of values.out ?? []) writeFileSync(out, card);
console.log(card);
