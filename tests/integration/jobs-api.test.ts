// The jobs API over HTTP (no worker here, so jobs stay queued): starting a generation job
// validates its parameters and what they name (400 naming the field), a job reads back with
// its events and metric points incrementally, a queued job cancels at once.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projects, prompts } from "@/db/schema";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import { logJobEvent, recordMetrics } from "@/lib/jobs/queue";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { Client, startTestApp, type TestApp } from "../helpers/app";

interface JobAnswer {
  job: { id: number; kind: string; status: string; projectId: number; projectName: string; createdByEmail: string; cancelRequested: boolean };
  events: { id: number; text: string }[];
  metrics: { id: number; step: number; name: string; value: number }[];
}

describe("jobs API", () => {
  let app: TestApp;
  let admin: Client;
  let researcher: Client;
  let annotator: Client;
  let projectId: number;
  let otherPrompt: number;
  let promptIds: number[];
  let policy: number;
  let reward: number;

  beforeAll(async () => {
    app = await startTestApp();
    const db = app.db;
    const modelDir = join(app.dbPath, "..", "tiny-model");
    mkdirSync(modelDir, { recursive: true });
    writeFileSync(join(modelDir, "config.json"), "{}");
    policy = registerModel(db, { name: "tiny-policy", kind: "policy", source: "palate", path: modelDir }).id;
    reward = registerModel(db, { name: "tiny-rm", kind: "reward", source: "palate", path: modelDir }).id;
    projectId = db.select().from(projects).where(eq(projects.name, DEMO_PROJECT)).get()!.id;
    promptIds = db
      .select({ id: prompts.id })
      .from(prompts)
      .where(eq(prompts.projectId, projectId))
      .all()
      .map((p) => p.id);
    const other = createProject(db, { name: "Other project" });
    otherPrompt = insertTask(db, other.id, { messages: [{ role: "user", content: "elsewhere" }], completions: [{ text: "a" }, { text: "b" }] }).promptId;
    admin = await new Client(app.url).signIn("admin@palate.local");
    researcher = await new Client(app.url).signIn("researcher@palate.local");
    annotator = await new Client(app.url).signIn("annotator1@palate.local");
  });
  afterAll(async () => {
    await app?.stop();
  });

  const params = (over: Record<string, unknown> = {}) => ({
    projectId,
    modelId: policy,
    promptIds: promptIds.slice(0, 2),
    sampling: { k: 4, temperature: 0.8, topP: 0.95, maxTokens: 16, seed: 1 },
    ...over,
  });

  it("answers 400 naming the field for bad parameters and for rows that do not exist", async () => {
    const cases: [unknown, string][] = [
      [{ kind: "generate", params: params({ sampling: { k: 12 } }) }, "params.sampling.k"],
      [{ kind: "generate", params: params({ sampling: { k: 1 } }) }, "params.sampling.k"],
      [{ kind: "generate", params: params({ sampling: { temperature: -1 } }) }, "params.sampling.temperature"],
      [{ kind: "generate", params: params({ sampling: { topP: 0 } }) }, "params.sampling.topP"],
      [{ kind: "generate", params: params({ sampling: { maxTokens: 0 } }) }, "params.sampling.maxTokens"],
      [{ kind: "generate", params: params({ promptIds: [] }) }, "params.prompts"],
      [{ kind: "generate", params: params({ prompts: ["   "], promptIds: undefined }) }, "params.prompts.0"],
      [{ kind: "generate", params: params({ projectId: 99999 }) }, "params.projectId"],
      [{ kind: "generate", params: params({ modelId: 99999 }) }, "params.modelId"],
      [{ kind: "generate", params: params({ modelId: reward }) }, "params.modelId"],
      [{ kind: "generate", params: params({ promptIds: [promptIds[0], otherPrompt] }) }, "params.promptIds"],
      [{ kind: "generate", params: params({ colour: "red" }) }, "params.colour"],
      [{ kind: "train-everything", params: params() }, "kind"],
      [{ params: params() }, "kind"],
      [{ kind: "generate" }, "params"],
    ];
    for (const [body, field] of cases) {
      const res = await admin.json("/api/jobs", "POST", body);
      const answer = (await res.json()) as { error: string; issues?: { field: string }[] };
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(
        answer.issues?.map((i) => i.field),
        `${JSON.stringify(body)} → ${answer.error}`,
      ).toContain(field);
    }
    expect((await admin.fetch("/api/jobs", { method: "POST", body: "nope", headers: { "content-type": "application/json" } })).status).toBe(400);
    // Nothing was queued.
    expect(((await (await admin.fetch("/api/jobs")).json()) as { jobs: unknown[] }).jobs).toEqual([]);
  });

  it("starts a job, reads it with events and metrics incrementally, and cancels it while queued", async () => {
    const res = await admin.json("/api/jobs", "POST", { kind: "generate", params: params({ prompts: ["What is the capital of Peru?"] }) });
    expect(res.status).toBe(201);
    const { job } = (await res.json()) as JobAnswer;
    expect(job).toMatchObject({ kind: "generate", status: "queued", projectId, projectName: DEMO_PROJECT, createdByEmail: "admin@palate.local" });

    const read = (await (await researcher.fetch(`/api/jobs/${job.id}`)).json()) as JobAnswer;
    expect(read.job.status).toBe("queued");
    expect(read.job).toHaveProperty("model", { id: policy, name: "tiny-policy" });
    expect(read.events).toEqual([]);
    expect(read.metrics).toEqual([]);

    logJobEvent(app.db, job.id, "first");
    recordMetrics(app.db, job.id, 1, { loss: 2.5 });
    const one = (await (await researcher.fetch(`/api/jobs/${job.id}`)).json()) as JobAnswer;
    expect(one.events.map((e) => e.text)).toEqual(["first"]);
    logJobEvent(app.db, job.id, "second");
    recordMetrics(app.db, job.id, 2, { loss: 2.0, accuracy: 0.5 });
    const more = (await (await researcher.fetch(`/api/jobs/${job.id}?afterEvent=${one.events[0].id}&afterMetric=${one.metrics[0].id}`)).json()) as JobAnswer;
    expect(more.events.map((e) => e.text)).toEqual(["second"]);
    expect(more.metrics.map((m) => [m.step, m.name, m.value])).toEqual([
      [2, "loss", 2.0],
      [2, "accuracy", 0.5],
    ]);
    expect((await researcher.fetch(`/api/jobs/${job.id}?afterEvent=-1`)).status).toBe(400);
    expect(read.job).toHaveProperty("params.prompts", ["What is the capital of Peru?"]);
    const brief = (await (await researcher.fetch(`/api/jobs/${job.id}?params=false`)).json()) as JobAnswer & { job: { params: unknown } };
    expect(brief.job.params).toEqual({});

    const list = (await (await researcher.fetch(`/api/jobs?projectId=${projectId}&kind=generate`)).json()) as { jobs: { id: number }[] };
    expect(list.jobs.map((j) => j.id)).toEqual([job.id]);

    const page = await researcher.fetch(`/research/jobs/${job.id}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain(`Job #${job.id}`);
    expect(html).toContain("queued");
    expect(html).not.toContain(">Cancel<"); // researchers cannot cancel
    expect(await (await admin.fetch(`/research/jobs/${job.id}`)).text()).toContain(">Cancel<");

    expect((await researcher.json(`/api/jobs/${job.id}/cancel`, "POST", {})).status).toBe(403);
    const cancel = await admin.json(`/api/jobs/${job.id}/cancel`, "POST", {});
    expect(cancel.status).toBe(200);
    expect(((await cancel.json()) as JobAnswer).job).toMatchObject({ status: "cancelled", cancelRequested: true });
    const again = await admin.json(`/api/jobs/${job.id}/cancel`, "POST", {});
    expect(again.status).toBe(409);
    expect(((await (await researcher.fetch(`/api/jobs/${job.id}`)).json()) as JobAnswer).job.status).toBe("cancelled");
  });

  it("answers 404 for unknown jobs and keeps annotators out", async () => {
    for (const path of ["/api/jobs/99999", "/api/jobs/abc"]) expect((await admin.fetch(path)).status, path).toBe(404);
    expect((await admin.json("/api/jobs/99999/cancel", "POST", {})).status).toBe(404);
    expect((await admin.fetch("/research/jobs/99999")).status).toBe(404);
    expect((await annotator.fetch("/api/jobs")).status).toBe(403);
    expect((await annotator.fetch("/api/jobs/1")).status).toBe(403);
    expect((await annotator.json("/api/jobs", "POST", { kind: "generate", params: params() })).status).toBe(403);
    expect((await annotator.fetch("/research/jobs")).status).toBe(403);
    expect((await new Client(app.url).fetch("/api/jobs")).status).toBe(401);
  });

  it("the admin's generation page lists the registered policies and the project's prompts", async () => {
    const page = await admin.fetch(`/admin/projects/${projectId}/generate`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("tiny-policy");
    expect(html).not.toContain("tiny-rm");
    expect(html).toContain(`All ${promptIds.length} prompts`);
    expect((await researcher.fetch(`/admin/projects/${projectId}/generate`)).status).toBe(403);
    expect((await admin.fetch("/admin/projects/99999/generate")).status).toBe(404);
  });
});
