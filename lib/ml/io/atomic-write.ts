import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import { dirname, join, basename, isAbsolute, normalize, sep } from "node:path";

/** A sibling temp path of `path`, on the same filesystem so that rename is atomic. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
}

/**
 * Writes a file all-or-nothing: `write` fills a temp file in the same directory, which is
 * flushed to disk and renamed over `path`. A crash leaves either the old file or the new one
 * (and maybe a stray `.name.tmp-*` file), never a truncated one.
 */
export async function writeAtomic(path: string, write: (fh: FileHandle) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    const fh = await open(tmp, "w");
    try {
      await write(fh);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Writes `data` to `path` all-or-nothing (see writeAtomic). */
export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  return writeAtomic(path, (fh) => fh.writeFile(data));
}

/**
 * Replaces the whole directory `dir` all-or-nothing: `fill` writes the new content into a temp
 * directory beside it, which is then swapped in by rename (what `dir` held before is removed as
 * a whole). A failure leaves `dir` as it was.
 */
export async function replaceDirectoryAtomic(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const tmp = join(parent, `.${basename(dir)}.tmp-${tag}`);
  const old = join(parent, `.${basename(dir)}.old-${tag}`);
  try {
    await mkdir(tmp);
    await fill(tmp);
    const replacing = existsSync(dir);
    if (replacing) await rename(dir, old);
    await rename(tmp, dir);
    if (replacing) await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** `name` normalized, when it is a relative path that stays inside its directory; else an error naming `what`. */
export function relativePathInside(name: string, what: string): string {
  const n = normalize(name);
  if (name.length === 0 || isAbsolute(name) || n.startsWith("..") || n.split(sep).includes("..")) {
    throw new Error(`${what} must be a relative path inside the directory, got ${JSON.stringify(name)}`);
  }
  return n;
}
