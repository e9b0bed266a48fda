// Exporting a project's rankings as JSONL: a generator of rows (read from the database in
// batches), of lines, and a web ReadableStream of bytes for an HTTP download.
import { z } from "zod";
import type { Db } from "../../db/client";
import { PAIR_MODES, type PairMode } from "../labeling/pairs";
import { countedExportRankings } from "../quality/counted-export";
import { rankingSelectionSchema } from "../quality/counted-rankings";
import { annotatorNames } from "./annotator-names";
import type { ExportedRanking } from "./export-source";
import { hhJson, hhRows } from "./hh-writer";
import { openRlhfJson, openRlhfRows } from "./openrlhf-writer";
import { marginOf, projectHasStrengths, withMargin } from "./pair-margin";
import { rankingsRow } from "./rankings-writer";
import { trlConversationalJson, trlConversationalRows, trlJson, trlRows, type PairExportStats } from "./trl-writer";

export const EXPORT_FORMATS = ["trl", "trl-conversational", "rankings", "hh", "openrlhf"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportOptionsSchema = z.object({
  format: z.enum(EXPORT_FORMATS),
  /** Which pairs a ranking gives (every format but rankings): all, best-vs-rest or adjacent. */
  pairs: z.enum(PAIR_MODES as [PairMode, ...PairMode[]]).default("all"),
  /** Include rankings marked "none acceptable" (left out by default, in every format). */
  includeNoneAcceptable: z.boolean().default(false),
  /** Which rankings count (lib/quality/counted-rankings.ts): rankings every|reviewed|aggregated, aggregate borda|kemeny, includePaused. */
  ...rankingSelectionSchema.shape,
});
export type ExportOptions = z.input<typeof exportOptionsSchema>;

/**
 * The export's rows, one JSON value each, in ranking id order. The trl formats never write a
 * pair whose chosen and rejected texts are equal; `stats` counts them as they are skipped.
 */
export function* exportRows(db: Db, projectId: number, options: ExportOptions, stats?: PairExportStats): Generator<object> {
  const { format, pairs, includeNoneAcceptable, rankings, aggregate, includePaused } = exportOptionsSchema.parse(options);
  const names = format === "rankings" ? annotatorNames(db, projectId) : undefined;
  // Pairwise strengths as TRL's and OpenRLHF's `margin` column, on every pair row once any ranking has one (pair-margin.ts); HH has no such column.
  const margins = format !== "rankings" && format !== "hh" && projectHasStrengths(db, projectId);
  for (const ranking of countedExportRankings(db, projectId, includeNoneAcceptable, { rankings, aggregate, includePaused }, format === "rankings")) {
    if (names) yield rankingsRow(ranking, names.get(ranking.userId) ?? `#${ranking.userId}`);
    else if (format === "hh") yield* hhRows(ranking, pairs, stats);
    else {
      const rows: object[] =
        format === "trl"
          ? trlRows(ranking, pairs, stats)
          : format === "openrlhf"
            ? openRlhfRows(ranking, pairs, stats)
            : trlConversationalRows(ranking, pairs, stats);
      if (margins) yield* withMargin(rows, ranking.strength);
      else yield* rows;
    }
  }
}

/**
 * The export's rows as JSON texts, one per row (no newline: jsonlChunks writes it): the bytes of
 * JSON.stringify on each of exportRows' rows, which the pair formats build from pieces serialized
 * once per ranking (trl-writer.ts) rather than from row objects.
 */
export function* exportJson(db: Db, projectId: number, options: ExportOptions, stats?: PairExportStats): Generator<string> {
  const { format, pairs, includeNoneAcceptable, rankings, aggregate, includePaused } = exportOptionsSchema.parse(options);
  const source = countedExportRankings(db, projectId, includeNoneAcceptable, { rankings, aggregate, includePaused }, format === "rankings");
  if (format === "rankings") {
    const names = annotatorNames(db, projectId);
    for (const ranking of source) yield JSON.stringify(rankingsRow(ranking, names.get(ranking.userId) ?? `#${ranking.userId}`));
    return;
  }
  const margins = format !== "hh" && projectHasStrengths(db, projectId);
  const lines: (ranking: ExportedRanking) => string[] =
    format === "trl"
      ? (r) => trlJson(r, pairs, margins ? marginOf(r.strength) : undefined, stats)
      : format === "trl-conversational"
        ? (r) => trlConversationalJson(r, pairs, margins ? marginOf(r.strength) : undefined, stats)
        : format === "openrlhf"
          ? (r) => openRlhfJson(r, pairs, margins ? marginOf(r.strength) : undefined, stats)
          : (r) => hhJson(r, pairs, stats);
  for (const ranking of source) yield* lines(ranking);
}

/** The export as JSONL lines, each ending with "\n". */
export function* exportLines(db: Db, projectId: number, options: ExportOptions, stats?: PairExportStats): Generator<string> {
  for (const json of exportJson(db, projectId, options, stats)) yield json + "\n";
}

export interface JsonlChunkOptions {
  /** Bytes per chunk at most (a longer line is a chunk of its own); default 1 MiB. */
  chunkBytes?: number;
  /**
   * Fill this many buffers again in turn (a chunk's buffer is written to again that many chunks
   * later), for a caller that is done with a chunk by then: 1 for a synchronous write, 2 for one
   * write in flight while the next chunk is built. Default 0: a fresh buffer for every chunk.
   * Reused buffers spare the page faults of new memory (some 60k for a 250 MB export).
   */
  reuseBuffers?: number;
}

const NEWLINE = 0x0a;

/**
 * JSONL as UTF-8 bytes, in chunks: each text, then a newline. A text is encoded straight into
 * the chunk's buffer (not joined to its newline or to other lines in a string first: that
 * copies every line once more). Unless `reuseBuffers`, a chunk is never written to again once
 * yielded, so it may go to an asynchronous write.
 */
export function* jsonlChunks(texts: Iterable<string>, options: JsonlChunkOptions = {}): Generator<Uint8Array> {
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const reuse = options.reuseBuffers ?? 0;
  const buffers: Buffer[] = [];
  let turn = 0;
  const nextBuffer = (): Buffer => {
    if (reuse === 0) return Buffer.allocUnsafeSlow(chunkBytes);
    turn = (turn + 1) % reuse;
    return (buffers[turn] ??= Buffer.allocUnsafeSlow(chunkBytes));
  };
  let buffer = nextBuffer();
  let used = 0;
  for (const text of texts) {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8 (a surrogate pair, two units, takes 4); 1 for the newline.
    const most = text.length * 3 + 1;
    if (most > chunkBytes - used) {
      if (used > 0) {
        yield buffer.subarray(0, used);
        buffer = nextBuffer();
        used = 0;
      }
      if (most > chunkBytes) {
        yield Buffer.from(text + "\n", "utf8");
        continue;
      }
    }
    used += buffer.write(text, used, "utf8");
    buffer[used++] = NEWLINE;
  }
  if (used > 0) yield buffer.subarray(0, used);
}

/** The export as a stream of UTF-8 bytes, produced as the reader pulls (about 64 KiB a chunk). */
export function exportStream(db: Db, projectId: number, options: ExportOptions): ReadableStream<Uint8Array> {
  exportOptionsSchema.parse(options);
  const texts = exportJson(db, projectId, options);
  const chunks = jsonlChunks(texts, { chunkBytes: 65_536 });
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel() {
      chunks.return(undefined);
      texts.return(undefined);
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
