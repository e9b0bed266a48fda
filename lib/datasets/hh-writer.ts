// Export rows in Anthropic's HH-RLHF format: one row per pair a ranking implies,
//
//   {"chosen": "\n\nHuman: What is 2+2?\n\nAssistant: 4.", "rejected": "\n\nHuman: What is 2+2?\n\nAssistant: 5."}
//
// each side the whole transcript (hh-transcript.ts: the prompt's turns, then the completion as the
// final Assistant turn; a system prompt before the first turn). Only the two keys, as
// Anthropic/hh-rlhf has them. Pairs as in the trl formats (trl-writer.ts: the pair mode, no ties,
// no pair of equal texts).
import type { PairMode } from "../labeling/pairs";
import type { ExportedRanking } from "./export-source";
import { hhTranscript } from "./hh-transcript";
import { trlConversationalRows, type PairExportStats } from "./trl-writer";

export interface HhRow {
  chosen: string;
  rejected: string;
}

export function hhRows(ranking: ExportedRanking, mode: PairMode, stats?: PairExportStats): HhRow[] {
  return trlConversationalRows(ranking, mode, stats).map((row) => ({
    chosen: hhTranscript(ranking.messages, row.chosen[0].content),
    rejected: hhTranscript(ranking.messages, row.rejected[0].content),
  }));
}
