// The best-of-n job (lib/best-of-n/run-best-of-n.ts) run by the job runner on a tiny model in a
// temp SQLite database: 40 prompts with reference answers, 8 answers each scored by the accuracy
// rule, batches of 8 prompts. The kept file's lines (prompt, answer, its score and how it was
// chosen), the figures logged per batch (mean_best_score, mean_score, pass_rate, kept so far), the
// kept answers inserted as demonstrations in the same run; a run interrupted after a batch (a
// half-written line left behind) resumes from the prompts done and writes the same file as an
// uninterrupted one, each batch's figures logged once. The parameter checks name the field.
import { readFileSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs } from "@/db/schema";
import { BEST_OF_N_JOB_KIND, bestOfNJobParamsSchema, bestOfNRequestParamsSchema, type BestOfNJobParams } from "@/lib/best-of-n/job-params";
import { checkBestOfNParams } from "@/lib/best-of-n/param-checks";
import type { BestOfNJobResult } from "@/lib/best-of-n/run-best-of-n";
import { importSftFile } from "@/lib/datasets/sft-import";
import { fieldIssues } from "@/lib/http";
import { claimNextJob, enqueueClaimedJob, getJob, jobMetricsSince } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { registerModel } from "@/lib/models/registry";
import { createProject, getProjectByName } from "@/lib/projects";
import { lengthPenalty } from "@/lib/rewards/length";
import { tempDb } from "../../helpers/app";
import { tinyLmDir } from "../../unit/ml/rl/reward-fixtures";

type Line = { messages: { role: string; content: string }[]; metadata: Record<string, unknown> };
const lines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Line);

