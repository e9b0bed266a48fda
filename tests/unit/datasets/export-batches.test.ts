// The export source reads rankings in keyset batches: whatever the batch size, the same rankings
// come out in the same order, each with its own completions, flags and answers, none of another
// project's (interleaved with the project's in id order) — and the bytes of the export are the same.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { users, type CompletionAnswer, type Flag } from "@/db/schema";
import { exportJson, exportLines, jsonlChunks } from "@/lib/datasets/export";
import { projectRankings, type ExportedRanking } from "@/lib/datasets/export-source";
import { writeAnswers } from "@/lib/labeling/questions-store";
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

interface Made {
  id: number;
  project: number;
  texts: string[];
  flags: { completionId: number; flag: Flag }[];
  answers: CompletionAnswer[];
  noneAcceptable: boolean;
}

/** Two projects' tasks and rankings interleaved in id order: several rankings per task, some with flags, answers, "none acceptable". */
function seed(): { main: number; other: number; made: Made[] } {
  const annotators = ["a", "b", "c"].map(
    (n) =>
      db
        .insert(users)
        .values({ email: `${n}@x`, name: n, role: "annotator" })
        .returning()
        .get().id,
  );
  const main = createProject(db, { name: "Main" }).id;
  const other = createProject(db, { name: "Other" }).id;
  const made: Made[] = [];
  for (let t = 0; t < 9; t++) {
    const project = t % 3 === 2 ? other : main;
    const texts = [`t${t} first`, `t${t} second`, `t${t} third`];
    const task = insertTask(db, project, { messages: [{ role: "user", content: `question ${t}` }], completions: texts.map((text) => ({ text })) });
    const [x, y, z] = task.completionIds;
    for (let k = 0; k < 1 + (t % 3); k++) {
      const flags = (t + k) % 2 === 0 ? [{ completionId: z, flag: "off_topic" as Flag }] : [];
      const noneAcceptable = (t + k) % 4 === 3;
      const id = insertRanking(db, { taskId: task.taskId, userId: annotators[k], groups: k === 1 ? [[y], [x, z]] : [[x], [y], [z]], flags, noneAcceptable });
      const answers: CompletionAnswer[] =
        k === 0
          ? [
              { completionId: x, questionKey: "quality", value: 1 + t },
              { completionId: y, questionKey: "issues", value: ["verbose"] },
            ]
          : [];
      writeAnswers(db, id, answers);
      made.push({ id, project, texts, flags, answers, noneAcceptable });
    }
  }
  return { main, other, made };
}

const summary = (r: ExportedRanking) => ({
  id: r.id,
  texts: r.completions.map((c) => c.text),
  flags: r.flags,
  answers: r.answers,
  noneAcceptable: r.noneAcceptable,
});

describe("export source batches", () => {
  it("gives the same rankings, in id order and each with its own rows, whatever the batch size", () => {
    const { main, made } = seed();
    for (const includeNoneAcceptable of [false, true]) {
      const expected = made
        .filter((m) => m.project === main && (includeNoneAcceptable || !m.noneAcceptable))
        .map(({ id, texts, flags, answers, noneAcceptable }) => ({ id, texts, flags, answers, noneAcceptable }));
      expect(expected.length).toBeGreaterThan(6);
      const whole = [...projectRankings(db, main, { includeNoneAcceptable })];
      expect(whole.map(summary)).toEqual(expected);
      for (const batchSize of [1, 2, 3, 5]) expect([...projectRankings(db, main, { includeNoneAcceptable, batchSize })]).toEqual(whole);
      // Without flags and answers (the pair formats): the same rankings, carrying none.
      expect(whole.some((r) => r.flags.length > 0) && whole.some((r) => r.answers.length > 0)).toBe(true);
      for (const batchSize of [2, 1000])
        expect([...projectRankings(db, main, { includeNoneAcceptable, batchSize, flagsAndAnswers: false })]).toEqual(
          whole.map((r) => ({ ...r, flags: [], answers: [] })),
        );
    }
  });

  it("writes the same bytes through jsonlChunks as the lines, in any chunk size", () => {
    const { main } = seed();
    for (const format of ["trl", "rankings"] as const) {
      const expected = [...exportLines(db, main, { format })].join("");
      for (const chunkBytes of [64, 300, 1 << 20]) {
        for (const reuseBuffers of [0, 1, 2]) {
          const chunks = [...jsonlChunks(exportJson(db, main, { format }), { chunkBytes, reuseBuffers })].map((c) => (reuseBuffers ? c.slice() : c));
          expect(Buffer.concat(chunks).toString("utf8")).toBe(expected);
        }
      }
    }
  });
});

describe("jsonlChunks", () => {
  const texts = ["plain", "é and ü", "日本語のテキスト", "emoji \ud83d\ude00 pair", "x".repeat(100), "", "last"];
  const expected = texts.map((t) => `${t}\n`).join("");

  it("encodes every text then a newline, in chunks no longer than asked unless a line needs more", () => {
    for (const chunkBytes of [8, 32, 64, 1 << 16]) {
      const chunks = [...jsonlChunks(texts, { chunkBytes })];
      expect(Buffer.concat(chunks).toString("utf8")).toBe(expected);
      for (const c of chunks) {
        const oneLine = c.indexOf(0x0a) === c.length - 1;
        if (!oneLine) expect(c.length).toBeLessThanOrEqual(chunkBytes);
      }
    }
  });

  it("fills its buffers again in turn when asked to reuse them; otherwise a chunk, once yielded, is never written again", () => {
    const many = Array.from({ length: 40 }, (_, i) => `line ${i} ${"é".repeat(i % 7)}`);
    for (const reuseBuffers of [1, 2, 3]) {
      const reused = [...jsonlChunks(many, { chunkBytes: 64, reuseBuffers })];
      expect(reused.length).toBeGreaterThan(reuseBuffers + 3);
      expect(new Set(reused.map((c) => c.buffer)).size).toBe(reuseBuffers);
      // Chunk k's buffer is chunk k + reuseBuffers's, and no other chunk's in between.
      for (let k = 0; k + reuseBuffers < reused.length; k++) {
        expect(reused[k + reuseBuffers].buffer).toBe(reused[k].buffer);
        for (let j = 1; j < reuseBuffers; j++) expect(reused[k + j].buffer).not.toBe(reused[k].buffer);
      }
    }
    // Kept without copying, the chunks still hold what they held when yielded.
    expect(Buffer.concat([...jsonlChunks(texts, { chunkBytes: 64 })]).toString("utf8")).toBe(expected);
  });
});
