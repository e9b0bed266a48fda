// Acceptance 3: two full rounds of the loop with simulated annotators, small budgets. Round 1:
// the demo's tasks (sampled from default-sft) are ranked over HTTP, reward model 1 trains on
// them, PPO 1 runs from default-sft. Round 2: the next round's tasks are sampled from policy 1
// mixed with default-sft, ranked, reward model 2 trains on both rounds, PPO 2 starts from
// policy 1. The rounds table then lists both rounds, with policy 1's head-to-head record.
//
// Everything is real: the app over HTTP (annotators), the generate job, and the CLIs
// (`simulate`, `train-rm`, `ppo`, `rounds`) as child processes on the same SQLite file.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import { enqueueClaimedJob, getJob } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { getModelByName } from "@/lib/models/registry";
import { getProjectByName } from "@/lib/projects";
import { roundsTable } from "@/lib/rounds/rounds";
import { nextRoundParams } from "@/lib/rounds/next-round";
import { GENERATE_JOB_KIND } from "@/lib/generation/job-params";
import { startTestApp, type TestApp } from "../../helpers/app";
import { palate, palateJson } from "../../helpers/cli";

/** A PPO run small enough for the test suite: 2 iterations of 8 episodes. */
const PPO_FLAGS = [
  "--total-episodes",
  "16",
  "--batch-size",
  "8",
  "--num-mini-batches",
  "2",
  "--num-ppo-epochs",
  "1",
  "--response-length",
  "24",
  "--eval-every",
  "0",
  "--eval-prompts",
  "4",
];

describe("two rounds of the loop (acceptance 3)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("round 2 samples from policy 1, reward model 2 trains on both rounds, PPO 2 starts from policy 1, the rounds table lists both", async () => {
    const db = app.db;
    const project = getProjectByName(db, DEMO_PROJECT)!;
    const dir = dirname(app.dbPath);
    const simulate = () =>
      palateJson(app.dbPath, ["simulate", "--project", DEMO_PROJECT, "--annotators", "2", "--oracle", "brevity", "--noise", "0.5", "--url", app.url]);

    // Round 1: the demo's tasks from default-sft.
    const sim1 = await simulate();
    expect(sim1.rankings).toBeGreaterThanOrEqual(24);
    const rm1 = await palateJson(app.dbPath, [
      "train-rm",
      "--project",
      DEMO_PROJECT,
      "--base",
      "default-sft",
      "--out",
      join(dir, "rm1"),
      "--name",
      "rm-1",
      "--epochs",
      "1",
    ]);
    expect(rm1.model).toBe("rm-1");
    const ppo1 = await palateJson(app.dbPath, [
      "ppo",
      "--project",
      DEMO_PROJECT,
      "--policy",
      "default-sft",
      "--reward",
      "rm-1",
      "--out",
      join(dir, "policy1"),
      "--name",
      "policy-1",
      ...PPO_FLAGS,
    ]);
    expect(ppo1).toMatchObject({ model: "policy-1", round: 1 });
    expect(existsSync(join(dir, "policy1", "model.onnx"))).toBe(true);
    expect(existsSync(join(dir, "policy1", "value", "model.safetensors"))).toBe(true);

    // Round 2: policy 1 against default-sft, head to head, on every prompt.
    const policy1 = getModelByName(db, "policy-1")!;
    const next = nextRoundParams(db, project.id, { policyModelId: policy1.id, sampling: { k: 4, maxTokens: 24, temperature: 1 } });
    if (!("params" in next)) throw new Error(JSON.stringify(next.issues));
    expect(next.params).toMatchObject({ round: 2, modelId: policy1.id, compareModelId: getModelByName(db, "default-sft")!.id });
    const job = enqueueClaimedJob(db, { kind: GENERATE_JOB_KIND, params: next.params as unknown as Record<string, unknown>, projectId: project.id });
    expect(await runJob(db, job.id, { dataDir: dir })).toBe("succeeded");
    expect((getJob(db, job.id)!.result as { tasksCreated: number }).tasksCreated).toBe(next.params.promptIds!.length);
    const sim2 = await simulate();
    expect(sim2.rankings).toBeGreaterThanOrEqual(next.params.promptIds!.length);

    const rm2 = await palateJson(app.dbPath, [
      "train-rm",
      "--project",
      DEMO_PROJECT,
      "--base",
      "default-sft",
      "--out",
      join(dir, "rm2"),
      "--name",
      "rm-2",
      "--epochs",
      "1",
    ]);
    const rm2Row = getModelByName(db, "rm-2")!;
    expect((rm2Row.metadata!.lineage as { round: number; rankings: number }).round).toBe(2);
    expect((rm2Row.metadata!.lineage as { rankings: number }).rankings).toBe((sim1.rankings as number) + (sim2.rankings as number));
    expect(rm2.model).toBe("rm-2");
    const ppo2 = await palateJson(app.dbPath, [
      "ppo",
      "--project",
      DEMO_PROJECT,
      "--policy",
      "policy-1",
      "--reward",
      "rm-2",
      "--out",
      join(dir, "policy2"),
      "--name",
      "policy-2",
      ...PPO_FLAGS,
    ]);
    expect(ppo2).toMatchObject({ model: "policy-2", round: 2 });
    const lineage2 = getModelByName(db, "policy-2")!.metadata!.lineage as Record<string, { name?: string }>;
    expect(lineage2.startPolicy.name).toBe("policy-1");
    expect(lineage2.reference.name).toBe("policy-1");
    expect(lineage2.rewardModel.name).toBe("rm-2");
    expect(lineage2.sftModel.name).toBe("default-sft");

    // The rounds table, from the library and from the CLI.
    const rows = roundsTable(db, project.id);
    expect(rows.map((r) => r.round)).toEqual([1, 2]);
    expect(rows[0]).toMatchObject({ rewardModel: { name: "rm-1" }, policy: { name: "policy-1" }, headToHead: null });
    expect(rows[1]).toMatchObject({ rewardModel: { name: "rm-2" }, policy: { name: "policy-2" } });
    expect(rows[1].headToHead).toMatchObject({ model: "policy-1", against: "default-sft" });
    expect(rows[1].headToHead!.wins + rows[1].headToHead!.losses).toBeGreaterThan(0);
    const printed = await palate(app.dbPath, ["rounds", "--project", DEMO_PROJECT]);
    expect(printed.status).toBe(0);
    expect(printed.stdout).toMatch(/^1\s.*rm-1.*policy-1/m);
    expect(printed.stdout).toMatch(/^2\s.*policy-1 \(\d+\).*rm-2.*policy-2.*policy-1 \d+\.\d% \[/m);
  }, 900_000);
});
