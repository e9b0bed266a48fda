// Freezing a project's export as a snapshot: every export format, split train/test by prompt,
// written once into `<data dir>/snapshots/<project id>/<name>/` with its manifest (snapshot.json:
// each file's rows, bytes and SHA-256, the filters, the content hash) and a Hugging Face dataset
// card (README.md).
//
// A project's demonstrations are frozen beside its rankings, in TRL's conversational SFT format
// (sft-writer.ts, the export's writer): `sft/` holds those a reviewer accepted, `sft-unreviewed/`
// those submitted and not reviewed yet (the rankings' files hold unreviewed rankings too; a reader
// chooses whether to take these), split by prompt like every other file. Rejected ones and drafts
// are never written; the ranking filters do not apply to them. A project with demonstrations and no
// rankings gives a snapshot of the sft files alone.
//
// - Consistent: every format is read inside one read transaction, so the files agree with each
//   other even while annotators keep ranking (WAL: the writers are not blocked).
// - Content-addressed: the hash covers the data files only (snapshot-manifest.ts), so the same
//   rankings and filters give the same hash at any time.
// - Immutable and atomic: the folder is filled under a temp name beside its final place (a name
//   no listing shows), its files made read-only, then renamed into place. A name already taken
//   fails with SnapshotExistsError and leaves the existing snapshot and the disk as they were,
//   unless its content hash is the same: then the existing snapshot is reported ("exists").
// - Observable and stoppable: `onProgress` hears of the rows and files written every few thousand
//   rows; a throw from it (a cancelled job) stops the writing, and the temp folder is removed. The
//   temp folder's name says who writes it (a job, or a process), so a writer killed midway leaves a
//   folder that the sweep (snapshot-sweep.ts) recognises and removes.
//
// A large project is snapshotted by the `snapshot` job (snapshot-job.ts) in the worker's child
// process, reading through a connection of its own; a small one may be taken in the request.
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { prompts } from "../../db/schema";
import { rankingPairs } from "../labeling/pairs";
import { agreementReport } from "../labeling/stats";
import type { Project } from "../projects";
import { rankingAgreementReport } from "../quality/ranking-agreement";
import { datasetCard, DEFAULT_LICENSE, LICENSE_PATTERN } from "./dataset-card";
import { sftCounts, sftEntries, type SftReviewSelection } from "./sft-writer";
import { EXPORT_FORMATS, exportOptionsSchema, exportRows, type ExportFormat } from "./export";
import type { RankingsRow } from "./rankings-writer";
import {
  CARD_FILE,
  MANIFEST_FILE,
  SFT_SNAPSHOT_FORMATS,
  snapshotHash,
  snapshotNameSchema,
  type SnapshotFile,
  type SnapshotManifest,
  type SnapshotStats,
  type SftSnapshotFormat,
} from "./snapshot-manifest";
import { DEFAULT_TEST_SHARE, messagesKey, promptSplit, rowPromptText, SPLITS, type Split } from "./snapshot-split";
import { projectSnapshotsDir, readManifest, snapshotDir } from "./snapshot-store";
import { snapshotTempName, type SnapshotWriter } from "./snapshot-sweep";

/** The export options a snapshot applies to every format (all of them but the format). */
export const snapshotFiltersSchema = exportOptionsSchema.omit({ format: true });
export type SnapshotFilters = z.input<typeof snapshotFiltersSchema>;

/** What a snapshot request carries (API body, CLI flags): the name, the split, the license and the filters. */
export const snapshotRequestSchema = snapshotFiltersSchema
  .extend({
    name: snapshotNameSchema,
    /** The share of prompts held out as the test split. */
    testShare: z.number().min(0).max(0.9).default(DEFAULT_TEST_SHARE),
    /** The card's license (a Hub license id). */
    license: z.string().trim().regex(LICENSE_PATTERN, "a license id such as apache-2.0, cc-by-4.0, mit or other").default(DEFAULT_LICENSE),
  })
  .strict();
export type SnapshotRequest = z.input<typeof snapshotRequestSchema>;

export interface CreateSnapshotResult {
  /** "created", or "exists" when a snapshot of that name with the same content hash was there already. */
  status: "created" | "exists";
  dir: string;
  manifest: SnapshotManifest;
}

