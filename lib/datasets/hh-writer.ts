// Export rows in Anthropic's HH-RLHF format: one row per pair a ranking implies,
//
//   {"chosen": "\n\nHuman: What is 2+2?\n\nAssistant: 4.", "rejected": "\n\nHuman: What is 2+2?\n\nAssistant: 5."}
//
// each side the whole transcript (hh-transcript.ts: the prompt's turns, then the completion as the
// final Assistant turn; a system prompt before the first turn). Only the two keys, as
// Anthropic/hh-rlhf has them. Pairs as in the trl formats (trl-writer.ts: the pair mode, no ties,
// no pair of equal texts). As there, the rows come as objects and as JSON texts of the same bytes
// (each completion's transcript built and serialized once per ranking).
import type { PairMode } from "../labeling/pairs";
import type { ExportedRanking } from "./export-source";
import { hhTranscript } from "./hh-transcript";
import { forEachTextPair, pairJsonLines, type PairExportStats } from "./trl-writer";

export interface HhRow {
  chosen: string;
  rejected: string;
}

export function hhRows(ranking: ExportedRanking, mode: PairMode, stats?: PairExportStats): HhRow[] {
  const { messages, completions } = ranking;
  const rows: HhRow[] = [];
  forEachTextPair(
    ranking,
    mode,
    (c, r) => rows.push({ chosen: hhTranscript(messages, completions[c].text), rejected: hhTranscript(messages, completions[r].text) }),
    stats,
  );
  return rows;
}

/** hhRows as JSON texts. */
export function hhJson(ranking: ExportedRanking, mode: PairMode, stats?: PairExportStats): string[] {
  return pairJsonLines(
    ranking,
    mode,
    () => ({ head: '{"chosen":', middle: ',"rejected":', tail: "}" }),
    stats,
    (text) => hhTranscript(ranking.messages, text),
  );
}
