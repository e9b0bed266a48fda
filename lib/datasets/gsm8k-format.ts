// The `gsm8k` import format: GSM8K's JSONL (openai/grade-school-math, Hugging Face `gsm8k`),
// one grade-school math problem per line, imported as a prompt with a reference answer.
//
//   {"question": "Natalia sold clips to 48 of her friends in April, and then she sold half as
//     many clips in May. How many clips did Natalia sell altogether in April and May?",
//    "answer": "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n…\n#### 72"}
//
// - `question` (a non-empty string): the prompt, one user message.
// - `answer` (a string): the worked solution, whose final answer follows the last `####`. The
//   reference (metadata.reference) is that final answer, trimmed, with its commas removed
//   ("1,000" → "1000", as GSM8K's own grading does); the whole worked answer is kept as metadata.solution.
// - optional `id` (string or number): the prompt's external id.
// Unknown fields are errors, so a misspelt field is caught rather than silently dropped.
import { z } from "zod";
import type { PromptLineParser } from "./prompt-formats";
import { parseWith } from "./record";

const lineSchema = z
  .object(
    {
      question: z.string().refine((s) => s.trim() !== "", "expected a non-empty string"),
      answer: z.string(),
      id: z.union([z.string(), z.number()], { error: "expected a string or a number" }).optional(),
    },
    { error: (iss) => (iss.code === "invalid_type" ? "expected a JSON object" : undefined) },
  )
  .strict();

/** The final answer of a GSM8K solution: after its last `####`, without commas; undefined when there is none. */
export function gsm8kFinalAnswer(solution: string): string | undefined {
  const at = solution.lastIndexOf("####");
  if (at < 0) return undefined;
  const final = solution
    .slice(at + 4)
    .replace(/,/g, "")
    .trim();
  return final === "" ? undefined : final;
}

export const parseGsm8kLine: PromptLineParser = (value) => {
  const parsed = parseWith(lineSchema, value);
  if ("error" in parsed) return parsed;
  const v = parsed.data;
  const reference = gsm8kFinalAnswer(v.answer);
  if (reference === undefined)
    return { error: v.answer.includes("####") ? "answer: nothing after ####" : 'answer: no final answer (expected "#### <answer>" at its end)' };
  return {
    record: {
      messages: [{ role: "user", content: v.question }],
      externalId: v.id === undefined ? null : String(v.id),
      metadata: { reference, solution: v.answer },
      reference,
      promptField: "question",
    },
  };
};