/** A snapshot of that name exists with other data: snapshots are never overwritten. */
export class SnapshotExistsError extends Error {
  constructor(
    readonly snapshot: string,
    readonly existingHash: string,
    readonly newHash: string,
  ) {
    super(
      `name: snapshot "${snapshot}" already exists with different data (its hash ${existingHash.slice(0, 12)}…, this data ${newHash.slice(0, 12)}…); snapshots are immutable: choose another name`,
    );
  }
}

/** Nothing to freeze: the filters leave no ranking, and the project has no demonstration to write. */
export class EmptySnapshotError extends Error {}

/** Where a snapshot being written stands (createSnapshot's `onProgress`). */
export interface SnapshotProgress {
  /** The format being written, and how many formats are done before it. */
  format: SnapshotFormat;
  formatsDone: number;
  formats: number;
  /** Rows written to this format's files so far, and the rows it is expected to have (an estimate until the format is done). */
  rows: number;
  expectedRows: number;
  /** Rows written in every format so far. */
  totalRows: number;
  /** Data files complete (closed and hashed). */
  filesWritten: number;
  /** The share done, 0–1 (the formats take 95%, the statistics and the card the rest). */
  fraction: number;
}

export interface CreateSnapshotOptions {
  /**
   * Hears of the progress every PROGRESS_EVERY_ROWS rows and after each format. A throw from it
   * (JobCancelledError, say) stops the snapshot: nothing is renamed into place, the temp folder goes.
   */
  onProgress?: (progress: SnapshotProgress) => void;
  /** Who writes the temp folder, named in it for the sweep: a job, or (by default) this process. */
  writer?: SnapshotWriter;
}

/** How often (in rows) createSnapshot reports progress. */
export const PROGRESS_EVERY_ROWS = 2000;

/**
 * The order the formats are written in: rankings first (its rows are the rankings the pair formats
 * expand, so it tells how many pairs to expect), then the manifest's order. The manifest lists the
 * files in EXPORT_FORMATS order whatever the writing order.
 */
const WRITE_ORDER: readonly ExportFormat[] = ["rankings", ...EXPORT_FORMATS.filter((f) => f !== "rankings")];

/** Every format a snapshot may hold, in the manifest's order: the export's ranking formats, then the demonstrations'. */
export const SNAPSHOT_FORMATS = [...EXPORT_FORMATS, ...SFT_SNAPSHOT_FORMATS] as const;
export type SnapshotFormat = (typeof SNAPSHOT_FORMATS)[number];

/** The demonstrations each sft format of a snapshot holds (see the header). */
const SFT_REVIEWS: Record<SftSnapshotFormat, SftReviewSelection> = { sft: "accepted", "sft-unreviewed": "pending" };

const isSftFormat = (format: SnapshotFormat): format is SftSnapshotFormat => Object.hasOwn(SFT_REVIEWS, format);

const CHUNK_BYTES = 1 << 20;

/** One output file: lines buffered into ~1 MiB writes, hashed and counted as they go. */
class FileWriter {
  private fd: number;
  private parts: string[] = [];
  private pending = 0;
  private hash = createHash("sha256");
  rows = 0;
  bytes = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "wx", 0o644);
  }

  line(text: string): void {
    this.parts.push(text);
    this.pending += text.length;
    this.rows++;
    if (this.pending >= CHUNK_BYTES) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const buffer = Buffer.from(this.parts.join(""), "utf8");
    this.parts = [];
    this.pending = 0;
    this.hash.update(buffer);
    for (let at = 0; at < buffer.length;) at += writeSync(this.fd, buffer, at);
    this.bytes += buffer.length;
  }

  close(): string {
    this.flush();
    closeSync(this.fd);
    return this.hash.digest("hex");
  }
}

interface Collected {
  files: SnapshotFile[];
  stats: Omit<SnapshotStats, "agreement">;
  agreement: SnapshotStats["agreement"];
  prompts: Record<Split, number>;
  dataVersion: number | undefined;
}

/**
 * The project's rankings, every one (an upper bound of what a snapshot writes), counted up to
 * `atMost` when given: deciding that a project is larger than a threshold reads that many rows,
 * not the whole project (the full count takes ~0.2 s at 200k rankings).
 */
