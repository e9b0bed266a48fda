// palate import --format rankings on a real SQLite file: lines of one task by several annotators
// become one task with its completions written once and one ranking per annotator, each
// annotator an imported identity that cannot sign in; a second ranking of a task by the same
// annotator fails the whole file, naming both lines.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { importFile } from "@/lib/datasets/import";
import { ensureImportedIdentities, identitySlug } from "@/lib/datasets/imported-annotator";
import { ImportStaging } from "@/lib/datasets/import-staging";
import { authenticate, updateUser } from "@/lib/users";
import { tempDb } from "../../helpers/app";
import { snapshotConnection, snapshotDiff } from "../../helpers/db-snapshot";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
beforeEach(() => {
  temp = tempDb();
  db = temp.db;
});
afterEach(() => temp.cleanup());

const jsonl = (rows: unknown[]) => rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n";
function file(name: string, rows: unknown[]): string {
  const path = join(temp.dir, name);
  writeFileSync(path, jsonl(rows));
  return path;
}
const all = (sql: string, ...params: unknown[]) => db.$client.prepare(sql).all(...params) as Record<string, unknown>[];

/** The same task (prompt + texts 4, 5, four) as three annotators saw it: other ids, other orders. */
const ada = {
  prompt: "What is 2+2?",
  completions: [
    { id: 1, text: "4", model: "sft" },
    { id: 2, text: "5", model: "sft" },
    { id: 3, text: "four", model: "base" },
  ],
  groups: [[1, 3], [2]],
  annotator: "Ada Lovelace",
};
const bo = {
  prompt: [{ role: "user", content: "What is 2+2?" }],
  completions: [
    { id: "x", text: "5" },
    { id: "y", text: "four" },
    { id: "z", text: "4" },
  ],
  groups: [["z"], ["y"], ["x"]],
  annotator: "Bo",
  flags: [{ completion_id: "x", flag: "factually_wrong" }],
  comment: "5 is wrong",
  seconds_spent: 12,
  created_at: 1_700_000_000_000,
};
const cy = { ...ada, completions: [...ada.completions].reverse(), groups: [[2], [1, 3]], annotator: "Cy", none_acceptable: true };
const other = {
  prompt: "Another",
  completions: [
    { id: 1, text: "a" },
    { id: 2, text: "b" },
  ],
  groups: [[2], [1]],
  annotator: "Bo",
};

