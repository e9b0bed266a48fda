// The default model's own SFT demonstrations as a TRL conversational SFT file, one
// {"messages": [user, assistant], "metadata": {"category", "reference"}} per line: every fact of
// lib/default-model/sft-data.ts under every training template, in the answer form the default
// SFT drew for it (sftExamples, seed 0). R1's step 4 mixes rejection-sampled answers with "general
// data"; for a model built on default-sft that general data is this file (palate sft --file it,
// --mix the kept answers in).
//
//   npx tsx bench/r1/default-demonstrations.ts --out FILE.jsonl [--categories arithmetic,capital]
//   npx tsx bench/r1/default-demonstrations.ts --qa FILE.jsonl --categories arithmetic
//
// --qa writes the same questions as qa prompt lines ({"prompt", "answer"}: palate import --format
// qa) instead, e.g. the arithmetic prompts a GRPO run learns from.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { QA_CATEGORIES, qaFacts, sftExamples, sftMessages, type QaCategory } from "../../lib/default-model/sft-data";

const { values } = parseArgs({ options: { out: { type: "string" }, qa: { type: "string" }, categories: { type: "string" } } });
if (!values.out && !values.qa) throw new Error("give --out FILE.jsonl (SFT lines) or --qa FILE.jsonl (qa prompt lines)");
const categories = (values.categories?.split(",") ?? [...QA_CATEGORIES]) as QaCategory[];
for (const c of categories) if (!QA_CATEGORIES.includes(c)) throw new Error(`--categories: "${c}" is not one of ${QA_CATEGORIES.join(", ")}`);

const examples = sftExamples(qaFacts()).filter((e) => categories.includes(e.category));
if (values.out) {
  const lines = examples.map((e) => JSON.stringify({ messages: sftMessages(e), metadata: { category: e.category, reference: e.expected } }));
  writeFileSync(values.out, lines.join("\n") + "\n");
}
if (values.qa) writeFileSync(values.qa, examples.map((e) => JSON.stringify({ prompt: e.question, answer: e.expected })).join("\n") + "\n");
console.log(JSON.stringify({ demonstrations: examples.length, categories }));
