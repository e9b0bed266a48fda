// A round trip through every format that carries preferences keeps every pair: a project with
// ties, "none acceptable", several annotators, a multi-turn prompt with a system message and
// repeated completion texts is exported, the file imported into a fresh project, and that
// project exported again. Pair formats (trl, trl-conversational, hh, openrlhf) give the same
// multiset of pairs under each pairs strategy; `rankings` gives back every ranking of every
// annotator (order, ties, names, none acceptable, comment, flags), and its re-import's pairs
// are the original's. (palate and oasst are import-only formats: Palate writes neither.)
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { users, type Flag, type Message } from "@/db/schema";
import { exportLines, type ExportFormat, type ExportOptions } from "@/lib/datasets/export";
import { importFile } from "@/lib/datasets/import";
import type { ImportFormat } from "@/lib/datasets/record";
import { insertRanking } from "@/lib/labeling/save-ranking";
import type { PairMode } from "@/lib/labeling/pairs";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
let source: number;
let files = 0;

interface Ranked {
  by: string;
  groups: string[][];
  noneAcceptable?: boolean;
  comment?: string;
  flags?: [string, Flag][];
}
const TASKS: { messages: Message[]; texts: string[]; rankings: Ranked[] }[] = [
  {
    messages: [{ role: "user", content: "What is 2+2?" }],
    texts: ["4", "four", "5", "22"],
    rankings: [
      { by: "Ada", groups: [["4"], ["four"], ["5", "22"]] },
      { by: "Bo", groups: [["four", "4"], ["22"], ["5"]], comment: "close call", flags: [["5", "factually_wrong"]] },
      { by: "Cy", groups: [["5"], ["4"], ["four"], ["22"]], noneAcceptable: true },
    ],
  },
  {
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!\nHow can I help?" },
      { role: "user", content: "Capital of France?" },
    ],
    texts: ["Paris", "Lyon", "  Paris.  "],
    rankings: [
      { by: "Ada", groups: [["Paris"], ["  Paris.  "], ["Lyon"]] },
      { by: "Bo", groups: [["Paris", "  Paris.  "], ["Lyon"]] },
    ],
  },
  {
    messages: [{ role: "user", content: 'Unicode ü 😀 and "quotes"' }],
    texts: ["same", "same", "other\nline"],
    rankings: [{ by: "Cy", groups: [["other\nline"], ["same", "same"]] }],
  },
];

beforeAll(() => {
  temp = tempDb();
  db = temp.db;
  source = createProject(db, { name: "Source" }).id;
  const ids = Object.fromEntries(
    ["Ada", "Bo", "Cy"].map((name) => [
      name,
      db
        .insert(users)
        .values({ email: `${name.toLowerCase()}@x`, name, role: "annotator" })
        .returning()
        .get().id,
    ]),
  );
  for (const task of TASKS) {
    const created = insertTask(db, source, { messages: task.messages, completions: task.texts.map((text) => ({ text, model: "m" })) });
    for (const r of task.rankings) {
      // Repeated texts: each mention takes the next completion with that text.
      const used = new Set<number>();
      const id = (text: string) => {
        const i = task.texts.findIndex((t, k) => t === text && !used.has(k));
        used.add(i);
        return created.completionIds[i];
      };
      const groups = r.groups.map((g) => g.map(id));
      const byText = (text: string) => created.completionIds[task.texts.indexOf(text)];
      insertRanking(db, {
        taskId: created.taskId,
        userId: ids[r.by],
        groups,
        noneAcceptable: r.noneAcceptable,
        comment: r.comment,
        flags: (r.flags ?? []).map(([text, flag]) => ({ completionId: byText(text), flag })),
        secondsSpent: 7,
      });
    }
  }
});
afterAll(() => temp.cleanup());

function exported(projectId: number, options: ExportOptions): string {
  return [...exportLines(db, projectId, options)].join("");
}

