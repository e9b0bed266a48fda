// Starting GRPO and DPO from the app: POST /api/jobs {kind: "grpo" | "dpo"} over HTTP against the
// built app (no worker here, so the jobs stay queued). Researchers and admins may start them,
// annotators get 403; bad parameters get 400 naming the field — the schema's (config, rewards'
// shape, CLI-only fields) and the kind's own checks (lib/grpo/param-checks.ts,
// lib/dpo/param-checks.ts: the models named and their kinds, the reward functions against the
// registry, reference answers for accuracy, a snapshot of the project, a free name) — and nothing
// is enqueued then. A researcher can cancel the GRPO job they started.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listJobs } from "@/lib/jobs/queue";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { Client, startTestApp, type TestApp } from "../../helpers/app";

interface JobAnswer {
  job: { id: number; kind: string; status: string; projectId: number; createdByEmail: string; params: Record<string, unknown> };
}
interface Issues {
  issues: { field: string; message: string }[];
}

describe("GRPO and DPO job requests over HTTP", () => {
  let app: TestApp;
  let admin: Client;
  let researcher: Client;
  let annotator: Client;
  let arith: number;
  let plain: number;
  let policy: number;
  let reward: number;

  beforeAll(async () => {
    app = await startTestApp((db) => {
      const dir = join(db.$client.name, "..", "tiny-model");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "config.json"), "{}");
      policy = registerModel(db, { name: "tiny-policy", kind: "policy", source: "palate", path: dir }).id;
      reward = registerModel(db, { name: "tiny-rm", kind: "reward", source: "palate", path: dir }).id;
      registerModel(db, { name: "taken", kind: "policy", source: "palate", path: dir });
      arith = createProject(db, { name: "arith" }).id;
      for (let i = 0; i < 6; i++)
        insertTask(db, arith, { messages: [{ role: "user", content: `What is ${i} + 2?` }], completions: [], promptMetadata: { reference: String(i + 2) } });
      plain = createProject(db, { name: "plain" }).id;
      insertTask(db, plain, { messages: [{ role: "user", content: "Say something." }], completions: [] });
    });
    admin = await new Client(app.url).signIn("admin@palate.local");
    researcher = await new Client(app.url).signIn("researcher@palate.local");
    annotator = await new Client(app.url).signIn("annotator1@palate.local");
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  });

  const grpo = (over: Record<string, unknown> = {}) => ({
    projectId: arith,
    policyModelId: policy,
    rewards: [{ name: "accuracy" }, { name: "format", weight: 0.5 }],
    config: { totalEpisodes: 16, batchSize: 8, numGenerations: 4, maxCompletionLength: 8 },
    ...over,
  });
  const dpo = (over: Record<string, unknown> = {}) => ({ projectId: arith, policyModelId: policy, config: { beta: 0.2, lossType: "ipo" }, ...over });

  it("lets researchers and admins start GRPO and DPO; the job is queued with the kind's defaults filled in", async () => {
    const res = await researcher.json("/api/jobs", "POST", { kind: "grpo", params: grpo({ rewardModelId: reward, name: "grpo-arith-test" }) });
    expect(res.status).toBe(201);
    const { job } = (await res.json()) as JobAnswer;
    expect(job).toMatchObject({ kind: "grpo", status: "queued", projectId: arith, createdByEmail: "researcher@palate.local" });
    expect(job.params).toMatchObject({
      policyModelId: policy,
      rewardModelId: reward,
      rewards: [
        { name: "accuracy", weight: 1, params: {} },
        { name: "format", weight: 0.5, params: {} },
      ],
      config: { totalEpisodes: 16, batchSize: 8, numGenerations: 4, beta: 0.04, lossType: "grpo", scaleRewards: "group" },
    });

    const viaAdmin = await admin.json("/api/jobs", "POST", { kind: "grpo", params: grpo({ rewards: [{ name: "length", params: { budget: 20 } }] }) });
    expect(viaAdmin.status).toBe(201);
    expect(((await viaAdmin.json()) as JobAnswer).job.params.rewards).toEqual([{ name: "length", weight: 1, params: { budget: 20 } }]);

    const d = await researcher.json("/api/jobs", "POST", { kind: "dpo", params: dpo() });
    expect(d.status).toBe(201);
    const dpoJob = ((await d.json()) as JobAnswer).job;
    expect(dpoJob).toMatchObject({ kind: "dpo", status: "queued", projectId: arith });
    expect(dpoJob.params).toMatchObject({ rounds: "all", rankings: "every", includePaused: false, config: { beta: 0.2, lossType: "ipo", epochs: 1 } });
    expect((await admin.json("/api/jobs", "POST", { kind: "dpo", params: dpo({ rankings: "aggregated", aggregate: "kemeny" }) })).status).toBe(201);

    // The researcher may cancel the run they started (a queued job cancels at once).
    const cancel = await researcher.json(`/api/jobs/${job.id}/cancel`, "POST", {});
    expect(cancel.status).toBe(200);
    expect(((await cancel.json()) as JobAnswer).job.status).toBe("cancelled");
  });

  it("refuses annotators with 403, whatever the parameters", async () => {
    const before = listJobs(app.db).length;
    expect((await annotator.json("/api/jobs", "POST", { kind: "grpo", params: grpo() })).status).toBe(403);
    expect((await annotator.json("/api/jobs", "POST", { kind: "dpo", params: dpo() })).status).toBe(403);
    expect(listJobs(app.db).length).toBe(before);
  });

  it("answers 400 naming the field for bad GRPO parameters, and enqueues nothing", async () => {
    const before = listJobs(app.db).length;
    const cases: [Record<string, unknown>, string, RegExp?][] = [
      [grpo({ config: { batchSize: 6, numGenerations: 4 } }), "params.config.batchSize", /multiple of numGenerations/],
      [grpo({ config: { beta: -1 } }), "params.config.beta"],
      [grpo({ config: { lossType: "ppo" } }), "params.config.lossType"],
      [grpo({ rewards: [] }), "params.rewards", /at least one/],
      [
        grpo({ rewards: [{ name: "accuracy" }, { name: "kindness" }] }),
        "params.rewards.1.name",
        /unknown reward function "kindness".*accuracy, format, length/,
      ],
      [grpo({ rewards: [{ name: "format" }, { name: "format" }] }), "params.rewards.1.name", /given twice/],
      [grpo({ rewards: [{ name: "length", params: { budget: -5 } }] }), "params.rewards.0.params", /length: budget/],
      [grpo({ rewards: [{ name: "length", params: { colour: 1 } }] }), "params.rewards.0.params", /unknown parameter colour/],
      [grpo({ projectId: plain }), "params.rewards", /no prompt with one/],
      [grpo({ projectId: 99999 }), "params.projectId"],
      [grpo({ policyModelId: 99999 }), "params.policyModelId", /no such model/],
      [grpo({ policyModelId: reward }), "params.policyModelId", /reward model/],
      [grpo({ rewardModelId: policy }), "params.rewardModelId", /not a reward model/],
      [grpo({ referenceModelId: reward }), "params.referenceModelId"],
      [grpo({ name: "taken" }), "params.name", /already registered/],
      [grpo({ policyDir: "/tmp/x" }), "params.policyDir"],
      [grpo({ outDir: "/tmp/x" }), "params.outDir"],
      [grpo({ threads: 0 }), "params.threads"],
      [grpo({ threads: 1.5 }), "params.threads"],
    ];
    for (const [params, field, message] of cases) {
      const res = await researcher.json("/api/jobs", "POST", { kind: "grpo", params });
      expect(res.status, `${field} ${JSON.stringify(params)}`).toBe(400);
      const issue = ((await res.json()) as Issues).issues.find((i) => i.field === field);
      expect(issue, `${field} ${JSON.stringify(params)}`).toBeDefined();
      if (message) expect(issue!.message).toMatch(message);
    }
    // Without the accuracy reward, a project without reference answers is fine.
    const formatOnly = await researcher.json("/api/jobs", "POST", { kind: "grpo", params: grpo({ projectId: plain, rewards: [{ name: "format" }] }) });
    expect(formatOnly.status).toBe(201);
    expect(listJobs(app.db).length).toBe(before + 1);
  });

  it("answers 400 naming the field for bad DPO parameters, and enqueues nothing", async () => {
    const before = listJobs(app.db).length;
    const cases: [Record<string, unknown>, string, RegExp?][] = [
      [dpo({ config: { maxLength: 32, maxPromptLength: 32 } }), "params.config.maxPromptLength", /less than maxLength/],
      [dpo({ config: { lossType: "hinge" } }), "params.config.lossType"],
      [dpo({ config: { beta: 0 } }), "params.config.beta"],
      [dpo({ rankings: "bogus" }), "params.rankings"],
      [dpo({ snapshot: "v9" }), "params.snapshot", /no snapshot named "v9"/],
      [dpo({ policyModelId: reward }), "params.policyModelId", /reward model/],
      [dpo({ referenceModelId: 99999 }), "params.referenceModelId", /no such model/],
      [dpo({ projectId: 99999 }), "params.projectId"],
      [dpo({ name: "taken" }), "params.name"],
      [dpo({ trlFile: "/tmp/pairs.jsonl" }), "params.trlFile"],
      [dpo({ policyModelId: undefined }), "params.policyModelId"],
      [dpo({ threads: 65 }), "params.threads"],
    ];
    for (const [params, field, message] of cases) {
      const res = await researcher.json("/api/jobs", "POST", { kind: "dpo", params });
      expect(res.status, `${field} ${JSON.stringify(params)}`).toBe(400);
      const issue = ((await res.json()) as Issues).issues.find((i) => i.field === field);
      expect(issue, `${field} ${JSON.stringify(params)}`).toBeDefined();
      if (message) expect(issue!.message).toMatch(message);
    }
    expect(listJobs(app.db).length).toBe(before);
  });
});
