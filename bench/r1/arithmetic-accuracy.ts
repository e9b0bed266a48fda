// Exact-answer accuracy of models on arithmetic prompts, for the R1 recipe's table: each model
// answers greedily (temperature 0, the chat template, up to --max-new-tokens, stopping at the end
// token), the `accuracy` rule reward checks the answer (inside <answer>…</answer> when present,
// else the last number) and the `format` reward marks <think>…</think><answer>…</answer>.
//
// Two prompt sets:
//   calculate  every arithmetic fact of the default SFT data (841) in the held-out template
//              "Calculate {x}." — a phrasing that neither the SFT data nor the GRPO prompts use
//   --qa FILE  qa prompt lines ({"prompt", "answer"}), e.g. a GRPO run's held-out prompts
//              (bench/r1/held-out-prompts.ts)
// Accuracy is printed with its Wilson 95% interval. ONE JSON line per model on stdout.
//
//   npx tsx bench/r1/arithmetic-accuracy.ts MODEL_DIR… [--qa FILE.jsonl] [--max-new-tokens 64]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fillTemplate, qaFacts, TEMPLATES } from "../../lib/default-model/sft-data";
import { generate } from "../../lib/ml/generate";
import { loadLanguageModel, openDecoder } from "../../lib/ml/nn/language-model";
import { END_MARKER, ENDOFTEXT, encodeChat } from "../../lib/ml/tokenizer";
import { accuracy } from "../../lib/rewards/accuracy";
import { format } from "../../lib/rewards/format";
import { wilsonInterval } from "../../lib/stats/wilson";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { qa: { type: "string" }, "max-new-tokens": { type: "string", default: "64" } },
});
if (positionals.length === 0) throw new Error("give one or more model directories");

interface Question {
  prompt: string;
  answer: string;
}
const heldOutTemplate = TEMPLATES.arithmetic.find((t) => t.heldOut)!;
const sets: Record<string, Question[]> = {
  calculate: qaFacts({ definitions: 0 })
    .filter((f) => f.category === "arithmetic")
    .map((f) => ({ prompt: fillTemplate(heldOutTemplate, f.subject), answer: f.expected })),
};
if (values.qa)
  sets.qa = readFileSync(values.qa, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Question);

const pct = (x: number) => Math.round(x * 1000) / 10;
for (const dir of positionals) {
  const model = await loadLanguageModel(dir);
  const tokenizer = model.tokenizer!;
  const stopIds = [END_MARKER, ENDOFTEXT].map((t) => tokenizer.tokenToId(t)).filter((id): id is number => id !== undefined);
  const decoder = await openDecoder(model);
  const out: Record<string, unknown> = { model: dir };
  try {
    for (const [name, questions] of Object.entries(sets)) {
      let right = 0;
      let formatted = 0;
      for (let i = 0; i < questions.length; i += 64) {
        const batch = questions.slice(i, i + 64);
        const prompts = batch.map((q) => encodeChat(tokenizer, [{ role: "user", content: q.prompt }], { addGenerationPrompt: true }).ids);
        const completions = await generate(
          decoder,
          prompts,
          { maxNewTokens: Number(values["max-new-tokens"]), temperature: 0, eosTokenIds: stopIds, padTokenId: stopIds[stopIds.length - 1] },
          (ids) => tokenizer.decode(ids, { skipSpecialTokens: true }),
        );
        batch.forEach((q, j) => {
          right += accuracy(q.prompt, completions[j].text, q.answer);
          formatted += format(q.prompt, completions[j].text);
        });
      }
      const n = questions.length;
      const [lo, hi] = wilsonInterval(right, n) ?? [0, 1];
      out[name] = { n, accuracy: pct(right / n), interval: [pct(lo), pct(hi)], format: pct(formatted / n) };
    }
  } finally {
    await decoder.release();
  }
  console.log(JSON.stringify(out));
}
