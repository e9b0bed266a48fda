// eval-qa: asks questions in the chat template, answers greedily, scores each answer
// (scoring.ts: the answer read out of any of the SFT data's forms, no rival answer named)
// and aggregates accuracy per category, separately for questions in training templates and
// in held-out templates.
import { generate } from "../ml/generate";
import { loadLanguageModel, openDecoder } from "../ml/nn/language-model";
import { END_MARKER, ENDOFTEXT, encodeChat } from "../ml/tokenizer";
import { scoreAnswer } from "./scoring";
import { evalQuestions, QA_CATEGORIES, type QaCategory, type QaExample } from "./sft-data";

export interface EvalQaOptions {
  /** At most this many facts per category (see evalQuestions). */
  limit?: number;
  /** Prompts per generation batch (default 32). */
  batchSize?: number;
  /** New tokens per answer (default 32). */
  maxNewTokens?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface QaAnswer extends QaExample {
  response: string;
  correct: boolean;
  /** The answer ended with <|end|> (or <|endoftext|>) within the token budget. */
  finished: boolean;
}

export interface Accuracy {
  correct: number;
  total: number;
  accuracy: number;
}

export interface EvalQaSummary {
  model: string;
  /** Per category, then "overall": accuracy with training-template and held-out-template questions. */
  trainTemplates: Record<string, Accuracy>;
  heldOutTemplates: Record<string, Accuracy>;
}

export interface EvalQaResult {
  answers: QaAnswer[];
  summary: EvalQaSummary;
}

function accuracyOf(answers: readonly QaAnswer[]): Accuracy {
  const correct = answers.filter((a) => a.correct).length;
  const total = answers.length;
  return { correct, total, accuracy: total === 0 ? 0 : Math.round((correct / total) * 10000) / 10000 };
}

/** Aggregates scored answers into the summary's per-category and overall accuracies. */
export function summarize(model: string, answers: readonly QaAnswer[]): EvalQaSummary {
  const table = (heldOut: boolean): Record<string, Accuracy> => {
    const subset = answers.filter((a) => a.heldOut === heldOut);
    const out: Record<string, Accuracy> = {};
    for (const c of QA_CATEGORIES) {
      const of = subset.filter((a) => a.category === c);
      if (of.length > 0) out[c] = accuracyOf(of);
    }
    out.overall = accuracyOf(subset);
    return out;
  };
  return { model, trainTemplates: table(false), heldOutTemplates: table(true) };
}

export async function evalQa(modelDir: string, o: EvalQaOptions = {}): Promise<EvalQaResult> {
  const model = await loadLanguageModel(modelDir);
  const tokenizer = model.tokenizer;
  if (!tokenizer) throw new Error(`${modelDir}: no tokenizer.json`);
  const stopIds = [END_MARKER, ENDOFTEXT].map((t) => tokenizer.tokenToId(t)).filter((id): id is number => id !== undefined);
  const questions = evalQuestions(undefined, { limit: o.limit });
  const batchSize = o.batchSize ?? 32;
  const decoder = await openDecoder(model);
  const answers: QaAnswer[] = [];
  try {
    for (let i = 0; i < questions.length; i += batchSize) {
      const batch = questions.slice(i, i + batchSize);
      const prompts = batch.map((q) => encodeChat(tokenizer, [{ role: "user", content: q.question }], { addGenerationPrompt: true }).ids);
      const completions = await generate(
        decoder,
        prompts,
        { maxNewTokens: o.maxNewTokens ?? 32, temperature: 0, eosTokenIds: stopIds, padTokenId: stopIds[stopIds.length - 1] },
        (ids) => tokenizer.decode(ids, { skipSpecialTokens: true }),
      );
      batch.forEach((q, j) => {
        const c = completions[j];
        answers.push({ ...q, response: c.text, correct: scoreAnswer(c.text, q), finished: c.finishReason === "eos" });
      });
      o.onProgress?.(answers.length, questions.length);
    }
  } finally {
    await decoder.release();
  }
  return { answers, summary: summarize(modelDir, answers) };
}

/** The summary as a text table: one row per category, training vs held-out templates. */
export function formatEvalTable(summaries: readonly EvalQaSummary[], labels: readonly string[] = summaries.map((s) => s.model)): string {
  const cats = [...QA_CATEGORIES, "overall"] as (QaCategory | "overall")[];
  const pct = (a: Accuracy | undefined) => (a ? `${(a.accuracy * 100).toFixed(1)}% (${a.correct}/${a.total})` : "–");
  const header = ["category", ...labels.flatMap((l) => [`${l}: train templates`, `${l}: held-out templates`])];
  const rows = cats.map((c) => [c, ...summaries.flatMap((s) => [pct(s.trainTemplates[c]), pct(s.heldOutTemplates[c])])]);
  const lines = [header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`);
  return lines.join("\n");
}
