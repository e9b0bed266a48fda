// Where snapshots live and how they are found: `<data dir>/snapshots/<project id>/<name>/`, one
// folder per snapshot, its manifest `snapshot.json` the index (no table: a snapshot folder can be
// copied elsewhere and still be read, and a listing is a directory read). The data dir is
// PALATE_DATA_DIR, else the folder of the database (as for jobs/ and imports/).
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, resolve, sep } from "node:path";
import { databasePath } from "../../db/client";
import { CARD_FILE, MANIFEST_FILE, snapshotHash, snapshotManifestSchema, snapshotNameSchema, type SnapshotManifest } from "./snapshot-manifest";

/** The data folder: PALATE_DATA_DIR, else the database's folder. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(/*turbopackIgnore: true*/ env.PALATE_DATA_DIR ?? dirname(databasePath()));
}

/** The folder of a project's snapshots. */
export function projectSnapshotsDir(data: string, projectId: number): string {
  return join(/*turbopackIgnore: true*/ data, "snapshots", String(projectId));
}

/** The folder of one snapshot (the name is checked: no separator, no `..`). */
export function snapshotDir(data: string, projectId: number, name: string): string {
  return join(/*turbopackIgnore: true*/ projectSnapshotsDir(data, projectId), snapshotNameSchema.parse(name));
}

/** Reads and checks a snapshot folder's manifest; throws naming the folder when it is missing or malformed. */
export function readManifest(dir: string): SnapshotManifest {
  const path = join(/*turbopackIgnore: true*/ dir, MANIFEST_FILE);
  if (!existsSync(path)) throw new Error(`${dir} is not a snapshot (no ${MANIFEST_FILE})`);
  const parsed = snapshotManifestSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`);
  return parsed.data;
}

/** The manifest of a project's snapshot, or undefined when there is none of that name. */
export function findSnapshot(data: string, projectId: number, name: string): SnapshotManifest | undefined {
  if (!snapshotNameSchema.safeParse(name).success) return undefined;
  const dir = snapshotDir(data, projectId, name);
  return existsSync(join(/*turbopackIgnore: true*/ dir, MANIFEST_FILE)) ? readManifest(dir) : undefined;
}

/** A project's snapshots, newest first (temp folders of snapshots being written are not listed). */
export function listSnapshots(data: string, projectId: number): SnapshotManifest[] {
  const root = projectSnapshotsDir(data, projectId);
  if (!existsSync(root)) return [];
  const out: SnapshotManifest[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || !snapshotNameSchema.safeParse(entry.name).success) continue;
    if (!existsSync(join(/*turbopackIgnore: true*/ root, entry.name, MANIFEST_FILE))) continue;
    out.push(readManifest(join(/*turbopackIgnore: true*/ root, entry.name)));
  }
  return out.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.name.localeCompare(b.name)));
}

/** The paths a snapshot serves: its data files, its card and its manifest. */
export function snapshotPaths(manifest: SnapshotManifest): string[] {
  return [...manifest.files.map((f) => f.path), CARD_FILE, MANIFEST_FILE];
}

/**
 * The absolute path of `path` in the snapshot folder `dir`, or null unless `path` is one of the
 * manifest's paths exactly (so `..`, absolute paths and files the manifest does not list are refused).
 */
export function snapshotFilePath(dir: string, manifest: SnapshotManifest, path: string): string | null {
  if (!snapshotPaths(manifest).includes(path)) return null;
  if (isAbsolute(path) || normalize(path) !== path || path.split(/[\\/]/).includes("..")) return null;
  const full = join(/*turbopackIgnore: true*/ dir, path);
  return full.startsWith(dir + sep) ? full : null;
}

async function fileSha256(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/**
 * Checks a snapshot folder against its manifest: every data file's SHA-256, and the content hash
 * over them. Resolves to the manifest; throws naming the first file that differs.
 */
export async function verifySnapshot(dir: string): Promise<SnapshotManifest> {
  const manifest = readManifest(dir);
  for (const f of manifest.files) {
    const path = snapshotFilePath(dir, manifest, f.path);
    if (!path || !existsSync(path)) throw new Error(`snapshot ${manifest.name}: ${f.path} is missing`);
    if ((await fileSha256(path)) !== f.sha256) throw new Error(`snapshot ${manifest.name}: ${f.path} does not match its SHA-256 in ${MANIFEST_FILE}`);
  }
  if (snapshotHash(manifest.files) !== manifest.hash)
    throw new Error(`snapshot ${manifest.name}: the content hash in ${MANIFEST_FILE} does not match its files`);
  return manifest;
}
