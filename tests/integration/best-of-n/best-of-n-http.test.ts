// Starting best-of-n from the app: POST /api/jobs {kind: "best-of-n"} over HTTP against the built
// app (no worker here, so the job stays queued until this test runs it with the job runner the
// worker uses). Researchers may start it, annotators get 403; bad parameters get 400 naming the
// field (the schema's and lib/best-of-n/param-checks.ts's) and nothing is enqueued. The page
// follows the queued run (?job=), and once it has run, its kept answers download from
// GET /api/jobs/[id]/download (staff only; 404 while the job is queued), linked from the page.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BestOfNJobResult } from "@/lib/best-of-n/run-best-of-n";
import { importSftFile } from "@/lib/datasets/sft-import";
import { claimNextJob, getJob, jobMetricsSince, listJobs } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { Client, startTestApp, type TestApp } from "../../helpers/app";
import { tinyLmDir } from "../../unit/ml/rl/reward-fixtures";

interface JobAnswer {
  job: { id: number; kind: string; status: string; projectId: number; params: Record<string, unknown> };
}
interface Issues {
  issues: { field: string; message: string }[];
}

describe("best-of-n job requests over HTTP", () => {
  let app: TestApp;
  let researcher: Client;
  let annotator: Client;
  let sums: number;
  let ranking: number;
  let policy: number;
  let reward: number;

  beforeAll(async () => {
    const dir = await tinyLmDir();
    app = await startTestApp((db) => {
      const file = join(dirname(db.$client.name), "demos.jsonl");
      writeFileSync(
        file,
        Array.from({ length: 12 }, (_, i) =>
          JSON.stringify({
            messages: [
              { role: "user", content: `Add 2 and 2 (case ${i})` },
              { role: "assistant", content: "4" },
            ],
            metadata: { reference: "4" },
          }),
        ).join("\n"),
      );
      sums = importSftFile(db, file, { projectName: "sums" }).projectId!;
      ranking = createProject(db, { name: "rankings" }).id;
      policy = registerModel(db, { name: "tiny-base", kind: "policy", source: "palate", path: dir }).id;
      reward = registerModel(db, { name: "tiny-rm", kind: "reward", source: "palate", path: dir }).id;
    });
    researcher = await new Client(app.url).signIn("researcher@palate.local");
    annotator = await new Client(app.url).signIn("annotator1@palate.local");
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
  });

  const bon = (over: Record<string, unknown> = {}) => ({
    projectId: sums,
    policyModelId: policy,
    rules: "length(budget=3,ramp=10)",
    n: 4,
    maxTokens: 4,
    ...over,
  });

  it("refuses annotators, names bad fields, and enqueues nothing then", async () => {
    const before = listJobs(app.db).length;
    expect((await annotator.json("/api/jobs", "POST", { kind: "best-of-n", params: bon() })).status).toBe(403);
    const cases: [Record<string, unknown>, string, RegExp?][] = [
      [bon({ policyModelId: reward }), "params.policyModelId", /reward model/],
      [bon({ policyModelId: 99999 }), "params.policyModelId", /no such model/],
      [bon({ policyModelId: undefined }), "params.policyModelId"],
      [bon({ rules: "bogus" }), "params.rules", /unknown reward function "bogus"/],
      [bon({ rules: undefined }), "params.rules", /say what scores the answers/],
      [bon({ rules: undefined, rewardModelId: policy }), "params.rewardModelId", /not a reward model/],
      [bon({ intoProjectId: sums }), "params.intoProjectId", /only with asDemonstrations/],
      [bon({ asDemonstrations: true, intoProjectId: ranking }), "params.intoProjectId", /not a demonstration project/],
      [bon({ projectId: ranking }), "params.projectId", /has no prompts/],
      [bon({ n: 0 }), "params.n"],
      [bon({ topP: 1.5 }), "params.topP"],
      [bon({ policyDir: "/tmp" }), "params.policyDir"],
    ];
    for (const [params, field, message] of cases) {
      const res = await researcher.json("/api/jobs", "POST", { kind: "best-of-n", params });
      expect(res.status, `${field} ${JSON.stringify(params)}`).toBe(400);
      const issue = ((await res.json()) as Issues).issues.find((i) => i.field === field);
      expect(issue, `${field} ${JSON.stringify(params)}`).toBeDefined();
      if (message) expect(issue!.message).toMatch(message);
    }
    expect(listJobs(app.db).length).toBe(before);
  });

  it("queues best-of-n for a researcher; the page follows the run and, once it has run, links its kept answers for download", async () => {
    const page = await researcher.fetch(`/research/projects/${sums}/best-of-n`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("12 distinct prompts, 12 with a reference answer");

    const res = await researcher.json("/api/jobs", "POST", { kind: "best-of-n", params: bon({ threshold: -0.05, asDemonstrations: true }) });
    expect(res.status).toBe(201);
    const { job } = (await res.json()) as JobAnswer;
    expect(job).toMatchObject({ kind: "best-of-n", status: "queued", projectId: sums });
    expect(job.params).toMatchObject({ n: 4, temperature: 1, topP: 1, topK: 0, seed: 0, asDemonstrations: true });

    const queued = await researcher.fetch(`/research/projects/${sums}/best-of-n?job=${job.id}`);
    expect(queued.status).toBe(200);
    const queuedHtml = await queued.text();
    expect(queuedHtml).toContain(`Run #${job.id}`);
    expect(queuedHtml).not.toContain("Download the kept answers");
    expect((await researcher.fetch(`/api/jobs/${job.id}/download`)).status).toBe(404);

    expect(claimNextJob(app.db, process.pid, ["best-of-n"])?.id).toBe(job.id);
    const status = await runJob(app.db, job.id, { dataDir: dirname(app.db.$client.name) });
    expect(status, getJob(app.db, job.id)?.error ?? "").toBe("succeeded");
    const result = getJob(app.db, job.id)!.result as BestOfNJobResult;
    expect(result).toMatchObject({ prompts: 12, demonstrations: result.kept, into: sums });
    expect(
      jobMetricsSince(app.db, job.id)
        .filter((p) => p.name === "kept")
        .map((p) => p.step),
    ).toEqual([12]);

    const done = await (await researcher.fetch(`/research/projects/${sums}/best-of-n?job=${job.id}`)).text();
    expect(done).toContain(`href="/api/jobs/${job.id}/download"`);
    expect(done).toContain("Download the kept answers");
    const download = await researcher.fetch(`/api/jobs/${job.id}/download`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="best-of-n-${job.id}-kept.jsonl"`);
    const text = await download.text();
    expect(text).toBe(readFileSync(result.file, "utf8"));
    expect(text.split("\n").filter(Boolean)).toHaveLength(result.kept);
    expect((await annotator.fetch(`/api/jobs/${job.id}/download`)).status).toBe(403);
    expect(await (await researcher.fetch(`/research/jobs/${job.id}`)).text()).toContain(`Job #${job.id}: Best-of-n`);
  }, 120_000);
});
