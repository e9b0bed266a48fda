// Snapshots on a real SQLite file and a real data folder: the same data gives the same hashes,
// a changed ranking changes them, a taken name is never overwritten, the split keeps prompts
// apart, and the dataset card's front matter is YAML with the right size category and splits. A
// project's demonstrations are written as sft files (accepted, and unreviewed apart), split the same
// way, carded, and read back as an SFT run's data.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { demonstrations, users } from "@/db/schema";
import { cardFrontMatter, sizeCategory } from "@/lib/datasets/dataset-card";
import { EXPORT_FORMATS } from "@/lib/datasets/export";
import { createSnapshot, EmptySnapshotError, snapshotFiltersSchema, SnapshotExistsError } from "@/lib/datasets/snapshot";
import { snapshotHash } from "@/lib/datasets/snapshot-manifest";
import { hhTranscript } from "@/lib/datasets/hh-transcript";
import { sftEntries, sftJson } from "@/lib/datasets/sft-writer";
import { snapshotDemonstrations, sftTrainingSet } from "@/lib/sft/training-set";
import { promptText } from "@/lib/datasets/prompt-text";
import { promptSplit, rowPromptText } from "@/lib/datasets/snapshot-split";
import type { Message } from "@/db/schema";
import { listSnapshots, projectSnapshotsDir, snapshotFilePath, verifySnapshot } from "@/lib/datasets/snapshot-store";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject, type Project } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";

// js-yaml is installed (eslint's own YAML reader); loaded untyped for the front matter check only.
const yaml = createRequire(import.meta.url)("js-yaml") as { load(text: string): unknown };

let temp: ReturnType<typeof tempDb>;
let db: Connection;
let data: string;
let project: Project;
let annotators: number[];

/** `prompts` tasks of three completions, each ranked by three annotators (the third one sometimes disagrees). */
function seed(prompts: number) {
  for (let i = 0; i < prompts; i++) {
    const task = insertTask(db, project.id, {
      messages: [{ role: "user", content: `Question ${i}?` }],
      completions: ["good", "fair", "bad"].map((t) => ({ text: `${t} answer ${i}`, model: i % 2 ? "sft-v1" : "sft-v2" })),
    });
    const [a, b, c] = task.completionIds;
    annotators.forEach((userId, k) =>
      insertRanking(db, { taskId: task.taskId, userId, groups: k === 2 && i % 3 === 0 ? [[b], [a], [c]] : [[a], [b], [c]], secondsSpent: 5 }),
    );
  }
}

beforeEach(() => {
  temp = tempDb();
  db = temp.db;
  data = mkdtempSync(join(tmpdir(), "palate-snapshots-"));
  project = createProject(db, { name: "Snap: test", guidelines: "# Rank\n\nPut the **correct** answer first." });
  annotators = [1, 2, 3].map(
    (n) =>
      db
        .insert(users)
        .values({ email: `a${n}@x`, name: `A${n}`, role: "annotator" })
        .returning()
        .get().id,
  );
});
afterEach(() => {
  temp.cleanup();
  rmSync(data, { recursive: true, force: true });
});

const fileShas = (m: { files: { path: string; sha256: string }[] }) => Object.fromEntries(m.files.map((f) => [f.path, f.sha256]));

