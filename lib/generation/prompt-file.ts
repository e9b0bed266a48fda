// Prompts for `palate generate --prompts FILE`: one prompt per line, or JSONL whose lines are
// JSON strings or {"prompt": "..."} objects. Blank lines are skipped; errors name the line.
import { z } from "zod";

const jsonLine = z.union([z.string().trim().min(1), z.looseObject({ prompt: z.string().trim().min(1) }).transform((o) => o.prompt)]);

export function parsePromptFile(content: string, source = "prompts"): string[] {
  const lines = content
    .split(/\r?\n/)
    .map((text, i) => ({ text: text.trim(), line: i + 1 }))
    .filter((l) => l.text.length > 0);
  const jsonl = lines.length > 0 && lines.every((l) => l.text.startsWith("{") || l.text.startsWith('"'));
  if (!jsonl) return lines.map((l) => l.text);
  return lines.map(({ text, line }) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new Error(`${source}:${line}: not valid JSON (${(err as Error).message})`);
    }
    const parsed = jsonLine.safeParse(value);
    if (!parsed.success) throw new Error(`${source}:${line}: expected a JSON string or {"prompt": "..."}`);
    return parsed.data;
  });
}
