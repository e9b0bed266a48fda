// Export rows for OpenRLHF's reward-model and DPO trainers (openrlhf/datasets/reward_dataset.py):
// one row per pair a ranking implies, each side the whole conversation ending with the completion,
//
//   {"chosen": [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4."}],
//    "rejected": [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "5."}]}
//
// the shape of OpenRLHF's own preference datasets, read with its defaults:
// `--apply_chat_template --chosen_key chosen --rejected_key rejected` and no `--prompt_key` (the
// prompt is in both conversations; the DPO trainer takes it from chosen[:-1]). No `margin` column:
// Palate's rankings carry no strength. Pairs as in the trl formats (trl-writer.ts).
import type { Message } from "../../db/schema";
import type { PairMode } from "../labeling/pairs";
import type { ExportedRanking } from "./export-source";
import { trlConversationalRows, type PairExportStats } from "./trl-writer";

export interface OpenRlhfRow {
  chosen: Message[];
  rejected: Message[];
}

export function openRlhfRows(ranking: ExportedRanking, mode: PairMode, stats?: PairExportStats): OpenRlhfRow[] {
  return trlConversationalRows(ranking, mode, stats).map((row) => ({
    chosen: [...row.prompt, ...row.chosen],
    rejected: [...row.prompt, ...row.rejected],
  }));
}
