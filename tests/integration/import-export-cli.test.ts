// Acceptance 3, 4 and 5 through the CLI on temp databases. The export of 3 and the imports of 5
// spawn the real `node scripts/palate.mjs`; the rest calls the same dispatcher in-process (each
// spawn costs seconds of tsx start-up on a small machine).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { importFile } from "@/lib/datasets/import";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { setFinalRanking } from "@/lib/quality/review-store";
import { insertTask } from "@/lib/tasks";
import { projectRoot } from "@/scripts/server";
import { tempDb } from "../helpers/app";
import { palate, palateInProcess, type Run } from "../helpers/cli";

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const parseJsonl = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
/** Triples as sorted JSON strings: equal arrays ⇔ equal multisets. */
const multiset = (triples: unknown[][]) => triples.map((t) => JSON.stringify(t)).sort();

let temps: ReturnType<typeof tempDb>[] = [];
function freshDb() {
  const t = tempDb();
  temps.push(t);
  return t;
}
afterAll(() => {
  for (const t of temps) t.cleanup();
  temps = [];
});

/** Row counts of every table of the database. */
function tableCounts(db: ReturnType<typeof tempDb>["db"]): Record<string, number> {
  const names = db.$client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
  return Object.fromEntries(names.map((n) => [n, db.$client.prepare(`select count(*) from "${n}"`).pluck().get() as number]));
}

// ---------------------------------------------------------------------------------------------
// Acceptance 3: Open-Assistant trees → trl --pairs all gives exactly the pairs the ranks imply.

const OASST = resolve(projectRoot, "..", "shared", "data", "open-assistant", "en_100_tree.jsonl");
const oasstMissing = !existsSync(OASST);
if (oasstMissing) console.warn(`Skipping the Open-Assistant acceptance test: ${OASST} is absent (../shared/data is not part of a clone).`);

interface OasstNode {
  text: string;
  role: "prompter" | "assistant";
  rank?: number | null;
  deleted?: boolean;
  replies?: OasstNode[];
}

/** The (prompt, chosen, rejected) triples the trees' ranks imply, computed from the raw JSON. */
function expectedOasstTriples(text: string): string[][] {
  const triples: string[][] = [];
  const render = (turns: { role: string; text: string }[]) =>
    turns.length === 1 ? turns[0].text : [...turns.map((t) => `${t.role === "prompter" ? "User" : "Assistant"}: ${t.text}`), "Assistant:"].join("\n\n");
  const walk = (node: OasstNode, path: { role: string; text: string }[]) => {
    if (node.deleted) return;
    const here = [...path, { role: node.role, text: node.text }];
    const replies = (node.replies ?? []).filter((r) => !r.deleted);
    if (node.role === "prompter") {
      const ranked = replies.filter((r) => r.role === "assistant" && typeof r.rank === "number");
      if (ranked.length >= 2) {
        for (const a of ranked) for (const b of ranked) if ((a.rank as number) < (b.rank as number)) triples.push([render(here), a.text, b.text]);
      }
    }
    for (const r of replies) walk(r, here);
  };
  for (const line of text.split("\n")) if (line.trim()) walk((JSON.parse(line) as { prompt: OasstNode }).prompt, []);
  return triples;
}

describe.skipIf(oasstMissing)("acceptance 3: importing Open-Assistant trees", () => {
  it("then exporting trl --pairs all gives exactly the pairs the ranks imply", async () => {
    const { path, db } = freshDb();
    const imported = await palateInProcess(path, ["import", "--project", "oasst", "--format", "oasst", OASST]);
    expect(imported.stderr).toBe("");
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/^Imported \d+ tasks and \d+ rankings into "oasst"\./);

    // The real CLI, writing to stdout.
    const exported = await palate(path, ["export", "--project", "oasst", "--format", "trl", "--pairs", "all"]);
    expect(exported.status).toBe(0);
    const rows = parseJsonl(exported.stdout);
    const expected = expectedOasstTriples(readFileSync(OASST, "utf8"));
    expect(expected.length).toBeGreaterThan(500); // the file's 100 trees imply several hundred pairs
    expect(multiset(rows.map((r) => [r.prompt, r.chosen, r.rejected]))).toEqual(multiset(expected));
    for (const r of rows) {
      expect(typeof r.prompt_id).toBe("number");
      expect(typeof r.ranking_id).toBe("number");
    }
    // Every ranking belongs to the imported annotator.
    expect(db.$client.prepare("select distinct u.email from rankings r join users u on u.id = r.user_id").pluck().all()).toEqual(["imported@palate.local"]);
  });
});