describe("importing rankings", () => {
  it("makes one task of lines with the same prompt and completion texts, its completions written once, a ranking per annotator mapped by text", () => {
    const report = importFile(db, file("r.jsonl", [ada, other, bo, cy]), "rankings", { projectName: "R" });
    expect(report).toMatchObject({ invalidLines: 0, imported: { tasks: 2, rankings: 4 } });
    const tasks = all("select t.id, p.messages from tasks t join prompts p on p.id = t.prompt_id order by t.id");
    expect(tasks.map((t) => JSON.parse(t.messages as string))).toEqual([[{ role: "user", content: "What is 2+2?" }], [{ role: "user", content: "Another" }]]);
    const completions = all("select id, text, model from completions where task_id = ? order by position", tasks[0].id);
    expect(completions.map((c) => [c.text, c.model])).toEqual([
      ["4", "sft"],
      ["5", "sft"],
      ["four", "base"],
    ]);
    const id = Object.fromEntries(completions.map((c) => [c.text as string, c.id as number]));
    const rankings = all(
      `select u.name, u.email, u.disabled, u.password_hash, r.groups, r.none_acceptable, r.comment, r.seconds_spent, r.created_at, r.source, r.id
       from rankings r join users u on u.id = r.user_id where r.task_id = ? order by r.id`,
      tasks[0].id,
    );
    expect(rankings.map((r) => [r.name, JSON.parse(r.groups as string), r.none_acceptable, r.source])).toEqual([
      ["Ada Lovelace", [[id["4"], id.four], [id["5"]]], 0, "imported"],
      ["Bo", [[id["4"]], [id.four], [id["5"]]], 0, "imported"],
      ["Cy", [[id["5"]], [id["4"], id.four]], 1, "imported"],
    ]);
    expect(rankings.map((r) => r.email)).toEqual(["imported+ada-lovelace@palate.local", "imported+bo@palate.local", "imported+cy@palate.local"]);
    expect(rankings.every((r) => r.disabled === 1 && r.password_hash === null)).toBe(true);
    expect(rankings[1]).toMatchObject({ comment: "5 is wrong", seconds_spent: 12, created_at: 1_700_000_000_000 });
    expect(all("select completion_id, flag from ranking_flags where ranking_id = ?", rankings[1].id)).toEqual([
      { completion_id: id["5"], flag: "factually_wrong" },
    ]);
    // Comparisons as insertRanking writes them: Ada's tie gives 2 pairs, Bo's full order 3.
    expect(all("select ranking_id, count(*) n from comparisons group by ranking_id order by ranking_id").map((r) => r.n)).toEqual([2, 1, 3, 2]);
    expect(ImportStaging.namesIn(db.$client)).toEqual([]);
  });

  it("reuses an annotator's identity in a later import, and imported identities never sign in, even enabled with a password", async () => {
    importFile(db, file("a.jsonl", [ada]), "rankings", { projectName: "R" });
    importFile(db, file("b.jsonl", [{ ...other, annotator: "Ada Lovelace" }]), "rankings", { projectName: "S" });
    const identities = all("select id, email from users where email like 'imported+%'");
    expect(identities).toHaveLength(1);
    expect(all("select distinct user_id from rankings")).toEqual([{ user_id: identities[0].id }]);
    await updateUser(db, identities[0].id as number, { disabled: false, password: "letmein" });
    expect(await authenticate(db, "imported+ada-lovelace@palate.local", "letmein")).toBeNull();
  });

  it("gives names with the same slug their own identities", () => {
    const ids = db.transaction((tx) => ensureImportedIdentities(tx, ["Zoë", "zoe", "Zoë", "???"]));
    expect([...ids.keys()]).toEqual(["Zoë", "zoe", "???"]);
    expect(all("select name, email from users order by id")).toEqual([
      { name: "Zoë", email: "imported+zoe@palate.local" },
      { name: "zoe", email: "imported+zoe-2@palate.local" },
      { name: "???", email: "imported+annotator@palate.local" },
    ]);
    expect(identitySlug("  Ada   Lovelace!! ")).toBe("ada-lovelace");
  });

  it("refuses a second ranking of one task by the same annotator, naming both lines, and writes nothing", () => {
    const before = all("select name from sqlite_master order by name");
    const report = importFile(db, file("dup.jsonl", [ada, "", other, { ...cy, annotator: "Ada Lovelace" }]), "rankings", { projectName: "Never" });
    expect(report.imported).toEqual({ tasks: 0, rankings: 0 });
    expect(report.invalidLines).toBe(1);
    expect(report.errors).toEqual([
      {
        line: 4,
        message:
          'annotator: annotator "Ada Lovelace" already ranked this task (the same prompt and completion texts) on line 1; one ranking per annotator and task',
      },
    ]);
    expect(all("select count(*) n from projects")[0].n).toBe(0);
    expect(all("select count(*) n from users")[0].n).toBe(0);
    expect(all("select name from sqlite_master order by name")).toEqual(before);
  });

  it("an invalid file changes nothing, not even the id counters, also when the lines before the bad one were checked in staging", () => {
    importFile(db, file("seed.jsonl", [other]), "rankings", { projectName: "Seed" });
    for (const [format, rows] of [
      ["rankings", [ada, bo, { ...cy, annotator: "Ada Lovelace" }, { ...other, groups: [[2]] }]],
      // Only a second ranking by one annotator is wrong: found when the last batch is staged.
      ["rankings", [ada, bo, { ...ada, groups: [[2], [1, 3]] }]],
      [
        "palate",
        [
          { prompt: "p", completions: ["a", "b"] },
          { prompt: "p", completions: ["a"] },
        ],
      ],
    ] as const) {
      const before = snapshotConnection(db.$client);
      const report = importFile(db, file(`bad-${format}-${rows.length}.jsonl`, [...rows]), format, { projectName: "Seed" });
      expect(report.invalidLines).toBe(rows.length === 4 ? 2 : 1);
      expect(snapshotDiff(before, snapshotConnection(db.$client))).toEqual([]);
    }
  });

  it("reports a second ranking found in staging among parse errors, in file order", () => {
    const report = importFile(db, file("mixed.jsonl", [ada, { ...ada, annotator: "Ada Lovelace" }, { ...other, annotator: "" }]), "rankings", {
      projectName: "Never",
    });
    expect(report.errors.map((e) => [e.line, e.message.split(":")[0]])).toEqual([
      [2, "annotator"],
      [3, "annotator"],
    ]);
  });

  it("a chunked switch-in (the import job's) writes the same rows", () => {
    const rows = [ada, other, bo, cy];
    const plain = importFile(db, file("p.jsonl", rows), "rankings", { projectName: "Plain" });
    const chunked = importFile(db, file("c.jsonl", rows), "rankings", { projectName: "Chunked" }, { stagingName: "job_1", chunkedSwitchIn: true });
    expect(chunked.imported).toEqual(plain.imported);
    const shape = (project: number) =>
      all(
        `select p.messages, c.text, u.name, r.groups is not null g, r.none_acceptable from rankings r join tasks t on t.id = r.task_id join prompts p on p.id = t.prompt_id
         join users u on u.id = r.user_id join completions c on c.task_id = t.id where t.project_id = ? order by r.id, c.position`,
        project,
      );
    expect(shape(chunked.projectId!)).toEqual(shape(plain.projectId!));
  });
});
