// exportJson builds the pair formats' rows as text from pieces (trl-writer.ts); exportRows builds
// them as objects. The texts must be JSON.stringify of the objects, byte for byte, in every format,
// pair mode and ranking selection, with and without the margin column, on texts that need escaping
// (quotes, backslashes, newlines, control characters, emoji), prompts of one message, several
// turns, a system message or none, no message at all, ties, and completions of equal texts (skipped, and counted).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { users, type Message } from "@/db/schema";
import { EXPORT_FORMATS, exportJson, exportRows, type ExportOptions } from "@/lib/datasets/export";
import { PAIR_MODES } from "@/lib/labeling/pairs";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";

let temp: ReturnType<typeof tempDb>;
let db: Connection;

beforeEach(() => {
  temp = tempDb();
  db = temp.db;
});
afterEach(() => temp.cleanup());

const PIECES = ["plain words", 'a "quote"', "back\\slash", "new\nline", "tab\there", "\u0001ctl\u001f", "emoji 😀", "é 漢字", "\u2028", "  spaced  "];

/** A project of tasks with 2–5 completions of odd texts, ranked by two annotators with ties; strengths on some rankings when asked. */
function seed(name: string, strengths: boolean): number {
  let s = 3;
  const random = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const text = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => PIECES[Math.floor(random() * PIECES.length)]).join(" ");
  const annotators = ["a", "b"].map(
    (n) =>
      db
        .insert(users)
        .values({ email: `${n}@${name}`, name: n, role: "annotator" })
        .returning()
        .get().id,
  );
  const project = createProject(db, { name }).id;
  const prompts: Message[][] = [
    [{ role: "user", content: text() }],
    [
      { role: "system", content: text() },
      { role: "user", content: text() },
      { role: "assistant", content: text() },
      { role: "user", content: text() },
    ],
    [{ role: "assistant", content: text() }],
    [],
  ];
  for (let t = 0; t < 24; t++) {
    const k = 2 + (t % 4);
    // Every fifth task has two completions equal once whitespace is collapsed: their pair is skipped.
    const texts = Array.from({ length: k }, (_, i) => (t % 5 === 0 && i < 2 ? ["same  text", " same text "][i] : `${text()} #${i}`));
    const task = insertTask(db, project, { messages: prompts[t % 4], completions: texts.map((x) => ({ text: x })) });
    for (const [a, userId] of annotators.entries()) {
      const order = [...task.completionIds].sort(() => random() - 0.5);
      const groups: number[][] = [];
      for (const id of order) {
        if (groups.length > 0 && random() < 0.25) groups[groups.length - 1].push(id);
        else groups.push([id]);
      }
      insertRanking(db, { taskId: task.taskId, userId, groups, noneAcceptable: (t + a) % 7 === 3, strength: strengths && t % 3 === a ? 1 + a : null });
    }
  }
  return project;
}

describe("exportJson", () => {
  it("writes JSON.stringify of exportRows' rows, byte for byte, in every format, pair mode and selection", () => {
    for (const [project, margins] of [
      [seed("with strengths", true), true],
      [seed("without", false), false],
    ] as const) {
      let escaped = 0;
      for (const format of EXPORT_FORMATS) {
        for (const pairs of PAIR_MODES) {
          for (const rankings of ["every", "aggregated"] as const) {
            for (const includeNoneAcceptable of [false, true]) {
              const options: ExportOptions = { format, pairs, rankings, includeNoneAcceptable };
              const textStats = { equalPairsSkipped: 0 };
              const objectStats = { equalPairsSkipped: 0 };
              const texts = [...exportJson(db, project, options, textStats)];
              const objects = [...exportRows(db, project, options, objectStats)];
              expect(texts.length, JSON.stringify(options)).toBeGreaterThan(0);
              expect(texts, JSON.stringify(options)).toEqual(objects.map((row) => JSON.stringify(row)));
              expect(textStats).toEqual(objectStats);
              if (format !== "rankings" && pairs === "all") expect(textStats.equalPairsSkipped).toBeGreaterThan(0);
              if (format === "trl" || format === "openrlhf" || format === "trl-conversational") {
                expect(texts.every((t) => t.includes('"margin":'))).toBe(margins);
              }
              escaped += texts.filter((t) => t.includes("\\n") && t.includes('\\"') && t.includes("\\u0001")).length;
            }
          }
        }
      }
      expect(escaped).toBeGreaterThan(0);
    }
  });
});
