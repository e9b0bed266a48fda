// `palate sft --snapshot` on a snapshot that `palate snapshot` took of a demonstration project, through
// the real CLI on a tiny model in a temp SQLite database: the run learns from the snapshot's sft
// files (accepted demonstrations) and sft-unreviewed files (submitted, not reviewed yet) — those
// rows exactly, rejected ones never — holding out its test split; `--demonstrations accepted`
// takes the accepted ones alone, and a snapshot without them is refused naming the flag.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { importSftFile } from "@/lib/datasets/sft-import";
import type { SnapshotManifest } from "@/lib/datasets/snapshot-manifest";
import { reviewDemonstration } from "@/lib/demonstrations/demonstration-review";
import { getModelByName, registerModel } from "@/lib/models/registry";
import { tempDb } from "../../helpers/app";
import { lastJson, palateInProcess } from "../../helpers/cli";
import { tinyLmDir } from "../../unit/ml/rl/reward-fixtures";

const FLAGS = ["--max-steps", "2", "--batch-size", "2", "--max-length", "32", "--eval-every", "2", "--eval-max-new-tokens", "2", "--seed", "1"];

describe("palate sft --snapshot", () => {
  let temp: ReturnType<typeof tempDb>;
  let manifest: SnapshotManifest;
  let snapshotDir: string;
  beforeAll(async () => {
    temp = tempDb();
    const file = join(temp.dir, "demos.jsonl");
    const rows = Array.from({ length: 16 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: "user", content: `Double ${i}` },
          { role: "assistant", content: String(2 * i) },
        ],
      }),
    );
    writeFileSync(file, rows.join("\n") + "\n");
    const report = importSftFile(temp.db, file, { projectName: "doubles" });
    expect(report.imported.demonstrations).toBe(16);
    // Reviewed in turn: accepted, accepted, rejected, left pending.
    const reviewer = temp.db.insert(users).values({ email: "rev@t.local", name: "Rev", role: "reviewer" }).returning().get().id;
    const ids = temp.db.$client.prepare("select id from demonstrations order by id").pluck().all() as number[];
    ids.forEach((id, i) => {
      if (i % 4 === 3) return;
      const decision = i % 4 === 2 ? "rejected" : "accepted";
      expect(reviewDemonstration(temp.db, report.projectId!, id, reviewer, { decision }).ok).toBe(true);
    });
    registerModel(temp.db, { name: "tiny-base", kind: "policy", source: "palate", path: await tinyLmDir() });
    const snap = await palateInProcess(temp.path, ["snapshot", "--project", "doubles", "--name", "v1", "--test-share", "0.3"]);
    expect(snap.status, snap.stderr).toBe(0);
    snapshotDir = lastJson(snap.stdout).dir as string;
    manifest = JSON.parse(readFileSync(join(snapshotDir, "snapshot.json"), "utf8")) as SnapshotManifest;
  }, 60_000);
  afterAll(() => temp.cleanup());

  const rowsOf = (formats: string[], split?: string) =>
    manifest.files.filter((f) => formats.includes(f.format) && (split === undefined || f.split === split)).reduce((n, f) => n + f.rows, 0);
  const answersOf = (formats: string[]) =>
    manifest.files
      .filter((f) => formats.includes(f.format))
      .flatMap((f) => readFileSync(join(snapshotDir, f.path), "utf8").trim().split("\n"))
      .map((l) => (JSON.parse(l) as { messages: { content: string }[] }).messages[1].content);

  it("the snapshot holds the accepted demonstrations as sft and the unreviewed ones as sft-unreviewed", () => {
    expect(manifest.stats.demonstrations).toEqual({ accepted: 8, unreviewed: 4, rejected: 4, prompts: 12, annotators: 1 });
    expect(rowsOf(["sft"])).toBe(8);
    expect(rowsOf(["sft-unreviewed"])).toBe(4);
    expect(rowsOf(["sft"], "test")).toBeGreaterThan(0);
    // Rejected: demonstrations 2, 6, 10, 14 (answers 4, 12, 20, 28) are in no file.
    expect(answersOf(["sft", "sft-unreviewed"]).filter((a) => ["4", "12", "20", "28"].includes(a))).toEqual([]);
    expect(answersOf(["sft"]).sort()).toEqual(["0", "2", "8", "10", "16", "18", "24", "26"].sort());
  });

  it("trains on the snapshot's accepted and unreviewed rows, its test split held out; on the accepted ones alone when asked", async () => {
    const run = await palateInProcess(temp.path, ["sft", "--snapshot", "doubles/v1", "--base", "tiny-base", "--out", join(temp.dir, "every"), ...FLAGS]);
    expect(run.status, run.stderr).toBe(0);
    const every = getModelByName(temp.db, lastJson(run.stdout).model as string)!.metadata as { lineage: Record<string, unknown> };
    expect(every.lineage).toMatchObject({
      source: { kind: "snapshot", snapshot: { name: "v1", hash: manifest.hash }, selection: "submitted", rows: 12 },
      trainExamples: rowsOf(["sft", "sft-unreviewed"], "train"),
      evalExamples: rowsOf(["sft", "sft-unreviewed"], "test"),
    });

    const onlyAccepted = await palateInProcess(temp.path, [
      "sft",
      ...["--snapshot", "doubles/v1", "--demonstrations", "accepted", "--base", "tiny-base", "--out", join(temp.dir, "accepted"), ...FLAGS],
    ]);
    expect(onlyAccepted.status, onlyAccepted.stderr).toBe(0);
    const accepted = getModelByName(temp.db, lastJson(onlyAccepted.stdout).model as string)!.metadata as { lineage: Record<string, unknown> };
    expect(accepted.lineage).toMatchObject({
      source: { kind: "snapshot", selection: "accepted", rows: 8 },
      trainExamples: rowsOf(["sft"], "train"),
      evalExamples: rowsOf(["sft"], "test"),
    });
  }, 300_000);

  it("refuses --demonstrations accepted on a snapshot without accepted demonstrations, naming the flag", async () => {
    const file = join(temp.dir, "pending.jsonl");
    writeFileSync(
      file,
      JSON.stringify({
        messages: [
          { role: "user", content: "Pending?" },
          { role: "assistant", content: "Yes." },
        ],
      }) + "\n",
    );
    importSftFile(temp.db, file, { projectName: "pending" });
    expect((await palateInProcess(temp.path, ["snapshot", "--project", "pending", "--name", "v1"])).status).toBe(0);
    const run = await palateInProcess(temp.path, [
      "sft",
      ...["--snapshot", "pending/v1", "--demonstrations", "accepted", "--base", "tiny-base", "--out", join(temp.dir, "none"), ...FLAGS],
    ]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("--snapshot: snapshot v1 has no accepted demonstrations");
  });
});