export function projectRankingCount(db: Db, projectId: number, atMost?: number): number {
  const limit = atMost === undefined ? -1 : Math.max(0, Math.floor(atMost));
  return (
    db.get<{ n: number }>(
      sql`SELECT count(*) AS n FROM (SELECT 1 FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE t.project_id = ${projectId} LIMIT ${limit})`,
    )?.n ?? 0
  );
}

/**
 * The project's data version (lib/stats/change-stamp.ts: a number SQLite triggers raise with every
 * write to the project's data), or undefined where the database has none.
 */
export function projectDataVersion(db: Db, projectId: number): number | undefined {
  try {
    return db.get<{ version: number } | undefined>(sql`SELECT version FROM project_versions WHERE project_id = ${projectId}`)?.version;
  } catch {
    return undefined; // a database from before the versions
  }
}

/** Writes every format's train and test files into `dir` from one consistent read of the database. */
function writeFormats(
  db: Db,
  projectId: number,
  dir: string,
  filters: z.output<typeof snapshotFiltersSchema>,
  testShare: number,
  onProgress?: (progress: SnapshotProgress) => void,
): Collected {
  return db.transaction((tx) => {
    // The version the files are read at: a later request for the same data can be answered without exporting.
    const dataVersion = projectDataVersion(tx, projectId);
    const splitOfPrompt = new Map<number, Split>();
    const promptTextOf = (id: number): string | undefined => {
      const row = tx
        .select({ messages: prompts.messages })
        .from(prompts)
        .where(and(eq(prompts.id, id), eq(prompts.projectId, projectId)))
        .get();
      return row ? messagesKey(row.messages) : undefined;
    };
    const splitOf = (row: object, format: string): Split => {
      const id = (row as { prompt_id?: unknown }).prompt_id;
      const known = typeof id === "number" ? splitOfPrompt.get(id) : undefined;
      if (known) return known;
      const split = promptSplit(rowPromptText(row, promptTextOf, format), testShare);
      if (typeof id === "number") splitOfPrompt.set(id, split);
      return split;
    };

    const files: SnapshotFile[] = [];
    const tasks = new Set<number>();
    const annotators = new Set<number>();
    const promptIds = new Set<number>();
    const models = new Set<string>();
    const records: { rankingId: number; taskId: number; userId: number; groups: number[][]; noneAcceptable: boolean; secondsSpent: number | null }[] = [];
    let rankingRows = 0;
    let pairs = 0;
    // Expected rows per format, for progress: every ranking of the project at first, then the
    // rankings written and the pairs they give (an upper bound: equal texts give no pair row),
    // then the pair rows the first pair format wrote.
    let expectedRankings = onProgress ? projectRankingCount(tx, projectId) : 0;
    let expectedPairs = 0;
    let pairRows: number | undefined;
    let totalRows = 0;
    let formatsDone = 0;
    // The demonstrations to write: each sft format that has some (counted once, for the order and the progress).
    const demos = sftCounts(tx, projectId);
    const sftRows: Record<SftSnapshotFormat, number> = { sft: demos.accepted, "sft-unreviewed": demos.submitted - demos.accepted - demos.rejected };
    const sftFormats = SFT_SNAPSHOT_FORMATS.filter((f) => sftRows[f] > 0);
    // A project without any ranking (a demonstration project) writes no empty ranking formats.
    const rankingFormats = sftFormats.length > 0 && projectRankingCount(tx, projectId, 1) === 0 ? [] : WRITE_ORDER;
    const order: readonly SnapshotFormat[] = [...rankingFormats, ...sftFormats];
    const demoAnnotators = new Set<number>();
    const demoPrompts = new Set<number>();
    let rankingsEmpty = false;
    const report = (format: SnapshotFormat, rows: number, done: boolean) => {
      if (!onProgress) return;
      const expectedRows = isSftFormat(format) ? sftRows[format] : format === "rankings" ? expectedRankings : (pairRows ?? expectedPairs);
      const within = done ? 1 : expectedRows > 0 ? Math.min(0.99, rows / expectedRows) : 0;
      onProgress({
        format,
        formatsDone,
        formats: order.length,
        rows,
        expectedRows: Math.max(expectedRows, rows),
        totalRows,
        filesWritten: files.length,
        fraction: (0.95 * (formatsDone + within)) / order.length,
      });
    };
    for (const format of order) {
      if (rankingsEmpty && !isSftFormat(format)) {
        // The filters left no ranking, so no pair either: the demonstrations alone are written.
        formatsDone++;
        continue;
      }
      mkdirSync(join(dir, format));
      const writers = Object.fromEntries(SPLITS.map((s) => [s, new FileWriter(join(dir, format, `${s}.jsonl`))])) as Record<Split, FileWriter>;
      let rows = 0;
      try {
        report(format, 0, false);
        if (isSftFormat(format)) {
          for (const entry of sftEntries(tx, projectId, SFT_REVIEWS[format])) {
            writers[splitOf({ prompt_id: entry.promptId }, format)].line(entry.json + "\n");
            rows++;
            totalRows++;
            demoPrompts.add(entry.promptId);
            demoAnnotators.add(entry.userId);
            if (rows % PROGRESS_EVERY_ROWS === 0) report(format, rows, false);
          }
        } else {
          for (const row of exportRows(tx, projectId, { ...filters, format })) {
            writers[splitOf(row, format)].line(JSON.stringify(row) + "\n");
            rows++;
            totalRows++;
            if (rows % PROGRESS_EVERY_ROWS === 0) report(format, rows, false);
            if (format === "trl") pairs++;
            if (format === "rankings") {
              const r = row as RankingsRow;
              rankingRows++;
              expectedPairs += rankingPairs(r.groups, filters.pairs).length;
              tasks.add(r.task_id);
              promptIds.add(r.prompt_id);
              for (const c of r.completions) if (c.model) models.add(c.model);
              // Reviewed and aggregated rankings stand for several annotators: neither counted as one nor compared.
              if (typeof r.annotator_id === "number" && (r.source === "annotator" || r.source === "imported")) {
                annotators.add(r.annotator_id);
                records.push({
                  rankingId: r.ranking_id,
                  taskId: r.task_id,
                  userId: r.annotator_id,
                  groups: r.groups,
                  noneAcceptable: r.none_acceptable,
                  secondsSpent: r.seconds_spent,
                });
              }
            }
          }
        }
      } finally {
        for (const split of SPLITS) {
          const w = writers[split];
          const sha256 = w.close();
          if (w.rows === 0) unlinkSync(w.path);
          else files.push({ path: `${format}/${split}.jsonl`, format, split, rows: w.rows, bytes: w.bytes, sha256 });
        }
        // A format that wrote nothing (every pair of equal texts, say) leaves no empty folder.
        if (SPLITS.every((split) => writers[split].rows === 0)) rmSync(join(dir, format), { recursive: true, force: true });
      }
      if (format === "rankings") {
        if (rankingRows === 0) {
          if (sftFormats.length === 0)
            throw new EmptySnapshotError(
              "nothing to snapshot: no rankings (the project has none, or the filters leave none) and no submitted demonstration that a reviewer did not reject",
            );
          rankingsEmpty = true;
        }
        expectedRankings = rankingRows;
      } else if (!isSftFormat(format)) pairRows ??= rows;
      formatsDone++;
      report(format, rows, true);
    }
    // The manifest's order (and the card's): SNAPSHOT_FORMATS, train before test.
    files.sort((a, b) => SNAPSHOT_FORMATS.indexOf(a.format as SnapshotFormat) - SNAPSHOT_FORMATS.indexOf(b.format as SnapshotFormat));

    const pairwise = agreementReport(records).overall;
    const quality = rankingAgreementReport(records);
    const counts = { train: 0, test: 0 };
    for (const id of new Set([...promptIds, ...demoPrompts])) counts[splitOfPrompt.get(id) ?? "train"]++;
    const rowsOf = (format: SftSnapshotFormat) => files.filter((f) => f.format === format).reduce((n, f) => n + f.rows, 0);
    return {
      files,
      stats: {
        rankings: rankingRows,
        tasks: tasks.size,
        prompts: promptIds.size,
        annotators: annotators.size,
        pairs,
        models: [...models].sort(),
        ...(sftFormats.length > 0
          ? {
              demonstrations: {
                accepted: rowsOf("sft"),
                unreviewed: rowsOf("sft-unreviewed"),
                rejected: demos.rejected,
                prompts: demoPrompts.size,
                annotators: demoAnnotators.size,
              },
            }
          : {}),
      },
      agreement: {
        pairwise: { rate: pairwise.rate, agreed: pairwise.agreed, total: pairwise.total, sharedTasks: pairwise.sharedTasks },
        alphaOrdinal: quality.alpha.ordinal,
        alphaInterval: quality.alpha.interval,
        kendallTauB: quality.kendallTauB.mean,
      },
      prompts: counts,
      dataVersion,
    };
  });
}