describe("createSnapshot", () => {
  it("gives the same file and snapshot hashes for the same data, whenever it is taken", () => {
    seed(30);
    const first = createSnapshot(db, project, { name: "v1" }, data, new Date("2026-01-01T00:00:00Z"));
    const second = createSnapshot(db, project, { name: "v1-again" }, data, new Date("2026-02-01T00:00:00Z"));
    expect(first.status).toBe("created");
    expect(second.manifest.created_at).not.toBe(first.manifest.created_at);
    expect(fileShas(second.manifest)).toEqual(fileShas(first.manifest));
    expect(second.manifest.hash).toBe(first.manifest.hash);
    // Every export format, both splits, listed with its rows; 30 tasks × 3 rankings.
    expect(new Set(first.manifest.files.map((f) => f.format))).toEqual(new Set(EXPORT_FORMATS));
    const rankings = first.manifest.files.filter((f) => f.format === "rankings");
    expect(rankings.map((f) => f.split).sort()).toEqual(["test", "train"]);
    expect(rankings.reduce((s, f) => s + f.rows, 0)).toBe(90);
    expect(first.manifest.stats).toMatchObject({ rankings: 90, tasks: 30, prompts: 30, annotators: 3, pairs: 270, models: ["sft-v1", "sft-v2"] });
    // Every export option but the format, defaults included (whichever filters the export has).
    expect(first.manifest.filters).toEqual(snapshotFiltersSchema.parse({}));
    expect(first.manifest.filters).toMatchObject({ pairs: "all", includeNoneAcceptable: false });
  });

  it("changes the hashes when one ranking changes", () => {
    seed(12);
    const before = createSnapshot(db, project, { name: "before" }, data).manifest;
    const rankingId = db.$client.prepare("select id from rankings order by id limit 1").pluck().get() as number;
    const groups = JSON.parse(db.$client.prepare("select groups from rankings where id = ?").pluck().get(rankingId) as string) as number[][];
    db.$client.prepare("update rankings set groups = ? where id = ?").run(JSON.stringify([...groups].reverse()), rankingId);
    const after = createSnapshot(db, project, { name: "after" }, data).manifest;
    expect(after.hash).not.toBe(before.hash);
    const changed = Object.keys(fileShas(after)).filter((p) => fileShas(after)[p] !== fileShas(before)[p]);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((p) => p.endsWith(".jsonl"))).toBe(true);
  });

  it("refuses a taken name with other data and writes nothing; the same data under that name is reported as existing", () => {
    seed(10);
    const v1 = createSnapshot(db, project, { name: "v1" }, data);
    const manifestBefore = readFileSync(join(v1.dir, "snapshot.json"), "utf8");
    expect(createSnapshot(db, project, { name: "v1" }, data)).toMatchObject({ status: "exists", manifest: { hash: v1.manifest.hash } });

    seed(1); // one more task: other data
    expect(() => createSnapshot(db, project, { name: "v1" }, data)).toThrow(SnapshotExistsError);
    expect(() => createSnapshot(db, project, { name: "v1" }, data)).toThrow(/already exists with different data/);
    expect(readFileSync(join(v1.dir, "snapshot.json"), "utf8")).toBe(manifestBefore);
    expect(readdirSync(projectSnapshotsDir(data, project.id))).toEqual(["v1"]);
    expect(listSnapshots(data, project.id).map((m) => m.name)).toEqual(["v1"]);
  });

  it("writes read-only files whose hashes check out, with sha256sum too", async () => {
    seed(8);
    const { dir, manifest } = createSnapshot(db, project, { name: "v1" }, data);
    for (const path of [...manifest.files.map((f) => f.path), "README.md", "snapshot.json"]) expect(statSync(join(dir, path)).mode & 0o222).toBe(0);
    await expect(verifySnapshot(dir)).resolves.toMatchObject({ hash: manifest.hash });
    const paths = manifest.files.map((f) => f.path).sort();
    const sums = execFileSync("sha256sum", paths, { cwd: dir });
    expect(execFileSync("sha256sum", [], { input: sums }).toString().split(" ")[0]).toBe(manifest.hash);
    expect(snapshotHash([...manifest.files].reverse())).toBe(manifest.hash);
  });

  it("splits by prompt: no prompt in both splits, in any format, and every row of a prompt on its side", () => {
    seed(40);
    const { dir, manifest } = createSnapshot(db, project, { name: "half", testShare: 0.5 }, data);
    for (const format of ["trl", "rankings"]) {
      const prompts = (split: string) =>
        new Set(
          readFileSync(join(dir, format, `${split}.jsonl`), "utf8")
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as { prompt: string | { content: string }[] })
            .map((r) => (typeof r.prompt === "string" ? r.prompt : r.prompt[0].content)),
        );
      const train = prompts("train");
      const test = prompts("test");
      expect(train.size).toBeGreaterThan(5);
      expect(test.size).toBeGreaterThan(5);
      expect([...train].filter((p) => test.has(p))).toEqual([]);
      for (const p of test) expect(promptSplit(p, 0.5)).toBe("test");
    }
    expect(manifest.split.train_prompts + manifest.split.test_prompts).toBe(40);
  });

  it("writes a card whose front matter is YAML with the license, size category and each format's splits", () => {
    seed(10);
    const { dir, manifest } = createSnapshot(db, project, { name: "v1", license: "cc-by-4.0", testShare: 0.3 }, data);
    const card = readFileSync(join(dir, "README.md"), "utf8");
    expect(card.startsWith("---\n")).toBe(true);
    const end = card.indexOf("\n---\n", 4);
    const front = yaml.load(card.slice(4, end)) as {
      license: string;
      size_categories: string[];
      task_categories: string[];
      configs: { config_name: string; default?: boolean; data_files: { split: string; path: string }[] }[];
    };
    expect(front.license).toBe("cc-by-4.0");
    expect(front.size_categories).toEqual(["n<1K"]);
    expect(front.task_categories).toContain("text-generation");
    expect(front.configs.map((c) => c.config_name).sort()).toEqual([...EXPORT_FORMATS].sort());
    expect(front.configs.find((c) => c.default)?.config_name).toBe("trl");
    for (const c of front.configs)
      expect(c.data_files).toEqual(manifest.files.filter((f) => f.format === c.config_name).map((f) => ({ split: f.split, path: f.path })));
    expect(card).toContain(manifest.hash);
    expect(card).toMatch(/by 3 annotators/);
    expect(card).toMatch(/Krippendorff's α, ordinal .*: [0-9.-]+ \(95% interval/);
    expect(card).toContain("Put the **correct** answer first.");
  });

  it("fails on a project without rankings and leaves nothing behind", () => {
    insertTask(db, project.id, { messages: [{ role: "user", content: "Unranked?" }], completions: [{ text: "a" }, { text: "b" }] });
    expect(() => createSnapshot(db, project, { name: "v1" }, data)).toThrow(EmptySnapshotError);
    expect(readdirSync(projectSnapshotsDir(data, project.id))).toEqual([]);
  });

  it("refuses bad names and serves only the manifest's paths", () => {
    seed(3);
    for (const name of ["../x", ".hidden", "a/b", ""]) expect(() => createSnapshot(db, project, { name }, data)).toThrow(/name/);
    const { dir, manifest } = createSnapshot(db, project, { name: "v1" }, data);
    expect(snapshotFilePath(dir, manifest, "README.md")).toBe(join(dir, "README.md"));
    expect(snapshotFilePath(dir, manifest, "trl/train.jsonl")).toBe(join(dir, "trl", "train.jsonl"));
    for (const bad of ["../v1/README.md", "/etc/passwd", "trl/../README.md", "trl", "other.txt"]) expect(snapshotFilePath(dir, manifest, bad)).toBeNull();
    expect(existsSync(join(dir, "..", "v1"))).toBe(true);
  });
});

