// Freezing a project's export as a snapshot: every export format, split train/test by prompt,
// written once into `<data dir>/snapshots/<project id>/<name>/` with its manifest (snapshot.json:
// each file's rows, bytes and SHA-256, the filters, the content hash) and a Hugging Face dataset
// card (README.md).
//
// - Consistent: every format is read inside one read transaction, so the files agree with each
//   other even while annotators keep ranking (WAL: the writers are not blocked).
// - Content-addressed: the hash covers the data files only (snapshot-manifest.ts), so the same
//   rankings and filters give the same hash at any time.
// - Immutable and atomic: the folder is filled under a temp name beside its final place (a name
//   no listing shows), its files made read-only, then renamed into place. A name already taken
//   fails with SnapshotExistsError and leaves the existing snapshot and the disk as they were,
//   unless its content hash is the same: then the existing snapshot is reported ("exists").
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { prompts } from "../../db/schema";
import { agreementReport } from "../labeling/stats";
import type { Project } from "../projects";
import { rankingAgreementReport } from "../quality/ranking-agreement";
import { datasetCard, DEFAULT_LICENSE, LICENSE_PATTERN } from "./dataset-card";
import { EXPORT_FORMATS, exportOptionsSchema, exportRows } from "./export";
import type { RankingsRow } from "./rankings-writer";
import { CARD_FILE, MANIFEST_FILE, snapshotHash, snapshotNameSchema, type SnapshotFile, type SnapshotManifest, type SnapshotStats } from "./snapshot-manifest";
import { DEFAULT_TEST_SHARE, messagesKey, promptSplit, rowPromptText, SPLITS, type Split } from "./snapshot-split";
import { projectSnapshotsDir, readManifest, snapshotDir } from "./snapshot-store";

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

/** Nothing to freeze: the filters leave no ranking. */
export class EmptySnapshotError extends Error {}

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
}

/** Writes every format's train and test files into `dir` from one consistent read of the database. */
function writeFormats(db: Db, projectId: number, dir: string, filters: z.output<typeof snapshotFiltersSchema>, testShare: number): Collected {
  return db.transaction((tx) => {
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
    for (const format of EXPORT_FORMATS) {
      mkdirSync(join(dir, format));
      const writers = Object.fromEntries(SPLITS.map((s) => [s, new FileWriter(join(dir, format, `${s}.jsonl`))])) as Record<Split, FileWriter>;
      try {
        for (const row of exportRows(tx, projectId, { ...filters, format })) {
          writers[splitOf(row, format)].line(JSON.stringify(row) + "\n");
          if (format === "trl") pairs++;
          if (format === "rankings") {
            const r = row as RankingsRow;
            rankingRows++;
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
      } finally {
        for (const split of SPLITS) {
          const w = writers[split];
          const sha256 = w.close();
          if (w.rows === 0) unlinkSync(w.path);
          else files.push({ path: `${format}/${split}.jsonl`, format, split, rows: w.rows, bytes: w.bytes, sha256 });
        }
      }
    }
    if (rankingRows === 0) throw new EmptySnapshotError("no rankings to snapshot: the project has none, or the filters leave none");

    const pairwise = agreementReport(records).overall;
    const quality = rankingAgreementReport(records);
    const counts = { train: 0, test: 0 };
    for (const id of promptIds) counts[splitOfPrompt.get(id) ?? "train"]++;
    return {
      files,
      stats: { rankings: rankingRows, tasks: tasks.size, prompts: promptIds.size, annotators: annotators.size, pairs, models: [...models].sort() },
      agreement: {
        pairwise: { rate: pairwise.rate, agreed: pairwise.agreed, total: pairwise.total, sharedTasks: pairwise.sharedTasks },
        alphaOrdinal: quality.alpha.ordinal,
        alphaInterval: quality.alpha.interval,
        kendallTauB: quality.kendallTauB.mean,
      },
      prompts: counts,
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
 * SnapshotExistsError (the name holds other data), EmptySnapshotError (no ranking), or a ZodError
 * (a bad request field).
 */
export function createSnapshot(db: Db, project: Project, request: SnapshotRequest, dataDir: string, now: Date = new Date()): CreateSnapshotResult {
  const { name, testShare, license, ...filterFields } = snapshotRequestSchema.parse(request);
  const filters = snapshotFiltersSchema.parse(filterFields);
  const root = projectSnapshotsDir(dataDir, project.id);
  const finalDir = snapshotDir(dataDir, project.id, name);
  mkdirSync(root, { recursive: true });
  const tmp = join(root, `.tmp-${name}-${process.pid}-${randomBytes(4).toString("hex")}`);
  mkdirSync(tmp);
  try {
    const collected = writeFormats(db, project.id, tmp, filters, testShare);
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
