// The `rankings` export: one line per ranking, everything an analysis needs and nothing derived.
//
//   {"ranking_id": 7, "task_id": 3, "prompt_id": 3,
//    "prompt": [{"role": "user", "content": "..."}],
//    "completions": [{"id": 11, "text": "...", "model": "sft-v1",        // display order
//                     "answers": {"quality": 6, "issues": ["verbose"]}}, ...],  // this annotator's answers to the
//                                                                      // project's per-completion questions ({} if none)
//    "groups": [[12], [11, 13], [14]],                                   // completion ids, best first; ties share a group
//    "annotator_id": 4, "annotator": "Ada", "source": "annotator",      // or "imported"; the name as
//                                                                      // annotator-names.ts gives it
//    "flags": [{"completion_id": 14, "flag": "factually_wrong"}],
//    "none_acceptable": false, "comment": null, "seconds_spent": 41.5, "created_at": 1795872798425,
//    "strength": null}                                                   // a pairwise answer's strength (2 much
//                                                                      // better, 1 better, 0 tie), null otherwise
import type { AnswerValue, Flag, Message } from "../../db/schema";
import type { ExportedRanking } from "./export-source";

// `palate import --format rankings` reads these lines back (rankings-format.ts): the rankings of
// one task by several annotators become one task again, each annotator an imported identity.

export interface RankingsRow {
  ranking_id: number;
  task_id: number;
  prompt_id: number;
  prompt: Message[];
  completions: { id: number; text: string; model: string | null; answers: Record<string, AnswerValue> }[];
  groups: number[][];
  annotator_id: number;
  annotator: string;
  source: "annotator" | "imported" | "reviewed" | "aggregated";
  flags: { completion_id: number; flag: Flag }[];
  none_acceptable: boolean;
  comment: string | null;
  seconds_spent: number | null;
  created_at: number;
  /** A pairwise answer's strength (lib/labeling/pairwise.ts), null in ranking mode. */
  strength: number | null;
}

/** Each completion's answers as {question key: value}. */
function answersByCompletion(r: ExportedRanking): Map<number, Record<string, AnswerValue>> {
  const out = new Map<number, Record<string, AnswerValue>>();
  for (const a of r.answers) out.set(a.completionId, { ...out.get(a.completionId), [a.questionKey]: a.value });
  return out;
}

/** The row of ranking `r` by the annotator called `annotator` (annotator-names.ts). */
export function rankingsRow(r: ExportedRanking, annotator: string): RankingsRow {
  const answers = answersByCompletion(r);
  return {
    ranking_id: r.id,
    task_id: r.taskId,
    prompt_id: r.promptId,
    prompt: r.messages.map((m) => ({ role: m.role, content: m.content })),
    completions: r.completions.map((c) => ({ id: c.id, text: c.text, model: c.model, answers: answers.get(c.id) ?? {} })),
    groups: r.groups,
    annotator_id: r.userId,
    annotator,
    source: r.source,
    flags: r.flags.map((f) => ({ completion_id: f.completionId, flag: f.flag })),
    none_acceptable: r.noneAcceptable,
    comment: r.comment,
    seconds_spent: r.secondsSpent,
    created_at: r.createdAt,
    strength: r.strength ?? null,
  };
}