// ---------------------------------------------------------------------------------------------
// Acceptance 4: trl import → trl export round trip.

const STRING_ROWS = [
  { prompt: "What is the capital of France?", chosen: "Paris.", rejected: "Lyon." },
  { prompt: "The sky is", chosen: " blue.", rejected: " green." },
  { prompt: 'Quote "this"\nand a second line', chosen: "ünïcödé 😀", rejected: "" },
  { prompt: "What is the capital of France?", chosen: "Paris.", rejected: "Lyon." }, // a duplicate stays two rows
  { prompt: "Same?", chosen: "same", rejected: "same" }, // imported, left out of the export
];
const user = (content: string) => ({ role: "user", content });
const assistant = (content: string) => ({ role: "assistant", content });
const CONVERSATIONAL_ROWS = [
  { prompt: [user("What color is the sky?")], chosen: [assistant("It is blue.")], rejected: [assistant("It is green.")] },
  {
    prompt: [{ role: "system", content: "Answer in one word." }, user("Hi"), assistant("Hello!"), user("2+2?")],
    chosen: [assistant("Four")],
    rejected: [assistant("Five")],
  },
];
// TRL's implicit-prompt form: chosen and rejected hold the whole conversation.
const IMPLICIT_ROW = { chosen: [user("Capital of Peru?"), assistant("Lima")], rejected: [user("Capital of Peru?"), assistant("Cusco")] };

describe("acceptance 4: a trl import followed by a trl export", () => {
  it("returns the same (prompt, chosen, rejected) triples, in string and conversational form", async () => {
    const dir = freshDb().dir;
    const strings = freshDb();
    const conversations = freshDb();
    writeFileSync(join(dir, "strings.jsonl"), jsonl(STRING_ROWS));
    writeFileSync(join(dir, "conversations.jsonl"), jsonl([...CONVERSATIONAL_ROWS, IMPLICIT_ROW]));

    const imports = [
      await palateInProcess(strings.path, ["import", "--project", "pairs", "--format", "trl", join(dir, "strings.jsonl")]),
      await palateInProcess(conversations.path, ["import", "--project", "pairs", "--format", "trl", join(dir, "conversations.jsonl")]),
    ];
    for (const run of imports) expect(run, run.stderr).toMatchObject({ status: 0 });
    expect(imports[0].stdout).toContain("Imported 5 tasks and 5 rankings");
    expect(imports[1].stdout).toContain("Imported 3 tasks and 3 rankings");

    const stringsOut = join(dir, "strings-out.jsonl");
    const out = join(dir, "conversations-out.jsonl");
    const exports = [
      await palateInProcess(strings.path, ["export", "--project", "pairs", "--format", "trl", "--out", stringsOut]),
      await palateInProcess(conversations.path, ["export", "--project", "pairs", "--format", "trl-conversational", "--out", out]),
    ];
    for (const run of exports) expect(run, run.stderr).toMatchObject({ status: 0 });

    const triples = (rows: Record<string, unknown>[]) => rows.map((r) => [r.prompt, r.chosen, r.rejected]);
    // A pair whose two texts are equal ("Same?") is imported but never exported: it teaches nothing.
    const distinctRows = STRING_ROWS.filter((r) => r.chosen !== r.rejected);
    expect(multiset(triples(parseJsonl(readFileSync(stringsOut, "utf8"))))).toEqual(multiset(triples(distinctRows)));
    expect(exports[0].stderr).toMatch(/1 pairs skipped: chosen and rejected texts equal/);
    const implicitAsExplicit = { prompt: [user("Capital of Peru?")], chosen: [assistant("Lima")], rejected: [assistant("Cusco")] };
    expect(multiset(triples(parseJsonl(readFileSync(out, "utf8"))))).toEqual(multiset(triples([...CONVERSATIONAL_ROWS, implicitAsExplicit])));
  });
});

