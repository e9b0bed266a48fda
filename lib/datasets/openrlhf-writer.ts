// Export rows for OpenRLHF's reward-model and DPO trainers (openrlhf/datasets/reward_dataset.py):
// one row per pair a ranking implies, each side the whole conversation ending with the completion,
//
//   {"chosen": [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4."}],
//    "rejected": [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "5."}]}
//
// the shape of OpenRLHF's own preference datasets, read with its defaults:
// `--apply_chat_template --chosen_key chosen --rejected_key rejected` and no `--prompt_key` (the
// prompt is in both conversations; the DPO trainer takes it from chosen[:-1]). A `margin` column
// (read with `--margin_loss`) when the project has pairwise strengths (pair-margin.ts). Pairs as
// in the trl formats (trl-writer.ts), and as there the rows come as objects and as JSON texts of
// the same bytes.
import type { Message } from "../../db/schema";
import type { PairMode } from "../labeling/pairs";
import type { ExportedRanking } from "./export-source";
import { forEachTextPair, marginJson, pairJsonLines, promptMessagesJson, type PairExportStats } from "./trl-writer";

export interface OpenRlhfRow {
  chosen: Message[];
  rejected: Message[];
}

export function openRlhfRows(ranking: ExportedRanking, mode: PairMode, stats?: PairExportStats): OpenRlhfRow[] {
  const { completions } = ranking;
  const rows: OpenRlhfRow[] = [];
  const conversation = (completion: string): Message[] => [
    ...ranking.messages.map((m) => ({ role: m.role, content: m.content })),
    { role: "assistant", content: completion },
  ];
  forEachTextPair(ranking, mode, (c, r) => rows.push({ chosen: conversation(completions[c].text), rejected: conversation(completions[r].text) }), stats);
  return rows;
}

/** openRlhfRows as JSON texts, with `margin` last when given. */
export function openRlhfJson(ranking: ExportedRanking, mode: PairMode, margin?: number, stats?: PairExportStats): string[] {
  return pairJsonLines(
    ranking,
    mode,
    () => {
      // The prompt's messages, then the completion's: `[m1,…,mn,` before it (`[` for no message).
      const prompt = ranking.messages.length === 0 ? "[" : `${promptMessagesJson(ranking.messages).slice(0, -1)},`;
      return {
        head: `{"chosen":${prompt}{"role":"assistant","content":`,
        middle: `}],"rejected":${prompt}{"role":"assistant","content":`,
        tail: `}]${marginJson(margin)}}`,
      };
    },
    stats,
  );
}
