import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import { dirname, join, basename } from "node:path";

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