// ---------------------------------------------------------------------------------------------
// Acceptance 5: malformed imports exit non-zero naming the line, and change nothing.

describe("acceptance 5: malformed imports", () => {
  let target: ReturnType<typeof tempDb>;
  let before: Record<string, number>;
  beforeAll(async () => {
    target = freshDb();
    // Something in every table that an import touches, so "unchanged" means something.
    writeFileSync(join(target.dir, "seed.jsonl"), jsonl([{ prompt: "seed", chosen: "a", rejected: "b" }]));
    const seeded = importFile(target.db, join(target.dir, "seed.jsonl"), "trl", { projectName: "existing" });
    expect(seeded.imported).toEqual({ tasks: 1, rankings: 1 });
    before = tableCounts(target.db);
  });

  it("report every bad line with its number and reason, exit 1, and leave every table unchanged", async () => {
    const good = JSON.stringify({ prompt: "fine", completions: ["a", "b"] });
    const enc = new TextEncoder();
    const palateFile = new Uint8Array([
      ...enc.encode(
        [
          good, // 1
          '{"prompt": "x", "completions": ["a", "b"]', // 2: bad JSON
          JSON.stringify({ completions: ["a", "b"] }), // 3: missing field
          "", // 4: blank, ignored
          JSON.stringify({ prompt: 42, completions: ["a", "b"] }), // 5: wrong type
          JSON.stringify({ prompt: "x", completions: ["only one"] }), // 6: fewer than 2 completions
          '{"prompt": "',
        ].join("\n"),
      ),
      0xff, // 7: invalid UTF-8
      ...enc.encode('", "completions": ["a", "b"]}\n' + good + "\n"),
    ]);
    const files = {
      palate: palateFile,
      trl: enc.encode(
        jsonl([
          { prompt: "p", chosen: "a", rejected: "b" },
          { prompt: "p", chosen: "a" },
          { prompt: "p", chosen: 1, rejected: "b" },
        ]),
      ),
      oasst: enc.encode(jsonl([{ message_tree_id: "t", prompt: { message_id: "m", role: "prompter", replies: [] } }])),
    };
    const runs = await Promise.all(
      Object.entries(files).map(([format, bytes]) => {
        const file = join(target.dir, `bad-${format}.jsonl`);
        writeFileSync(file, bytes);
        // The project "existing" gets nothing; "new" is not even created.
        return palate(target.path, ["import", "--project", format === "palate" ? "new" : "existing", "--format", format, file]);
      }),
    );
    for (const run of runs) {
      expect(run.status).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/palate import: \d+ invalid lines? in .*; nothing imported/);
    }
    const [palateRun, trlRun, oasstRun] = runs;
    const reported = (run: Run) => run.stderr.split("\n").filter((l) => /\.jsonl:\d+: /.test(l));
    expect(reported(palateRun).map((l) => l.replace(/^.*\.jsonl:/, ""))).toEqual([
      expect.stringMatching(/^2: bad JSON/),
      '3: prompt: missing field (give "prompt" or "messages")',
      "5: prompt: expected string, got number",
      "6: completions: expected at least 2 completions",
      "7: invalid UTF-8",
    ]);
    expect(palateRun.stderr).toContain("5 invalid lines");
    expect(reported(trlRun).map((l) => l.replace(/^.*\.jsonl:/, ""))).toEqual(["2: rejected: missing field", "3: chosen: expected string, got number"]);
    expect(reported(oasstRun).map((l) => l.replace(/^.*\.jsonl:/, ""))).toEqual(["1: prompt.text: missing field"]);
    expect(tableCounts(target.db)).toEqual(before);
  });

  it("fail with a one-line reason on bad arguments, changing nothing", async () => {
    const runs = [
      await palateInProcess(target.path, ["import", "--project", "existing", "--format", "trl", join(target.dir, "nope.jsonl")]),
      await palateInProcess(target.path, ["import", "--project", "existing", "--format", "csv", join(target.dir, "seed.jsonl")]),
      await palateInProcess(target.path, ["import", "--format", "trl", join(target.dir, "seed.jsonl")]),
      await palateInProcess(target.path, ["export", "--project", "missing", "--format", "trl"]),
      await palateInProcess(target.path, ["export", "--project", "existing", "--format", "rankings", "--pairs", "adjacent"]),
    ];
    expect(runs.map((r) => [r.status, r.stderr.trim()])).toEqual([
      [1, `palate import: ${join(target.dir, "nope.jsonl")}: no such file`],
      [1, 'palate import: --format: expected one of palate, trl, oasst, rankings, hh, openrlhf, gsm8k, qa, sft, got "csv"'],
      [1, "palate import: --project is required"],
      [1, 'palate export: --project: no project named "missing"'],
      [1, "palate export: --pairs applies to the pair formats only (rankings keeps the whole order)"],
    ]);
    expect(tableCounts(target.db)).toEqual(before);
  });
});

