// The `rankings` import format: the lines `palate export --format rankings` writes (one ranking
// per line, by one annotator), read back — from Palate or from any tool that writes the same keys.
//
//   {"prompt": "What is 2+2?" | [{"role": "user", "content": "..."}],
//    "completions": [{"id": 11, "text": "4", "model": "sft-v1"}, {"id": 12, "text": "5"}, ...],
//    "groups": [[11], [12, 13]],          // completion ids, best first; ties share a group
//    "annotator": "Ada"}                  // a name
//
// Required: `prompt` (a non-empty string, imported as one user message, or a list of messages),
// `completions` (at least 2, each {id, text, model?}; ids are numbers or strings, unique in the
// line), `groups` (every completion id exactly once) and `annotator`. Optional, checked when
// present: `none_acceptable`, `comment`, `seconds_spent`, `created_at` (ms since the epoch),
// `flags` ([{completion_id, flag}]) and `strength` (a pairwise answer's: 2 much better, 1 better,
// 0 tie; two completions), which are imported; `answers` of a completion, `ranking_id`,
// `task_id`, `prompt_id`, `annotator_id` and `source`, which are checked and left out (ids are
// the exporting database's; answers belong to questions the project may not ask). Other keys
// are ignored, so a later export with more keys still imports.
//
// Lines with the same prompt and the same completion texts (as a set, in any order) are one task
// ranked by several annotators (ImportRecord.sharedTask: the import groups them, see
// import-staging.ts); each line's completion ids only name its completions within the line.
// Each annotator becomes an imported identity of the project (imported-annotator.ts).
import { z } from "zod";
import { FLAGS, type Message } from "../../db/schema";
import { describeIssues, formatPath, messagesSchema, metadataSchema, preview, type ImportRecord, type LineParser } from "./record";

/** Longest annotator name (the users table's name limit). */
export const MAX_ANNOTATOR_NAME = 200;

const idSchema = z.union([z.number().int(), z.string().min(1)], { error: "expected a whole number or a non-empty string" });

const completionSchema = z.object(
  {
    id: idSchema,
    text: z.string(),
    model: z.string().nullish(),
    answers: metadataSchema.nullish(),
  },
  { error: (iss) => (iss.code === "invalid_type" && iss.input !== undefined ? "expected an object {id, text, model?}" : undefined) },
);

const lineSchema = z.object(
  {
    prompt: z.unknown(),
    completions: z
      .array(completionSchema, { error: (iss) => (iss.code === "invalid_type" && iss.input !== undefined ? "expected a list of completions" : undefined) })
      .min(2, "expected at least 2 completions"),
    groups: z
      .array(
        z
          .array(idSchema, { error: (iss) => (iss.code === "invalid_type" && iss.input !== undefined ? "expected a list of completion ids" : undefined) })
          .min(1, "expected a non-empty group"),
        {
          error: (iss) => (iss.code === "invalid_type" && iss.input !== undefined ? "expected a list of groups of completion ids" : undefined),
        },
      )
      .min(1, "expected at least 1 group"),
    annotator: z
      .string()
      .max(MAX_ANNOTATOR_NAME, `expected at most ${MAX_ANNOTATOR_NAME} characters`)
      .refine((name) => name.trim() !== "", "expected a non-empty name"),
    none_acceptable: z.boolean().optional(),
    comment: z.string().nullish(),
    seconds_spent: z.number().min(0, "expected a number >= 0").nullish(),
    created_at: z.number().int().min(0, "expected a time in ms since the epoch").nullish(),
    strength: z.number().int("expected 0, 1 or 2").min(0, "expected 0, 1 or 2").max(2, "expected 0, 1 or 2").nullish(),
    flags: z.array(z.object({ completion_id: idSchema, flag: z.enum(FLAGS) })).optional(),
    ranking_id: z.number().int().nullish(),
    task_id: z.number().int().nullish(),
    prompt_id: z.number().int().nullish(),
    annotator_id: z.number().int().nullish(),
    source: z.enum(["annotator", "imported"]).optional(),
  },
  { error: (iss) => (iss.code === "invalid_type" ? "expected a JSON object" : undefined) },
);

