// Export rows in TRL's preference formats: one row per pair a ranking implies.
// https://huggingface.co/docs/trl/dataset_formats#preference
//
// - `trl`:                {prompt, chosen, rejected} strings; the prompt rendered by promptText().
// - `trl-conversational`: prompt = the conversation as [{role, content}], chosen/rejected =
//                         [{role: "assistant", content}].
// Every row also carries `prompt_id`, `task_id` and `ranking_id` (TRL ignores extra columns).
// Pairs follow lib/labeling/pairs.ts: `all`, `best-vs-rest` or `adjacent`; ties give no pair,
// and neither does a pair whose chosen and rejected texts are the same (after trimming and
// collapsing whitespace): it teaches a preference model nothing but noise. `stats` counts them.
import type { Message } from "../../db/schema";
import { sameNormalizedText } from "../labeling/same-normalized-text";
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

/** What a pair export left out, for its summary. */
export interface PairExportStats {
  /** Pairs whose chosen and rejected texts are the same. */
  equalPairsSkipped: number;
}

/** A completion's text: a task has a handful of completions, so a scan finds one faster than a Map built per ranking. */
function completionText(ranking: ExportedRanking, id: number): string | undefined {
  for (const c of ranking.completions) if (c.id === id) return c.text;
  return undefined;
}

function textPairs(ranking: ExportedRanking, mode: PairMode, stats?: PairExportStats): { chosen: string; rejected: string }[] {
  const out: { chosen: string; rejected: string }[] = [];
  for (const p of rankingPairs(ranking.groups, mode)) {
    const chosen = completionText(ranking, p.chosen);
    const rejected = completionText(ranking, p.rejected);
    if (chosen === undefined || rejected === undefined) throw new Error(`ranking ${ranking.id} names a completion its task does not have`);
    if (sameNormalizedText(chosen, rejected)) {
      if (stats) stats.equalPairsSkipped++;
      continue;
    }
    out.push({ chosen, rejected });
  }
  return out;
}

export function trlRows(ranking: ExportedRanking, mode: PairMode, stats?: PairExportStats): TrlRow[] {
  const prompt = promptText(ranking.messages);
  const { promptId, taskId, id } = ranking;
  return textPairs(ranking, mode, stats).map(({ chosen, rejected }) => ({ prompt, chosen, rejected, prompt_id: promptId, task_id: taskId, ranking_id: id }));
}

export function trlConversationalRows(ranking: ExportedRanking, mode: PairMode, stats?: PairExportStats): TrlConversationalRow[] {
  const ids = { prompt_id: ranking.promptId, task_id: ranking.taskId, ranking_id: ranking.id };
  return textPairs(ranking, mode, stats).map(({ chosen, rejected }) => ({
    prompt: ranking.messages.map((m) => ({ role: m.role, content: m.content })),
    chosen: [{ role: "assistant", content: chosen }],
    rejected: [{ role: "assistant", content: rejected }],
    ...ids,
  }));
}