/** Exports `options` from the source, imports the file as `format` into a fresh project, exports that again. */
function roundTrip(options: ExportOptions, format: ImportFormat, again: ExportOptions = options): { first: string; second: string } {
  const first = exported(source, options);
  const path = join(temp.dir, `round-${++files}.jsonl`);
  writeFileSync(path, first);
  const report = importFile(db, path, format, { projectName: `Fresh ${files}` });
  expect(report.errors).toEqual([]);
  return { first, second: exported(report.projectId!, again) };
}

/** Each line's pair as JSON: (prompt, chosen, rejected) in the format's own terms (trl's ids left out: they are the database's). */
function pairs(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const { prompt, chosen, rejected } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify([prompt ?? null, chosen, rejected]);
    })
    .sort();
}

const PAIR_FORMATS: [ExportFormat, ImportFormat][] = [
  ["trl", "trl"],
  ["trl-conversational", "trl"],
  ["hh", "hh"],
  ["openrlhf", "openrlhf"],
];
const MODES: PairMode[] = ["all", "best-vs-rest", "adjacent"];

describe("a round trip through each format keeps every pair", () => {
  for (const [exportFormat, importFormat] of PAIR_FORMATS) {
    it(`${exportFormat}: export, import as ${importFormat}, export again gives the same pairs under each pairs strategy`, () => {
      for (const mode of MODES) {
        for (const includeNoneAcceptable of [false, true]) {
          const { first, second } = roundTrip({ format: exportFormat, pairs: mode, includeNoneAcceptable }, importFormat, { format: exportFormat });
          expect(pairs(first).length).toBeGreaterThan(2);
          expect(pairs(second)).toEqual(pairs(first));
        }
      }
    });
  }

  it("hh and openrlhf carry the multi-turn prompt with its system message whole", () => {
    const hh = exported(source, { format: "hh" });
    expect(hh).toContain(JSON.stringify("Be brief.\n\nHuman: Hi\n\nAssistant: Hello!\nHow can I help?\n\nHuman: Capital of France?\n\nAssistant: Paris"));
    const openrlhf = exported(source, { format: "openrlhf" })
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { chosen: Message[]; rejected: Message[] });
    expect(openrlhf.find((r) => r.chosen.length === 5)?.chosen).toEqual([...TASKS[1].messages, { role: "assistant", content: "Paris" }]);
  });
});

/** Each ranking of a rankings export in its own terms: prompt, the completion texts, annotator, groups as texts, the rest. */
function rankingsOf(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const r = JSON.parse(l) as {
        prompt: Message[];
        completions: { id: number; text: string; model: string | null }[];
        groups: number[][];
        annotator: string;
        none_acceptable: boolean;
        comment: string | null;
        seconds_spent: number | null;
        flags: { completion_id: number; flag: string }[];
        source: string;
        strength: number | null;
      };
      const text = new Map(r.completions.map((c) => [c.id, c.text]));
      return JSON.stringify({
        prompt: r.prompt,
        completions: r.completions.map((c) => [c.text, c.model]).sort(),
        annotator: r.annotator,
        groups: r.groups.map((g) => g.map((id) => text.get(id)).sort()),
        none_acceptable: r.none_acceptable,
        comment: r.comment,
        seconds_spent: r.seconds_spent,
        flags: r.flags.map((f) => [text.get(f.completion_id), f.flag]),
        strength: r.strength,
      });
    })
    .sort();
}