/** Makes every file under `dir` read-only (0444). */
function freeze(dir: string, paths: readonly string[]): void {
  for (const p of paths) chmodSync(join(dir, p), 0o444);
}

/** The existing snapshot's answer to a new one of the same name: "exists" when the hashes match, else SnapshotExistsError. */
function collision(finalDir: string, name: string, hash: string): CreateSnapshotResult {
  const existing = readManifest(finalDir);
  if (existing.hash !== hash) throw new SnapshotExistsError(name, existing.hash, hash);
  return { status: "exists", dir: finalDir, manifest: existing };
}

/**
 * Freezes `project`'s export as the snapshot `request.name` under `dataDir`. Resolves to the
 * manifest ("created", or "exists" for the same data under that name); throws
 * SnapshotExistsError (the name holds other data), EmptySnapshotError (no ranking and no demonstration), or a ZodError
 * (a bad request field).
 */
export function createSnapshot(
  db: Db,
  project: Project,
  request: SnapshotRequest,
  dataDir: string,
  now: Date = new Date(),
  options: CreateSnapshotOptions = {},
): CreateSnapshotResult {
  const { name, testShare, license, ...filterFields } = snapshotRequestSchema.parse(request);
  const filters = snapshotFiltersSchema.parse(filterFields);
  const root = projectSnapshotsDir(dataDir, project.id);
  const finalDir = snapshotDir(dataDir, project.id, name);
  mkdirSync(root, { recursive: true });
  const tmp = join(root, snapshotTempName(name, options.writer ?? { pid: process.pid }, randomBytes(4).toString("hex")));
  mkdirSync(tmp);
  try {
    const collected = writeFormats(db, project.id, tmp, filters, testShare, options.onProgress);
    const hash = snapshotHash(collected.files);
    if (existsSync(finalDir)) return collision(finalDir, name, hash);

    const base: Omit<SnapshotManifest, "card"> = {
      format_version: 1,
      name,
      project: { id: project.id, name: project.name },
      created_at: now.toISOString(),
      hash,
      filters,
      split: { by: "prompt", test_share: testShare, train_prompts: collected.prompts.train, test_prompts: collected.prompts.test },
      license,
      files: collected.files,
      stats: { ...collected.stats, agreement: collected.agreement },
      ...(collected.dataVersion !== undefined ? { source: { data_version: collected.dataVersion } } : {}),
    };
    const card = datasetCard({ manifest: base, guidelines: project.guidelines });
    writeFileSync(join(tmp, CARD_FILE), card, { flag: "wx" });
    const manifest: SnapshotManifest = {
      ...base,
      card: { path: CARD_FILE, bytes: statSync(join(tmp, CARD_FILE)).size, sha256: createHash("sha256").update(card, "utf8").digest("hex") },
    };
    writeFileSync(join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n", { flag: "wx" });
    freeze(tmp, [...collected.files.map((f) => f.path), CARD_FILE, MANIFEST_FILE]);
    try {
      renameSync(tmp, finalDir);
    } catch (err) {
      // Another process took the name between the check and the rename.
      const code = (err as NodeJS.ErrnoException).code;
      if ((code === "ENOTEMPTY" || code === "EEXIST") && existsSync(finalDir)) return collision(finalDir, name, hash);
      throw err;
    }
    return { status: "created", dir: finalDir, manifest };
  } finally {
    // After a rename the temp name is gone; otherwise it holds what must not stay.
    if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
  }
}
