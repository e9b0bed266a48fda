// A snapshot's manifest, `snapshot.json`: what the folder holds and how it was made.
//
//   {"format_version": 1, "name": "v1", "project": {"id": 3, "name": "Demo"},
//    "created_at": "2026-05-01T12:00:00.000Z",
//    "hash": "<sha256>",                         // the content hash (below)
//    "filters": {"pairs": "all", "includeNoneAcceptable": false, ...},   // the export options used
//    "split": {"by": "prompt", "test_share": 0.1, "train_prompts": 45, "test_prompts": 5},
//    "license": "other",
//    "files": [{"path": "trl/train.jsonl", "format": "trl", "split": "train",
//               "rows": 120, "bytes": 40960, "sha256": "<sha256>"}, ...],
//    "card": {"path": "README.md", "bytes": 2048, "sha256": "<sha256>"},
//    "stats": {...},                              // what the dataset card reports (with
//                                                 // `demonstrations` when sft files are written)
//    "source": {"data_version": 1714564800123}}   // the project's data version it was read at (when
//                                                 // the database keeps one): same version, same data
//
// The content hash is SHA-256 over the data files' sorted `sha256  path` lines (the text
// `sha256sum` prints, one line each, sorted by path): the same data gives the same hash whenever
// and wherever it is taken, and a change of any ranking changes a file and so the hash. Neither
// `created_at` nor the card (which quotes the hash) enters it.
import { createHash } from "node:crypto";
import { z } from "zod";
import { SPLITS } from "./snapshot-split";

export const MANIFEST_FILE = "snapshot.json";

/**
 * The formats of a snapshot's demonstrations (lib/datasets/snapshot.ts): `sft` the accepted ones,
 * `sft-unreviewed` those submitted and not reviewed yet; both TRL conversational SFT rows.
 */
export const SFT_SNAPSHOT_FORMATS = ["sft", "sft-unreviewed"] as const;
export type SftSnapshotFormat = (typeof SFT_SNAPSHOT_FORMATS)[number];
export const CARD_FILE = "README.md";

/** A snapshot name: a folder name on every filesystem, and a URL segment without escaping. */
export const snapshotNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a snapshot name is 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit");

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);

export const snapshotFileSchema = z.object({
  path: z.string().min(1),
  format: z.string().min(1),
  split: z.enum(SPLITS),
  rows: z.number().int().min(0),
  bytes: z.number().int().min(0),
  sha256: sha256Schema,
});
export type SnapshotFile = z.infer<typeof snapshotFileSchema>;

export const snapshotStatsSchema = z.object({
  rankings: z.number().int().min(0),
  tasks: z.number().int().min(0),
  prompts: z.number().int().min(0),
  annotators: z.number().int().min(0),
  /** Rows of the default pair format (trl): the pairs a reward model trains on. */
  pairs: z.number().int().min(0),
  models: z.array(z.string()),
  /** The demonstrations written (absent when none is): rows of `sft` and `sft-unreviewed`, rejected ones left out, and the prompts and annotators of those written. */
  demonstrations: z
    .object({
      accepted: z.number().int().min(0),
      unreviewed: z.number().int().min(0),
      rejected: z.number().int().min(0),
      prompts: z.number().int().min(0),
      annotators: z.number().int().min(0),
    })
    .optional(),
  agreement: z.object({
    /** Pairwise agreement (lib/labeling/stats.ts) over completion pairs two annotators both ordered. */
    pairwise: z.object({ rate: z.number().nullable(), agreed: z.number(), total: z.number(), sharedTasks: z.number() }),
    /** Krippendorff's α (ordinal, interval) and mean Kendall τ-b, with 95% bootstrap intervals over tasks (lib/quality). */
    alphaOrdinal: z.object({ value: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() }).nullable(),
    alphaInterval: z.object({ value: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() }).nullable(),
    kendallTauB: z.object({ value: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() }).nullable(),
  }),
});
export type SnapshotStats = z.infer<typeof snapshotStatsSchema>;

export const snapshotManifestSchema = z.object({
  format_version: z.literal(1),
  name: snapshotNameSchema,
  project: z.object({ id: z.number().int(), name: z.string() }),
  created_at: z.string(),
  hash: sha256Schema,
  filters: z.record(z.string(), z.unknown()),
  split: z.object({ by: z.literal("prompt"), test_share: z.number(), train_prompts: z.number().int(), test_prompts: z.number().int() }),
  license: z.string(),
  files: z.array(snapshotFileSchema),
  card: z.object({ path: z.literal(CARD_FILE), bytes: z.number().int(), sha256: sha256Schema }),
  stats: snapshotStatsSchema,
  /** The project's data version the files were read at (lib/stats/change-stamp.ts), where the database keeps one. */
  source: z.object({ data_version: z.number() }).optional(),
});
export type SnapshotManifest = z.infer<typeof snapshotManifestSchema>;

/** The content hash of a snapshot's data files (see the header). */
export function snapshotHash(files: readonly Pick<SnapshotFile, "path" | "sha256">[]): string {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const h = createHash("sha256");
  for (const f of sorted) h.update(`${f.sha256}  ${f.path}\n`, "utf8");
  return h.digest("hex");
}