describe("the best-of-n job", () => {
  let temp: ReturnType<typeof tempDb>;
  let sums: number;
  let policy: number;
  let reward: number;
  let remote: number;
  let ranking: number;
  let empty: number;
  let plain: number;
  const dataDir = () => temp.dir;

  beforeAll(async () => {
    temp = tempDb();
    const file = join(temp.dir, "demos.jsonl");
    const rows = Array.from({ length: 40 }, (_, i) => {
      const [x, answer] = i % 2 === 0 ? ["2", "4"] : ["3", "6"];
      return JSON.stringify({
        messages: [
          { role: "user", content: `Add ${x} and ${x} (case ${i})` },
          { role: "assistant", content: answer },
        ],
        metadata: { reference: answer },
      });
    });
    appendFileSync(file, rows.join("\n") + "\n");
    sums = importSftFile(temp.db, file, { projectName: "sums" }).projectId!;
    // A project whose prompts carry no reference answer.
    const plainFile = join(temp.dir, "plain.jsonl");
    appendFileSync(
      plainFile,
      JSON.stringify({
        messages: [
          { role: "user", content: "Say something" },
          { role: "assistant", content: "apple" },
        ],
      }) + "\n",
    );
    plain = importSftFile(temp.db, plainFile, { projectName: "plain" }).projectId!;
    ranking = createProject(temp.db, { name: "rankings" }).id;
    empty = createProject(temp.db, { name: "empty", mode: "demonstration" }).id;
    const dir = await tinyLmDir();
    policy = registerModel(temp.db, { name: "tiny-base", kind: "policy", source: "palate", path: dir }).id;
    reward = registerModel(temp.db, { name: "tiny-rm", kind: "reward", source: "palate", path: dir }).id;
    remote = registerModel(temp.db, { name: "remote", kind: "policy", source: "openai", baseUrl: "http://127.0.0.1:9/v1", remoteModel: "gpt" }).id;
  }, 60_000);
  afterAll(() => temp?.cleanup());

  const params = (over: Partial<BestOfNJobParams> = {}) =>
    bestOfNJobParamsSchema.parse({ projectId: sums, policyModelId: policy, rules: "accuracy", n: 8, maxTokens: 4, threshold: 1, ...over });

  async function run(p: BestOfNJobParams, cancelAfterFirstBatch = false) {
    const job = enqueueClaimedJob(temp.db, { kind: BEST_OF_N_JOB_KIND, params: p as unknown as Record<string, unknown>, projectId: p.projectId });
    const cancel = new AbortController();
    const watch = cancelAfterFirstBatch ? setInterval(() => jobMetricsSince(temp.db, job.id).length > 0 && cancel.abort(), 5) : null;
    try {
      const status = await runJob(temp.db, job.id, { dataDir: dataDir(), cancel: cancel.signal });
      return { id: job.id, status, row: getJob(temp.db, job.id)! };
    } finally {
      if (watch) clearInterval(watch);
    }
  }

  it("checks its parameters against the database, naming the field", () => {
    const issues = (over: Record<string, unknown>) => checkBestOfNParams(temp.db, params(over as Partial<BestOfNJobParams>));
    const expectIssue = (list: { field: string; message: string }[], field: string, message: RegExp) =>
      expect(list.find((i) => i.field === field)?.message, `${field}: ${JSON.stringify(list)}`).toMatch(message);
    expect(issues({})).toEqual([]);
    expectIssue(issues({ policyModelId: 9999 }), "params.policyModelId", /no such model/);
    expectIssue(issues({ policyModelId: reward }), "params.policyModelId", /tiny-rm is a reward model/);
    expectIssue(issues({ policyModelId: remote }), "params.policyModelId", /remote is an endpoint/);
    expectIssue(issues({ rules: undefined, rewardModelId: policy }), "params.rewardModelId", /tiny-base is not a reward model/);
    expectIssue(issues({ rules: "bogus" }), "params.rules", /unknown reward function "bogus"/);
    expectIssue(issues({ projectId: plain }), "params.rules", /compares answers with reference answers, and project "plain" has no prompt with one/);
    expect(issues({ projectId: plain, rules: "format" })).toEqual([]);
    expectIssue(issues({ projectId: empty }), "params.projectId", /has no prompts/);
    expectIssue(issues({ projectId: 9999 }), "params.projectId", /no such project/);
    expectIssue(
      issues({ asDemonstrations: true, intoProjectId: ranking }),
      "params.intoProjectId",
      /"rankings" is a ranking project, not a demonstration project/,
    );
    expectIssue(issues({ asDemonstrations: true, intoProjectId: 9999 }), "params.intoProjectId", /no such project/);
    expect(issues({ asDemonstrations: true })).toEqual([]);
    // The schema: one scorer, a target project only with demonstrations, the app's request without directories.
    const schema = (p: Record<string, unknown>) => {
      const r = bestOfNRequestParamsSchema.safeParse(p);
      return r.success ? [] : fieldIssues(r.error);
    };
    expectIssue(schema({ projectId: sums, policyModelId: policy }), "rules", /say what scores the answers/);
    expectIssue(schema({ projectId: sums, policyModelId: policy, rules: "accuracy", rewardModelId: reward }), "rules", /one scorer/);
    expectIssue(schema({ projectId: sums, policyModelId: policy, rules: "accuracy", intoProjectId: empty }), "intoProjectId", /only with asDemonstrations/);
    expectIssue(schema({ projectId: sums, rules: "accuracy" }), "policyModelId", /pick the policy/);
    expectIssue(schema({ projectId: sums, policyModelId: policy, rules: "accuracy", policyDir: "/tmp" }), "policyDir", /unknown field/);
    expectIssue(schema({ projectId: sums, policyModelId: policy, rules: "accuracy", n: 0 }), "n", /./);
    expectIssue(schema({ projectId: sums, policyModelId: policy, rules: "accuracy", topP: 0 }), "topP", /./);
  });

  // An untrained tiny model rarely answers right; the length rule scores its answers apart (0 up to
  // 3 characters, then down to −1 at 13), and the threshold keeps those of 3 characters at most.
  const LENGTH = "length(budget=3,ramp=10)";
  const scored = (over: Partial<BestOfNJobParams> = {}) => params({ rules: LENGTH, threshold: -0.05, ...over });
  let first: { file: string; result: BestOfNJobResult };

  it("writes the kept answers batch by batch, logs each batch's figures, and inserts the kept answers as demonstrations", async () => {
    const job = await run(scored({ asDemonstrations: true }));
    expect(job.status, job.row.error ?? "").toBe("succeeded");
    const result = job.row.result as BestOfNJobResult;
    expect(result).toMatchObject({ prompts: 40, by: LENGTH, n: 8, threshold: -0.05, resumedFrom: null, policy: { id: policy, name: "tiny-base" } });
    expect(result.file).toBe(join(temp.dir, "jobs", String(job.id), "kept.jsonl"));
    const kept = lines(result.file);
    expect(kept).toHaveLength(result.kept);
    expect(result.kept).toBeGreaterThan(0);
    expect(result.kept).toBeLessThan(40);
    const promptIds = new Set<unknown>();
    for (const line of kept) {
      expect(line.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
      const answer = line.messages[1].content;
      expect(answer.trim()).not.toBe("");
      const reference = /Add 2/.test(line.messages[0].content) ? "4" : "6";
      expect(line.metadata).toMatchObject({
        by: LENGTH,
        n: 8,
        policy: "tiny-base",
        reference,
        score: lengthPenalty([...answer].length, { budget: 3, ramp: 10 }),
      });
      expect(line.metadata.score as number).toBeGreaterThanOrEqual(-0.05);
      expect(line.metadata.sample).toBeGreaterThanOrEqual(0);
      expect(line.metadata.sample).toBeLessThan(8);
      promptIds.add(line.metadata.prompt_id);
    }
    expect(promptIds.size).toBe(kept.length);

    // Batches of 64 / 8 = 8 prompts: one point per batch, the kept count running.
    const points = jobMetricsSince(temp.db, job.id);
    const byName = (name: string) => points.filter((p) => p.name === name);
    for (const name of ["mean_best_score", "mean_score", "pass_rate", "kept"])
      expect(
        byName(name).map((p) => p.step),
        name,
      ).toEqual([8, 16, 24, 32, 40]);
    expect(byName("kept").at(-1)!.value).toBe(result.kept);
    for (const p of byName("pass_rate")) expect(p.value >= 0 && p.value <= 1, String(p.value)).toBe(true);
    const passMean = byName("pass_rate").reduce((a, p) => a + p.value, 0) / 5;
    expect(result.pass_rate).toBeCloseTo(passMean, 10);
    // A prompt's best scores at least the mean of its answers; the kept count never falls.
    const best = byName("mean_best_score").map((p) => p.value);
    byName("mean_score").forEach((p, i) => expect(best[i]).toBeGreaterThanOrEqual(p.value));
    const keptSoFar = byName("kept").map((p) => p.value);
    expect([...keptSoFar].sort((a, b) => a - b)).toEqual(keptSoFar);

    const demonstrations = temp.db.get<{ n: number }>(sql`
      SELECT count(*) AS n FROM demonstrations d JOIN users u ON u.id = d.user_id JOIN tasks t ON t.id = d.task_id
      WHERE u.name = 'best-of-n' AND d.status = 'submitted' AND t.project_id = ${sums}`);
    expect(demonstrations?.n).toBe(result.kept);
    expect(result).toMatchObject({ demonstrations: result.kept, into: sums });
    expect(getProjectByName(temp.db, "sums")?.mode).toBe("demonstration");
    first = { file: result.file, result };
  }, 120_000);

  it("resumes an interrupted run from the prompts done: the same file, each batch's figures once", async () => {
    const interrupted = await run(scored(), true);
    expect(interrupted.status).toBe("cancelled");
    const dir = join(temp.dir, "jobs", String(interrupted.id));
    const done = (JSON.parse(readFileSync(join(dir, "progress.json"), "utf8")) as { done: number }).done;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(40);
    // The process died while writing the next batch: half a line after the last recorded one.
    appendFileSync(join(dir, "kept.jsonl"), '{"messages": [{"role": "user", "content": "Add');
    // The worker puts an interrupted job back in the queue; the next claim is attempt 2.
    temp.db.update(jobs).set({ status: "queued", cancelRequested: false, error: null, finishedAt: null }).where(eq(jobs.id, interrupted.id)).run();
    const claimed = claimNextJob(temp.db, process.pid, [BEST_OF_N_JOB_KIND]);
    expect(claimed).toMatchObject({ id: interrupted.id, attempts: 2 });
    const status = await runJob(temp.db, interrupted.id, { dataDir: dataDir() });
    const row = getJob(temp.db, interrupted.id)!;
    expect(status, row.error ?? "").toBe("succeeded");
    const result = row.result as BestOfNJobResult;
    expect(result.resumedFrom).toBe(done);
    expect(readFileSync(result.file, "utf8")).toBe(readFileSync(first.file, "utf8"));
    expect(result).toMatchObject({ prompts: 40, kept: first.result.kept, mean_score: first.result.mean_score, pass_rate: first.result.pass_rate });
    const kept = jobMetricsSince(temp.db, interrupted.id).filter((p) => p.name === "kept");
    expect(kept.map((p) => p.step)).toEqual([8, 16, 24, 32, 40]);
  }, 120_000);
});