/** Demonstrations on the first `n` prompts of `on` (a project), reviewed in turn: accepted, accepted, pending, rejected, and a draft every fifth. */
function demonstrate(on: Project, n: number, offset = 0) {
  const taskIds = db.$client.prepare("select id from tasks where project_id = ? order by id").pluck().all(on.id) as number[];
  const reviews = ["accepted", "accepted", "pending", "rejected"] as const;
  taskIds.slice(0, n).forEach((taskId, i) => {
    const draft = (i + offset) % 5 === 4;
    db.insert(demonstrations)
      .values({
        taskId,
        userId: annotators[i % 2],
        text: `Ideal answer ${i}`,
        status: draft ? "draft" : "submitted",
        review: draft ? "pending" : reviews[i % 4],
        submittedAt: draft ? null : 1,
      })
      .run();
  });
}

const lines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "");

describe("createSnapshot with demonstrations", () => {
  it("writes the accepted demonstrations as sft/, the unreviewed as sft-unreviewed/, split like the rankings, listed, hashed and carded", async () => {
    seed(40);
    demonstrate(project, 40);
    const { dir, manifest } = createSnapshot(db, project, { name: "v1", testShare: 0.5 }, data);
    // The export's writer, accepted only: the same rows, whichever split each landed in.
    const accepted = [...sftJson(db, project.id, { onlyAccepted: true })];
    const pending = [...sftEntries(db, project.id, "pending")].map((e) => e.json);
    expect(accepted.length).toBe(16); // of 40: 32 submitted (8 drafts), a quarter rejected, a quarter pending
    expect(pending.length).toBe(8);
    const sft = manifest.files.filter((f) => f.format === "sft");
    expect(sft.map((f) => f.path)).toEqual(["sft/train.jsonl", "sft/test.jsonl"]);
    expect(sft.reduce((n, f) => n + f.rows, 0)).toBe(16);
    const written = sft.flatMap((f) => lines(join(dir, f.path)));
    expect([...written].sort()).toEqual([...accepted].sort());
    for (const f of sft) expect(lines(join(dir, f.path))).toHaveLength(f.rows);
    const unreviewed = manifest.files.filter((f) => f.format === "sft-unreviewed");
    expect(unreviewed.flatMap((f) => lines(join(dir, f.path))).sort()).toEqual([...pending].sort());
    // The manifest's order: the ranking formats, then the demonstrations'.
    expect([...new Set(manifest.files.map((f) => f.format))]).toEqual([...EXPORT_FORMATS, "sft", "sft-unreviewed"]);
    expect(manifest.stats.demonstrations).toEqual({ accepted: 16, unreviewed: 8, rejected: 8, prompts: 24, annotators: 2 });
    expect(manifest.stats.rankings).toBe(120);
    // A prompt's demonstrations are on the side its rankings are on.
    for (const split of ["train", "test"] as const) {
      const rankingPrompts = new Set(
        lines(join(dir, "rankings", `${split}.jsonl`)).map((l) => (JSON.parse(l) as { prompt: { content: string }[] }).prompt.at(-1)!.content),
      );
      for (const l of lines(join(dir, "sft", `${split}.jsonl`)))
        expect(rankingPrompts.has((JSON.parse(l) as { messages: { content: string }[] }).messages[0].content)).toBe(true);
    }
    await expect(verifySnapshot(dir)).resolves.toMatchObject({ hash: manifest.hash });

    const card = readFileSync(join(dir, "README.md"), "utf8");
    const front = yaml.load(card.slice(4, card.indexOf("\n---\n", 4))) as { configs: { config_name: string }[]; tags: string[] };
    expect(front.configs.map((c) => c.config_name)).toEqual(["trl", "trl-conversational", "rankings", "hh", "openrlhf", "sft", "sft-unreviewed"]);
    expect(front.tags).toEqual(expect.arrayContaining(["preference", "sft"]));
    expect(card).toContain("| sft | train | sft/train.jsonl | " + sft[0].rows + " |");
    expect(card).toMatch(/- `sft`: TRL's conversational SFT format/);
    expect(card).toContain("24 demonstrations of 24 prompts by 2 annotators");
    expect(card).toContain("16 accepted demonstrations in `sft/` and 8 demonstrations not reviewed yet in `sft-unreviewed/`. 8 rejected demonstrations");
  });

  it("snapshots a demonstration project (no rankings) as its sft files alone, and refuses one with nothing but rejected demonstrations", () => {
    const demos = createProject(db, { name: "Demos", mode: "demonstration" });
    for (let i = 0; i < 10; i++) insertTask(db, demos.id, { messages: [{ role: "user", content: `Explain ${i}.` }], completions: [] });
    demonstrate(demos, 10);
    const { dir, manifest } = createSnapshot(db, demos, { name: "v1", testShare: 0.3 }, data);
    expect([...new Set(manifest.files.map((f) => f.format))]).toEqual(["sft", "sft-unreviewed"]);
    expect(readdirSync(dir).sort()).toEqual(["README.md", "sft", "sft-unreviewed", "snapshot.json"]);
    expect(manifest.stats).toMatchObject({ rankings: 0, pairs: 0, demonstrations: { accepted: 4, unreviewed: 2, rejected: 2 } });
    expect(manifest.split.train_prompts + manifest.split.test_prompts).toBe(6);
    const card = readFileSync(join(dir, "README.md"), "utf8");
    expect(card).toMatch(/^# Demos: v1\n\nDemonstrations \(ideal answers written by annotators\) collected with Palate/m);
    expect(card).not.toContain("## Agreement");
    expect(card).toContain('ds = load_dataset("json", data_files={');
    expect(card).toContain('"sft/');

    const rejectedOnly = createProject(db, { name: "Rejected", mode: "demonstration" });
    const task = insertTask(db, rejectedOnly.id, { messages: [{ role: "user", content: "No?" }], completions: [] });
    db.insert(demonstrations).values({ taskId: task.taskId, userId: annotators[0], text: "no", status: "submitted", review: "rejected" }).run();
    expect(() => createSnapshot(db, rejectedOnly, { name: "v1" }, data)).toThrow(/nothing to snapshot/);
    expect(readdirSync(projectSnapshotsDir(data, rejectedOnly.id))).toEqual([]);
  });

  it("is what palate sft --snapshot reads: accepted and unreviewed by default, accepted only when asked, its test split held out", () => {
    const demos = createProject(db, { name: "Demos", mode: "demonstration" });
    for (let i = 0; i < 20; i++) insertTask(db, demos.id, { messages: [{ role: "user", content: `Explain ${i}.` }], completions: [] });
    demonstrate(demos, 20);
    const { dir, manifest } = createSnapshot(db, demos, { name: "v1", testShare: 0.4 }, data);
    const rowsOf = (formats: string[], split?: string) =>
      manifest.files.filter((f) => formats.includes(f.format) && (split === undefined || f.split === split)).reduce((n, f) => n + f.rows, 0);
    const every = snapshotDemonstrations(dir);
    expect(every.examples).toHaveLength(rowsOf(["sft", "sft-unreviewed"]));
    expect(every.heldOutKeys).toHaveLength(rowsOf(["sft", "sft-unreviewed"], "test"));
    expect(every.source).toMatchObject({ kind: "snapshot", selection: "submitted", rows: 12 });
    const accepted = snapshotDemonstrations(dir, "accepted");
    expect(accepted.examples.map((e) => e.answer).sort()).toEqual(
      manifest.files
        .filter((f) => f.format === "sft")
        .flatMap((f) => lines(join(dir, f.path)).map((l) => (JSON.parse(l) as { messages: { content: string }[] }).messages[1].content))
        .sort(),
    );
    expect(accepted.examples).toHaveLength(8);
    const set = sftTrainingSet(accepted, [], 0.2, 1);
    expect(set.train.length + set.eval.length).toBe(8);
    expect(set.eval).toHaveLength(rowsOf(["sft"], "test"));
  });
});

describe("rowPromptText", () => {
  it("finds every format's prompt: prompt_id, trl's string, messages, openrlhf's chosen conversation, hh's transcript", () => {
    const prompt: Message[] = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "2+2?" },
    ];
    const text = promptText(prompt);
    const none = () => undefined;
    expect(rowPromptText({ prompt_id: 7, prompt: "ignored" }, (id) => (id === 7 ? "by id" : undefined), "trl")).toBe("by id");
    expect(rowPromptText({ prompt: text, chosen: "4" }, none, "trl")).toBe(text);
    expect(rowPromptText({ prompt }, none, "trl-conversational")).toBe(text);
    expect(rowPromptText({ chosen: [...prompt, { role: "assistant", content: "4" }], rejected: [] }, none, "openrlhf")).toBe(text);
    expect(rowPromptText({ chosen: hhTranscript(prompt, "4"), rejected: hhTranscript(prompt, "5") }, none, "hh")).toBe(text);
    expect(() => rowPromptText({ score: 1 }, none, "odd")).toThrow(/format odd: a row carries no prompt_id, prompt or chosen/);
  });
});

