// Export rows in TRL's preference formats: one row per pair a ranking implies.
// https://huggingface.co/docs/trl/dataset_formats#preference
//
// - `trl`:                {prompt, chosen, rejected} strings; the prompt rendered by promptText().
// - `trl-conversational`: prompt = the conversation as [{role, content}], chosen/rejected =
//                         [{role: "assistant", content}].
// Every row also carries `prompt_id`, `task_id` and `ranking_id` (TRL ignores extra columns).
// Pairs follow lib/labeling/pairs.ts: `all`, `best-vs-rest` or `adjacent`; ties give no pair.
import type { Message } from "../../db/schema";
import { rankingPairs, type PairMode } from "../labeling/pairs";
import type { ExportedRanking } from "./export-source";
import { promptText } from "./prompt-text";

export interface TrlRow {
  prompt: string;
  chosen: string;
  rejected: string;
  prompt_id: number;
  task_id: number;
  ranking_id: number;
}

export interface TrlConversationalRow {
  prompt: Message[];
  chosen: Message[];
  rejected: Message[];
  prompt_id: number;
  task_id: number;
  ranking_id: number;
}

function textPairs(ranking: ExportedRanking, mode: PairMode): { chosen: string; rejected: string }[] {
  const text = new Map(ranking.completions.map((c) => [c.id, c.text]));
  return rankingPairs(ranking.groups, mode).map((p) => {
    const chosen = text.get(p.chosen);
    const rejected = text.get(p.rejected);
    if (chosen === undefined || rejected === undefined) throw new Error(`ranking ${ranking.id} names a completion its task does not have`);
    return { chosen, rejected };
  });
}

export function trlRows(ranking: ExportedRanking, mode: PairMode): TrlRow[] {
  const prompt = promptText(ranking.messages);
  const ids = { prompt_id: ranking.promptId, task_id: ranking.taskId, ranking_id: ranking.id };
  return textPairs(ranking, mode).map(({ chosen, rejected }) => ({ prompt, chosen, rejected, ...ids }));
}

export function trlConversationalRows(ranking: ExportedRanking, mode: PairMode): TrlConversationalRow[] {
  const ids = { prompt_id: ranking.promptId, task_id: ranking.taskId, ranking_id: ranking.id };
  return textPairs(ranking, mode).map(({ chosen, rejected }) => ({
    prompt: ranking.messages.map((m) => ({ role: m.role, content: m.content })),
    chosen: [{ role: "assistant", content: chosen }],
    rejected: [{ role: "assistant", content: rejected }],
    ...ids,
  }));
}