/** The conversation of `prompt`: a non-empty string (one user message) or a list of messages. */
function promptMessages(prompt: unknown): { messages: Message[] } | { error: string } {
  if (prompt === undefined) return { error: "prompt: missing field" };
  if (typeof prompt === "string") {
    if (prompt === "") return { error: "prompt: expected a non-empty string" };
    return { messages: [{ role: "user", content: prompt }] };
  }
  if (!Array.isArray(prompt)) return { error: `prompt: expected a string or a list of messages, got ${preview(prompt)}` };
  const parsed = messagesSchema.safeParse(prompt);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const described = describeIssues([issue], prompt);
    return { error: issue.path.length > 0 ? `prompt${described.startsWith("[") ? "" : "."}${described}` : `prompt: ${described}` };
  }
  return { messages: parsed.data };
}

export const parseRankingsLine: LineParser = (value) => {
  const parsed = lineSchema.safeParse(value);
  if (!parsed.success) return { error: describeIssues(parsed.error.issues, value) };
  const v = parsed.data;
  const prompt = promptMessages(v.prompt);
  if ("error" in prompt) return prompt;

  // Completion ids are the line's own names for its completions: unique, each ranked exactly once.
  const index = new Map<string, number>();
  const key = (id: number | string) => `${typeof id}:${id}`;
  for (const [i, c] of v.completions.entries()) {
    if (index.has(key(c.id))) return { error: `completions[${i}].id: ${preview(c.id)} is the id of completions[${index.get(key(c.id))}] too` };
    index.set(key(c.id), i);
  }
  const seen = new Map<number, string>();
  const ranking: number[][] = [];
  for (const [g, group] of v.groups.entries()) {
    const indices: number[] = [];
    for (const [j, id] of group.entries()) {
      const where = formatPath(["groups", g, j]);
      const i = index.get(key(id));
      if (i === undefined) return { error: `${where}: ${preview(id)} is not the id of any of the completions` };
      if (seen.has(i)) return { error: `${where}: ${preview(id)} is ranked twice (also at ${seen.get(i)})` };
      seen.set(i, where);
      indices.push(i);
    }
    ranking.push(indices);
  }
  const unranked = v.completions.findIndex((_, i) => !seen.has(i));
  if (unranked !== -1) return { error: `groups: completion ${preview(v.completions[unranked].id)} (completions[${unranked}]) is in no group` };

  // A pairwise answer (lib/labeling/pairwise.ts): two completions, apart with strength 1 or 2, tied with 0.
  if (v.strength !== undefined && v.strength !== null) {
    if (v.completions.length !== 2)
      return { error: `strength: a strength belongs to a pairwise answer of 2 completions, this line has ${v.completions.length}` };
    if (v.strength > 0 && ranking.length !== 2) return { error: `strength: ${v.strength} says one completion is better, but groups ties them` };
    if (v.strength === 0 && ranking.length !== 1) return { error: "strength: 0 says the two are tied (or both bad), but groups orders them" };
  }

  const flags: { completion: number; flag: (typeof FLAGS)[number] }[] = [];
  for (const [f, flag] of (v.flags ?? []).entries()) {
    const i = index.get(key(flag.completion_id));
    if (i === undefined) return { error: `flags[${f}].completion_id: ${preview(flag.completion_id)} is not the id of any of the completions` };
    flags.push({ completion: i, flag: flag.flag });
  }

  const record: ImportRecord = {
    messages: prompt.messages,
    completions: v.completions.map((c) => ({ text: c.text, model: c.model ?? null })),
    ranking,
    ...(v.strength !== undefined && v.strength !== null ? { strength: v.strength } : {}),
    rankedBy: {
      annotator: v.annotator,
      noneAcceptable: v.none_acceptable ?? false,
      comment: v.comment ?? null,
      secondsSpent: v.seconds_spent ?? null,
      createdAt: v.created_at ?? null,
      flags,
    },
    sharedTask: true,
  };
  return { records: [record] };
};