describe("sizeCategory", () => {
  it("follows the Hub's buckets", () => {
    expect(sizeCategory(0)).toBe("n<1K");
    expect(sizeCategory(999)).toBe("n<1K");
    expect(sizeCategory(1000)).toBe("1K<n<10K");
    expect(sizeCategory(99_999)).toBe("10K<n<100K");
    expect(sizeCategory(250_000)).toBe("100K<n<1M");
    expect(sizeCategory(3e12)).toBe("n>1T");
  });

  it("counts the trl pairs for the card's category", () => {
    const file = (format: string, split: "train" | "test", rows: number) => ({
      path: `${format}/${split}.jsonl`,
      format,
      split,
      rows,
      bytes: 1,
      sha256: "0".repeat(64),
    });
    const front = cardFrontMatter({
      format_version: 1,
      name: "v1",
      project: { id: 1, name: 'quote " and: colon' },
      created_at: "2026-01-01T00:00:00.000Z",
      hash: "0".repeat(64),
      filters: {},
      split: { by: "prompt", test_share: 0.1, train_prompts: 1, test_prompts: 1 },
      license: "other",
      files: [file("trl", "train", 1500), file("trl", "test", 200), file("rankings", "train", 500)],
      stats: {
        rankings: 0,
        tasks: 0,
        prompts: 0,
        annotators: 0,
        pairs: 0,
        models: [],
        agreement: { pairwise: { rate: null, agreed: 0, total: 0, sharedTasks: 0 }, alphaOrdinal: null, alphaInterval: null, kendallTauB: null },
      },
    });
    const parsed = yaml.load(front.slice(4, front.lastIndexOf("---"))) as { size_categories: string[]; pretty_name: string };
    expect(parsed.size_categories).toEqual(["1K<n<10K"]);
    expect(parsed.pretty_name).toBe('quote " and: colon (v1)');
  });
});
