// One line of an import file → its records, for any format: JSON first, then the format's parser.
import { parseHhLine } from "./hh-format";
import type { Line } from "./lines";
import { parseOasstLine } from "./oasst-format";
import { parseOpenRlhfLine } from "./openrlhf-format";
import { parsePalateLine } from "./palate-format";
import { parseRankingsLine } from "./rankings-format";
import type { ImportFormat, ImportRecord, LineParser } from "./record";
import { parseTrlLine } from "./trl-format";

export const LINE_PARSERS: Record<ImportFormat, LineParser> = {
  palate: parsePalateLine,
  trl: parseTrlLine,
  oasst: parseOasstLine,
  rankings: parseRankingsLine,
  hh: parseHhLine,
  openrlhf: parseOpenRlhfLine,
};

/** Records of a line, `null` for a blank line (ignored), or the reason the line is invalid. */
export function parseImportLine(format: ImportFormat, line: Line): { records: ImportRecord[] } | { error: string } | null {
  if (line.error !== undefined) return { error: line.error };
  if (line.text.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (err) {
    return { error: `bad JSON: ${(err as Error).message}` };
  }
  return LINE_PARSERS[format](value);
}