describe("a round trip through rankings", () => {
  it("keeps every ranking of every annotator: groups, ties, names, none acceptable, comment, flags; tasks regrouped", () => {
    const { first, second } = roundTrip({ format: "rankings", includeNoneAcceptable: true }, "rankings");
    expect(first.split("\n").filter(Boolean)).toHaveLength(6);
    expect(rankingsOf(second)).toEqual(rankingsOf(first));
    // The six rankings are the source's three tasks again, and the names came back as identities.
    const fresh = db.$client.prepare("select id from projects where name = ?").pluck().get(`Fresh ${files}`) as number;
    expect(db.$client.prepare("select count(*) from tasks where project_id = ?").pluck().get(fresh)).toBe(3);
    expect(db.$client.prepare("select count(*) from completions c join tasks t on t.id = c.task_id where t.project_id = ?").pluck().get(fresh)).toBe(10);
    const names = db.$client
      .prepare(
        "select distinct u.name, u.email from rankings r join users u on u.id = r.user_id join tasks t on t.id = r.task_id where t.project_id = ? order by u.name",
      )
      .all(fresh);
    expect(names).toEqual([
      { name: "Ada", email: "imported+ada@palate.local" },
      { name: "Bo", email: "imported+bo@palate.local" },
      { name: "Cy", email: "imported+cy@palate.local" },
    ]);
    // A second round trip (identities reused, not duplicated) is still the same.
    const third = roundTrip({ format: "rankings", includeNoneAcceptable: true }, "rankings");
    expect(rankingsOf(third.second)).toEqual(rankingsOf(first));
    expect(db.$client.prepare("select count(*) from users where email like 'imported+%'").pluck().get()).toBe(3);
  });

  it("the re-imported rankings imply the source's pairs in every pair format and strategy", () => {
    const first = exported(source, { format: "rankings", includeNoneAcceptable: true });
    const path = join(temp.dir, "rankings-pairs.jsonl");
    writeFileSync(path, first);
    const fresh = importFile(db, path, "rankings", { projectName: "Fresh pairs" }).projectId!;
    for (const [format] of PAIR_FORMATS) {
      for (const pairsMode of MODES) {
        for (const includeNoneAcceptable of [false, true]) {
          const options: ExportOptions = { format, pairs: pairsMode, includeNoneAcceptable };
          expect(pairs(exported(fresh, options))).toEqual(pairs(exported(source, options)));
        }
      }
    }
  });

  it("keeps pairwise answers' strengths (much better, better, tie, both bad), and with them the pair formats' margin", () => {
    const pairwise = createProject(db, { name: "Pairwise source", completionsPerTask: 2, mode: "pairwise" }).id;
    const user = db.$client.prepare("select id from users where name = 'Ada'").pluck().get() as number;
    const answers: { groups: (a: number, b: number) => number[][]; strength: number; noneAcceptable?: boolean }[] = [
      { groups: (a, b) => [[a], [b]], strength: 2 },
      { groups: (a, b) => [[b], [a]], strength: 1 },
      { groups: (a, b) => [[a, b]], strength: 0 },
      { groups: (a, b) => [[a, b]], strength: 0, noneAcceptable: true },
    ];
    answers.forEach((answer, i) => {
      const created = insertTask(db, pairwise, { messages: [{ role: "user", content: `Pair ${i}?` }], completions: [{ text: `A${i}` }, { text: `B${i}` }] });
      const [a, b] = created.completionIds;
      insertRanking(db, {
        taskId: created.taskId,
        userId: user,
        groups: answer.groups(a, b),
        noneAcceptable: answer.noneAcceptable,
        strength: answer.strength,
      });
    });
    const first = exported(pairwise, { format: "rankings", includeNoneAcceptable: true });
    expect(
      first
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { strength: number }).strength),
    ).toEqual([2, 1, 0, 0]);
    const path = join(temp.dir, "rankings-pairwise.jsonl");
    writeFileSync(path, first);
    const report = importFile(db, path, "rankings", { projectName: "Pairwise fresh" });
    expect(report.errors).toEqual([]);
    expect(rankingsOf(exported(report.projectId!, { format: "rankings", includeNoneAcceptable: true }))).toEqual(rankingsOf(first));
    const margins = (text: string) =>
      text
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { margin?: number }).margin);
    expect(margins(exported(pairwise, { format: "trl" }))).toEqual([2, 1]); // ties give no pair; both bad is left out
    expect(margins(exported(report.projectId!, { format: "trl" }))).toEqual(margins(exported(pairwise, { format: "trl" })));
  });
});
