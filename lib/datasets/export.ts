// Exporting a project's rankings as JSONL: a generator of rows (read from the database in
// batches), of lines, and a web ReadableStream of bytes for an HTTP download.
import { z } from "zod";
import type { Db } from "../../db/client";
import { PAIR_MODES, type PairMode } from "../labeling/pairs";
import { annotatorNames } from "./annotator-names";
import { projectRankings } from "./export-source";
import { hhRows } from "./hh-writer";
import { openRlhfRows } from "./openrlhf-writer";
import { rankingsRow } from "./rankings-writer";
import { trlConversationalRows, trlRows, type PairExportStats } from "./trl-writer";

export const EXPORT_FORMATS = ["trl", "trl-conversational", "rankings", "hh", "openrlhf"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportOptionsSchema = z.object({
  format: z.enum(EXPORT_FORMATS),
  /** Which pairs a ranking gives (every format but rankings): all, best-vs-rest or adjacent. */
  pairs: z.enum(PAIR_MODES as [PairMode, ...PairMode[]]).default("all"),
  /** Include rankings marked "none acceptable" (left out by default, in every format). */
  includeNoneAcceptable: z.boolean().default(false),
});
export type ExportOptions = z.input<typeof exportOptionsSchema>;

/**
 * The export's rows, one JSON value each, in ranking id order. The trl formats never write a
 * pair whose chosen and rejected texts are equal; `stats` counts them as they are skipped.
 */
export function* exportRows(db: Db, projectId: number, options: ExportOptions, stats?: PairExportStats): Generator<object> {
  const { format, pairs, includeNoneAcceptable } = exportOptionsSchema.parse(options);
  const names = format === "rankings" ? annotatorNames(db, projectId) : undefined;
  for (const ranking of projectRankings(db, projectId, { includeNoneAcceptable })) {
    if (names) yield rankingsRow(ranking, names.get(ranking.userId) ?? `#${ranking.userId}`);
    else if (format === "trl") yield* trlRows(ranking, pairs, stats);
    else if (format === "hh") yield* hhRows(ranking, pairs, stats);
    else if (format === "openrlhf") yield* openRlhfRows(ranking, pairs, stats);
    else yield* trlConversationalRows(ranking, pairs, stats);
  }
}

/** The export as JSONL lines, each ending with "\n". */
export function* exportLines(db: Db, projectId: number, options: ExportOptions, stats?: PairExportStats): Generator<string> {
  for (const row of exportRows(db, projectId, options, stats)) yield JSON.stringify(row) + "\n";
}

/** The export as a stream of UTF-8 bytes, produced as the reader pulls (about 64 KiB a chunk). */
export function exportStream(db: Db, projectId: number, options: ExportOptions): ReadableStream<Uint8Array> {
  exportOptionsSchema.parse(options);
  const lines = exportLines(db, projectId, options);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      let chunk = "";
      while (chunk.length < 65_536) {
        const next = lines.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += next.value;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    cancel() {
      lines.return(undefined);
    },
  });
}

/** A download file name: `<project>-<format>[-<pairs>].jsonl`, safe for any filesystem. */
export function exportFileName(projectName: string, options: ExportOptions): string {
  const { format, pairs } = exportOptionsSchema.parse(options);
  const slug = projectName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  return `${slug || "project"}-${format}${format === "rankings" ? "" : `-${pairs}`}.jsonl`;
}
