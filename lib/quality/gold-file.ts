// The gold file: JSONL, one gold task per line, read by `palate gold` and POST
// /api/projects/[id]/gold. Each line names one task of the project and what it expects:
//
//   {"external_id": "oa-123", "ranking": [[2], [0, 1], [3]]}                   // full ranking, ties share a group
//   {"task_id": 42, "first": 1}                                                // only "completion 1 must be first"
//   {"prompt": "Name a colour.", "completions": ["Red.", "Seven."], "first": 0}
//   {"prompt": [{"role": "user", "content": "Hi"}], "completions": [...], "none_acceptable": true}
//   {"task_id": 42, "gold": false}                                             // no longer gold
//
// The task: `task_id`, or `external_id` (the prompt's external id, when one task has it), or
// `prompt` (a string: the prompt as exports render it, a lone user message verbatim; or the
// messages) with `completions` (every completion text of the task, in any order).
// Completions in `ranking`/`first` are positions, 0-based (`"by": "position"`, the default: in
// the line's own `completions` list when it has one, else the task's stored order), or
// completion ids (`"by": "id"`). Parsing is pure; lib/quality/gold-store.ts finds the tasks.
import { z } from "zod";
import { messagesSchema } from "../datasets/record";
import { fieldIssues } from "../http";

const ref = z.number().int().nonnegative();

export const goldLineSchema = z
  .object({
    task_id: z.number().int().positive().optional(),
    external_id: z.string().min(1).max(1000).optional(),
    prompt: z.union([z.string().min(1), messagesSchema]).optional(),
    completions: z.array(z.string()).min(2).max(50).optional(),
    by: z.enum(["position", "id"]).default("position"),
    ranking: z.array(z.array(ref).min(1, "a group is empty")).min(2, "expected at least two groups").optional(),
    first: ref.optional(),
    none_acceptable: z.literal(true).optional(),
    gold: z.literal(false).optional(),
  })
  .strict()
  .superRefine((line, ctx) => {
    const ids = [line.task_id !== undefined, line.external_id !== undefined, line.prompt !== undefined].filter(Boolean).length;
    if (ids !== 1) ctx.addIssue({ code: "custom", path: [], message: "name the task by exactly one of task_id, external_id, or prompt with completions" });
    if (line.prompt !== undefined && line.completions === undefined)
      ctx.addIssue({ code: "custom", path: ["completions"], message: "a prompt needs its completions" });
    const what = [line.ranking !== undefined, line.first !== undefined, line.none_acceptable !== undefined, line.gold !== undefined].filter(Boolean).length;
    if (what !== 1) ctx.addIssue({ code: "custom", path: [], message: "give exactly one of ranking, first, none_acceptable: true, or gold: false" });
  });
export type GoldLine = z.infer<typeof goldLineSchema>;

/** A problem with one line of a gold file (1-based line numbers). */
export class GoldFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Most lines one file may hold. */
export const GOLD_FILE_MAX_LINES = 100_000;

/** A gold file's parsed lines, each with its line number (1-based). */
export type GoldLines = { line: number; value: GoldLine }[];

/** One line's JSON value checked against the schema; throws GoldFileError naming the line and field. */
function checkLine(json: unknown, line: number): GoldLine {
  const parsed = goldLineSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = fieldIssues(parsed.error)[0];
  throw new GoldFileError(line, issue.field ? `${issue.field}: ${issue.message}` : issue.message);
}

/** Lines already parsed from JSON (an API body's array; line N is element N − 1). */
export function parseGoldValues(values: readonly unknown[]): GoldLines {
  if (values.length === 0) throw new GoldFileError(1, "the file has no lines");
  if (values.length > GOLD_FILE_MAX_LINES) throw new GoldFileError(GOLD_FILE_MAX_LINES + 1, `a gold file holds at most ${GOLD_FILE_MAX_LINES} lines`);
  return values.map((json, i) => ({ line: i + 1, value: checkLine(json, i + 1) }));
}

/** The file's non-blank lines, parsed; throws GoldFileError naming the first bad line and field. */
export function parseGoldFile(text: string): GoldLines {
  const out: GoldLines = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    if (out.length >= GOLD_FILE_MAX_LINES) throw new GoldFileError(i + 1, `a gold file holds at most ${GOLD_FILE_MAX_LINES} lines`);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new GoldFileError(i + 1, "not valid JSON");
    }
    out.push({ line: i + 1, value: checkLine(json, i + 1) });
  }
  if (out.length === 0) throw new GoldFileError(1, "the file has no lines");
  return out;
}
