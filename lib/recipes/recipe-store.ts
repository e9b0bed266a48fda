// The recipe view's reads: the registry (every model, so that the models a project's models came
// from are shown too) and, for the project's SFT models trained on files, the first line of each
// file — best-of-n writes the sampled policy, the scorer and N into every line's metadata
// (lib/best-of-n/project.ts keptSftLines), which is how an SFT on rejection-sampled answers is told
// from one on other files. A file that is gone or unreadable is "missing"; nothing here writes.
import { closeSync, openSync, readSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Db } from "../../db/client";
import { listModels, projectRoot } from "../models/registry";
import { methodOf, projectRecipes, type Recipe, type RecipeModelRow, type SftFileSource } from "./recipe";

/** Enough of a file to hold its first JSONL line (best-of-n lines are a prompt, an answer and metadata). */
const HEAD_BYTES = 64 * 1024;

function firstLine(path: string): string | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, "r");
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    const text = buf.subarray(0, n).toString("utf8");
    const end = text.indexOf("\n");
    return end >= 0 ? text.slice(0, end) : text;
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** What a training file is, from its first line: best-of-n output (with the policy it sampled), another file, or missing. */
export function sftFileSource(file: string, rows: number | null): SftFileSource {
  const path = isAbsolute(file) ? file : join(/*turbopackIgnore: true*/ projectRoot(), file);
  const line = firstLine(path);
  if (line === null) return { file, kind: "missing", rows };
  let meta: unknown;
  try {
    meta = (JSON.parse(line) as { metadata?: unknown }).metadata;
  } catch {
    return { file, kind: "other", rows };
  }
  if (typeof meta !== "object" || meta === null) return { file, kind: "other", rows };
  const m = meta as Record<string, unknown>;
  if (typeof m.by !== "string" || typeof m.policy !== "string") return { file, kind: "other", rows };
  return { file, kind: "best-of-n", policy: m.policy, by: m.by, n: typeof m.n === "number" ? m.n : null, rows };
}

/** The files an SFT model's lineage names: its primary file and each mixed one. */
export function sftFilesOf(row: RecipeModelRow): { file: string; rows: number | null }[] {
  const lineage = (row.metadata?.lineage ?? {}) as Record<string, unknown>;
  const out: { file: string; rows: number | null }[] = [];
  const source = lineage.source as Record<string, unknown> | undefined;
  if (source && source.kind === "file" && typeof source.file === "string")
    out.push({ file: source.file, rows: typeof source.rows === "number" ? source.rows : null });
  if (Array.isArray(lineage.mixFiles))
    for (const m of lineage.mixFiles as Record<string, unknown>[])
      if (m && typeof m.file === "string") out.push({ file: m.file, rows: typeof m.rows === "number" ? m.rows : null });
  return out;
}

/** The project's recipes (recipe.ts), read from the registry and the SFT models' training files. */
export function readProjectRecipes(db: Db, projectId: number): Recipe[] {
  const rows: RecipeModelRow[] = listModels(db);
  const files = new Map<number, SftFileSource[]>();
  for (const row of rows) {
    if (row.projectId !== projectId || methodOf(row) !== "sft") continue;
    const list = sftFilesOf(row).map((f) => sftFileSource(f.file, f.rows));
    if (list.length > 0) files.set(row.id, list);
  }
  return projectRecipes(projectId, rows, files);
}