describe("palate import and the statistics cache", () => {
  it("queues the statistics refresh of a project past the inline size, so the worker computes it before the first view; not of a small one", async () => {
    const target = freshDb();
    const statsJobs = () => target.db.$client.prepare("select project_id from jobs where kind = 'project-stats'").pluck().all() as number[];
    const rows = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({ prompt: `${tag} question ${i}?`, chosen: `yes ${i}`, rejected: `no ${i}` }));
    writeFileSync(join(target.dir, "small.jsonl"), jsonl(rows(10, "small")));
    writeFileSync(join(target.dir, "large.jsonl"), jsonl(rows(600, "large")));
    const small = await palateInProcess(target.path, ["import", "--project", "small", "--format", "trl", join(target.dir, "small.jsonl")]);
    expect(small, small.stderr).toMatchObject({ status: 0 });
    expect(statsJobs()).toEqual([]);
    const large = await palateInProcess(target.path, ["import", "--project", "large", "--format", "trl", join(target.dir, "large.jsonl")]);
    expect(large, large.stderr).toMatchObject({ status: 0 });
    const largeId = target.db.$client.prepare("select id from projects where name = 'large'").pluck().get() as number;
    expect(statsJobs()).toEqual([largeId]);
  });
});

describe("palate export chooses which rankings count", () => {
  it("every annotator's (default), the reviewed ranking, or one aggregated per task; bad choices name the flag", async () => {
    const target = freshDb();
    const db = target.db;
    const project = createProject(db, { name: "chosen" });
    const [ada, bo, cy, rev] = ["ada", "bo", "cy", "rev"].map(
      (name) =>
        db
          .insert(users)
          .values({ email: `${name}@x.local`, name, role: name === "rev" ? "reviewer" : "annotator" })
          .returning()
          .get().id,
    );
    const task = insertTask(db, project.id, { messages: [{ role: "user", content: "Best colour?" }], completions: [{ text: "blue" }, { text: "red" }] });
    const [blue, red] = task.completionIds;
    insertRanking(db, { taskId: task.taskId, userId: ada, groups: [[blue], [red]] });
    insertRanking(db, { taskId: task.taskId, userId: bo, groups: [[red], [blue]] });
    insertRanking(db, { taskId: task.taskId, userId: cy, groups: [[blue], [red]] });
    const out = join(target.dir, "out.jsonl");
    const pairsOf = async (...flags: string[]) => {
      const run = await palateInProcess(target.path, ["export", "--project", "chosen", "--format", "trl", "--out", out, ...flags]);
      expect(run, run.stderr).toMatchObject({ status: 0 });
      return parseJsonl(readFileSync(out, "utf8")).map((r) => `${String(r.chosen)}>${String(r.rejected)}`);
    };
    expect((await pairsOf()).sort()).toEqual(["blue>red", "blue>red", "red>blue"]);
    expect(setFinalRanking(db, task.taskId, rev, { groups: [[red], [blue]], noneAcceptable: false, comment: null })).toMatchObject({ ok: true });
    expect(await pairsOf("--rankings", "reviewed")).toEqual(["red>blue"]);
    // Two of three put blue first: the aggregate does too, whatever the reviewer decided.
    expect(await pairsOf("--rankings", "aggregated", "--aggregate", "kemeny")).toEqual(["blue>red"]);
    const bad = await palateInProcess(target.path, ["export", "--project", "chosen", "--format", "trl", "--rankings", "best"]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("--rankings");
  });
});
