// Starting SFT from the app: POST /api/jobs {kind: "sft"} over HTTP against the built app (no
// worker here, so the job stays queued until this test runs it with the job runner the worker
// uses). Researchers and admins may start it, annotators get 403; bad parameters get 400 naming
// the field (the schema's, and lib/sft/param-checks.ts's: the base model, the demonstrations
// chosen, a snapshot of the project, a free name) and nothing is enqueued. The queued job then
// trains and registers its model; its metrics (loss, eval_loss, eval_accuracy) are the job's
// metric points the job page charts; the Run SFT page and the job page render.
import { dirname, join } from "node:path";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSftFile } from "@/lib/datasets/sft-import";
import { claimNextJob, getJob, jobMetricsSince, listJobs } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { getModelByName, registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { Client, startTestApp, type TestApp } from "../../helpers/app";
import { tinyLmDir } from "../../unit/ml/rl/reward-fixtures";

interface JobAnswer {
  job: { id: number; kind: string; status: string; projectId: number; params: Record<string, unknown> };
}
interface Issues {
  issues: { field: string; message: string }[];
}

describe("SFT job requests over HTTP", () => {
  let app: TestApp;
  let admin: Client;
  let researcher: Client;
  let annotator: Client;
  let sums: number;
  let empty: number;
  let base: number;
  let reward: number;

  beforeAll(async () => {
    const dir = await tinyLmDir();
    app = await startTestApp((db) => {
      const file = join(dirname(db.$client.name), "demos.jsonl");
      writeFileSync(
        file,
        Array.from({ length: 10 }, (_, i) =>
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
      empty = createProject(db, { name: "empty", mode: "demonstration" }).id;
      base = registerModel(db, { name: "tiny-base", kind: "policy", source: "palate", path: dir }).id;
      reward = registerModel(db, { name: "tiny-rm", kind: "reward", source: "palate", path: dir }).id;
    });
    admin = await new Client(app.url).signIn("admin@palate.local");
    researcher = await new Client(app.url).signIn("researcher@palate.local");
    annotator = await new Client(app.url).signIn("annotator1@palate.local");
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
  });

  const sft = (over: Record<string, unknown> = {}) => ({
    projectId: sums,
    baseModelId: base,
    config: { maxSteps: 4, batchSize: 2, maxLength: 32, evalEvery: 2, evalMaxNewTokens: 2, validationFraction: 0.2 },
    ...over,
  });

  it("refuses annotators, names bad fields, and enqueues nothing then", async () => {
    const before = listJobs(app.db).length;
    expect((await annotator.json("/api/jobs", "POST", { kind: "sft", params: sft() })).status).toBe(403);
    const cases: [Record<string, unknown>, string, RegExp?][] = [
      [sft({ baseModelId: reward }), "params.baseModelId", /reward model/],
      [sft({ baseModelId: 99999 }), "params.baseModelId", /no such model/],
      [sft({ baseModelId: undefined }), "params.baseModelId"],
      [sft({ projectId: empty }), "params.demonstrations", /no submitted demonstrations yet/],
      [sft({ demonstrations: "accepted" }), "params.demonstrations", /none of the 10 submitted demonstrations is accepted/],
      [sft({ demonstrations: "all" }), "params.demonstrations"],
      [sft({ snapshot: "v9" }), "params.snapshot", /no snapshot named "v9"/],
      [sft({ name: "tiny-base" }), "params.name", /already registered/],
      [sft({ config: { learningRate: 0 } }), "params.config.learningRate"],
      [sft({ config: { validationFraction: 0.95 } }), "params.config.validationFraction"],
      [sft({ file: "/tmp/demos.jsonl" }), "params.file"],
      [sft({ mix: [{ file: "/tmp/kept.jsonl", ratio: 0.5 }] }), "params.mix"],
      [sft({ outDir: "/tmp/x" }), "params.outDir"],
    ];
    for (const [params, field, message] of cases) {
      const res = await researcher.json("/api/jobs", "POST", { kind: "sft", params });
      expect(res.status, `${field} ${JSON.stringify(params)}`).toBe(400);
      const issue = ((await res.json()) as Issues).issues.find((i) => i.field === field);
      expect(issue, `${field} ${JSON.stringify(params)}`).toBeDefined();
      if (message) expect(issue!.message).toMatch(message);
    }
    expect(listJobs(app.db).length).toBe(before);
  });

  it("queues SFT for a researcher with the defaults filled in; the job trains, logs its curves and registers the model", async () => {
    const page = await admin.fetch(`/research/projects/${sums}/sft`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Demonstrations to learn from: 10.");

    const res = await researcher.json("/api/jobs", "POST", { kind: "sft", params: sft({ name: "sft-from-app" }) });
    expect(res.status).toBe(201);
    const { job } = (await res.json()) as JobAnswer;
    expect(job).toMatchObject({ kind: "sft", status: "queued", projectId: sums });
    expect(job.params).toMatchObject({ demonstrations: "submitted", config: { maxSteps: 4, epochs: 3, learningRate: 3e-4, seed: 0 } });

    const claimed = claimNextJob(app.db, process.pid, ["sft"]);
    expect(claimed?.id).toBe(job.id);
    const status = await runJob(app.db, job.id, { dataDir: dirname(app.db.$client.name) });
    expect(status, getJob(app.db, job.id)?.error ?? "").toBe("succeeded");
    const points = jobMetricsSince(app.db, job.id);
    expect(points.filter((p) => p.name === "loss").map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(points.filter((p) => p.name === "eval_loss").map((p) => p.step)).toEqual([2, 4]);
    expect(points.filter((p) => p.name === "eval_accuracy").map((p) => p.step)).toEqual([2, 4]);
    const model = getModelByName(app.db, "sft-from-app")!;
    expect(model).toMatchObject({ kind: "policy", parentId: base, jobId: job.id, projectId: sums });
    expect((model.metadata as { lineage: { method: string } }).lineage.method).toBe("sft");

    const jobPage = await researcher.fetch(`/research/jobs/${job.id}`);
    expect(jobPage.status).toBe(200);
    expect(await jobPage.text()).toContain(`Job #${job.id}: SFT`);
  }, 120_000);
});
