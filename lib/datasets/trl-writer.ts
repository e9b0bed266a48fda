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
//
// Each format comes twice: the rows as objects (`trlRows`), and the rows as JSON texts
// (`trlJson`), the same bytes as JSON.stringify of each object, built from pieces serialized once
// per ranking (json-text.ts): the prompt once, each completion once however many pairs it is in.
// The export writes the texts; a unit test holds the two to the same bytes.
import type { Message } from "../../db/schema";
import { forEachRankingPair, type PairMode } from "../labeling/pairs";
import { sameNormalizedText } from "../labeling/same-normalized-text";
import type { ExportedRanking } from "./export-source";
import { jsonString } from "./json-text";
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

/** A completion's index in the ranking's task: a task has a handful of completions, so a scan finds one faster than a Map built per ranking. */
function completionIndex(ranking: ExportedRanking, id: number): number {
  const { completions } = ranking;
  for (let i = 0; i < completions.length; i++) if (completions[i].id === id) return i;
  throw new Error(`ranking ${ranking.id} names a completion its task does not have`);
}

/**
 * Calls `visit` with the indices (into `ranking.completions`) of each pair the ranking gives in
 * `mode`, less the pairs of equal texts (counted in `stats`).
 */
export function forEachTextPair(ranking: ExportedRanking, mode: PairMode, visit: (chosen: number, rejected: number) => void, stats?: PairExportStats): void {
  const { completions } = ranking;
  forEachRankingPair(ranking.groups, mode, (chosenId, rejectedId) => {
    const chosen = completionIndex(ranking, chosenId);
    const rejected = completionIndex(ranking, rejectedId);
    if (sameNormalizedText(completions[chosen].text, completions[rejected].text)) {
      if (stats) stats.equalPairsSkipped++;
      return;
    }
    visit(chosen, rejected);
  });
}

/** Each completion's text as a JSON string, serialized the first time it is asked for. */
export function jsonTexts(ranking: ExportedRanking, text: (completion: string) => string = (t) => t): (index: number) => string {
  const done: string[] = [];
  return (i) => (done[i] ??= jsonString(text(ranking.completions[i].text)));
}

/** The pieces of a pair line around its two completions: head + chosen + middle + rejected + tail. */
export interface PairLineParts {
  head: string;
  middle: string;
  tail: string;
}

/**
 * The JSON lines of the ranking's pairs in `mode` (pairs of equal texts left out and counted in
 * `stats`): each completion's JSON text once per ranking, between the parts `parts` gives (asked
 * for once, on the first pair, so a ranking without pairs costs nothing).
 */
export function pairJsonLines(
  ranking: ExportedRanking,
  mode: PairMode,
  parts: () => PairLineParts,
  stats?: PairExportStats,
  text?: (completion: string) => string,
): string[] {
  const lines: string[] = [];
  const json = jsonTexts(ranking, text);
  let p: PairLineParts | undefined;
  forEachTextPair(
    ranking,
    mode,
    (c, r) => {
      p ??= parts();
      lines.push(p.head + json(c) + p.middle + json(r) + p.tail);
    },
    stats,
  );
  return lines;
}

/** `,"margin":<margin>` when the export writes one, else "" (pair-margin.ts). */
export function marginJson(margin: number | undefined): string {
  return margin === undefined ? "" : `,"margin":${JSON.stringify(margin)}`;
}

/** The row's id columns and its end: `,"prompt_id":…,"task_id":…,"ranking_id":…[,"margin":…]}`. */
function idsJson(ranking: ExportedRanking, margin: number | undefined): string {
  return `,"prompt_id":${JSON.stringify(ranking.promptId)},"task_id":${JSON.stringify(ranking.taskId)},"ranking_id":${JSON.stringify(ranking.id)}${marginJson(margin)}}`;
}

/** The prompt as the conversational rows write it: [{role, content}, …] as JSON. */
export function promptMessagesJson(messages: readonly Message[]): string {
  return JSON.stringify(messages.map((m) => ({ role: m.role, content: m.content })));
}

export function trlRows(ranking: ExportedRanking, mode: PairMode, stats?: PairExportStats): TrlRow[] {
  const prompt = promptText(ranking.messages);
  const { promptId, taskId, id, completions } = ranking;
  const rows: TrlRow[] = [];
  forEachTextPair(
    ranking,
    mode,
    (c, r) => rows.push({ prompt, chosen: completions[c].text, rejected: completions[r].text, prompt_id: promptId, task_id: taskId, ranking_id: id }),
    stats,
  );
  return rows;
}

/** trlRows as JSON texts, with `margin` last when given. */
export function trlJson(ranking: ExportedRanking, mode: PairMode, margin?: number, stats?: PairExportStats): string[] {
  return pairJsonLines(
    ranking,
    mode,
    () => ({ head: `{"prompt":${jsonString(promptText(ranking.messages))},"chosen":`, middle: ',"rejected":', tail: idsJson(ranking, margin) }),
    stats,
  );
}

export function trlConversationalRows(ranking: ExportedRanking, mode: PairMode, stats?: PairExportStats): TrlConversationalRow[] {
  const ids = { prompt_id: ranking.promptId, task_id: ranking.taskId, ranking_id: ranking.id };
  const { completions } = ranking;
  const rows: TrlConversationalRow[] = [];
  forEachTextPair(
    ranking,
    mode,
    (c, r) =>
      rows.push({
        prompt: ranking.messages.map((m) => ({ role: m.role, content: m.content })),
        chosen: [{ role: "assistant", content: completions[c].text }],
        rejected: [{ role: "assistant", content: completions[r].text }],
        ...ids,
      }),
    stats,
  );
  return rows;
}

/** trlConversationalRows as JSON texts, with `margin` last when given. */
export function trlConversationalJson(ranking: ExportedRanking, mode: PairMode, margin?: number, stats?: PairExportStats): string[] {
  return pairJsonLines(
    ranking,
    mode,
    () => ({
      head: `{"prompt":${promptMessagesJson(ranking.messages)},"chosen":[{"role":"assistant","content":`,
      middle: '}],"rejected":[{"role":"assistant","content":',
      tail: `}]${idsJson(ranking, margin)}`,
    }),
    stats,
  );
}
