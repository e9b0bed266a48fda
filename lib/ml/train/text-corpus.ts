// Reading a training corpus: plain text, or JSONL with one {"text": "..."} object a line.
import { readFileSync } from "node:fs";
import { z } from "zod";

const JsonlLine = z.object({ text: z.string() });

/** A file is JSONL when its name ends in .jsonl, or its first non-empty line is a JSON object. */
export function looksLikeJsonl(path: string, content: string): boolean {
  if (path.endsWith(".jsonl")) return true;
  const first = content.split("\n").find((l) => l.trim() !== "");
  if (!first || !first.trimStart().startsWith("{")) return false;
  try {
    return JsonlLine.safeParse(JSON.parse(first)).success;
  } catch {
    return false;
  }
}

/** Parses JSONL text into documents; errors name the line. */
export function parseJsonlTexts(content: string, source = "input"): string[] {
  const docs: string[] = [];
  const lines = content.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new Error(`${source}:${i + 1}: invalid JSON (${(err as Error).message})`);
    }
    const parsed = JsonlLine.safeParse(value);
    if (!parsed.success) throw new Error(`${source}:${i + 1}: expected an object with a string "text" field`);
    docs.push(parsed.data.text);
  }
  return docs;
}

/**
 * The documents of a corpus file. Plain text is one document; JSONL gives one per line.
 * An empty corpus is an error.
 */
export function readTextCorpus(path: string): string[] {
  const content = readFileSync(path, "utf8");
  const docs = looksLikeJsonl(path, content) ? parseJsonlTexts(content, path) : [content];
  if (docs.every((d) => d.length === 0)) throw new Error(`${path}: the corpus is empty`);
  return docs;
}
