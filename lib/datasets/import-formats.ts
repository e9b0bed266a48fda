// One line of an import file → its records, for any format: JSON first, then the format's parser.
import type { Line } from "./lines";
import { parseOasstLine } from "./oasst-format";
import { parsePalateLine } from "./palate-format";
import type { ImportFormat, ImportRecord, LineParser } from "./record";
import { parseTrlLine } from "./trl-format";

export const LINE_PARSERS: Record<ImportFormat, LineParser> = {
  palate: parsePalateLine,
  trl: parseTrlLine,
  oasst: parseOasstLine,
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
