// POST /api/projects/[id]/rounds over HTTP: a researcher starts the next round from a PPO policy
// of the project and gets the generation job (every distinct prompt, K each, mixed with the model
// the policy started from, tagged with the next round); bad bodies come back as 400s naming the
// field. Who may call it at all is in tests/integration/roles.test.ts. No worker runs here, so
// the job stays queued.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projects } from "@/db/schema";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import { getJob } from "@/lib/jobs/queue";
import { registerModel } from "@/lib/models/registry";
import { distinctPromptIds } from "@/lib/rounds/next-round";
import { Client, startTestApp, type TestApp } from "../../helpers/app";

describe("POST /api/projects/[id]/rounds", () => {
  let app: TestApp;
  let researcher: Client;
  let projectId: number;
  let sftId: number;
  let policyId: number;
  let cliPolicyId: number;

  beforeAll(async () => {
    app = await startTestApp((db) => {
      projectId = db.select().from(projects).where(eq(projects.name, DEMO_PROJECT)).get()!.id;
      sftId = registerModel(db, { name: "round-sft", kind: "policy", source: "palate", path: "/nonexistent/sft" }).id;
      const lineage = { round: 1, startPolicy: { id: sftId, name: "round-sft" }, reference: { id: sftId, name: "round-sft" } };
      policyId = registerModel(db, { name: "round-ppo-1", kind: "policy", source: "palate", path: "/nonexistent/ppo-1", projectId, metadata: { lineage } }).id;
      // A CLI run named its start policy by directory: nothing to mix in.
      cliPolicyId = registerModel(db, {
        name: "round-ppo-cli",
        kind: "policy",
        source: "palate",
        path: "/nonexistent/ppo-cli",
        projectId,
        metadata: { lineage: { round: 1, startPolicy: { dir: "/tmp/sft" } } },
      }).id;
    });
    researcher = await new Client(app.url).signIn("researcher@palate.local");
  });
  afterAll(async () => {
    await app?.stop();
  });

  const post = async (body: unknown, project = projectId) => {
    const res = await researcher.json(`/api/projects/${project}/rounds`, "POST", body);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { issues?: { field: string; message: string }[] } };
  };

  it("answers 201 with the generation job: the policy against the model it started from, K each, as round 2", async () => {
    const { status, body } = await post({ policyModelId: policyId, sampling: { k: 4 } });
    expect(status).toBe(201);
    const job = body.job as { id: number; kind: string; projectId: number; createdByEmail: string; status: string };
    expect(job).toMatchObject({ kind: "generate", projectId, createdByEmail: "researcher@palate.local", status: "queued" });
    expect(getJob(app.db, job.id)!.params).toMatchObject({
      projectId,
      modelId: policyId,
      compareModelId: sftId,
      round: 2,
      promptIds: distinctPromptIds(app.db, projectId),
      sampling: { k: 4 },
    });

    // Without the head to head: the policy alone.
    const alone = await post({ policyModelId: policyId, mixPrevious: false, sampling: { k: 3 } });
    expect(alone.status).toBe(201);
    const params = getJob(app.db, (alone.body.job as { id: number }).id)!.params;
    expect(params).toMatchObject({ modelId: policyId, round: 2, sampling: { k: 3 } });
    expect(params.compareModelId).toBeUndefined();
  });

  it("answers 400 naming the field for a model that is no PPO policy of the project, nothing to mix, bad K or unknown fields; 404 for no project", async () => {
    const fields = async (body: unknown) => {
      const { status, body: answer } = await post(body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(typeof answer.error).toBe("string");
      return answer.issues!.map((i) => i.field);
    };
    expect(await fields({ policyModelId: sftId })).toEqual(["policyModelId"]);
    expect(await fields({ policyModelId: 999_999 })).toEqual(["policyModelId"]);
    expect(await fields({ policyModelId: "one" })).toEqual(["policyModelId"]);
    expect(await fields({})).toEqual(["policyModelId"]);
    expect(await fields({ policyModelId: cliPolicyId })).toEqual(["mixPrevious"]);
    expect(await fields({ policyModelId: policyId, sampling: { k: 12 } })).toEqual(["sampling.k"]);
    expect(await fields({ policyModelId: policyId, modelId: 1 })).toEqual(["modelId"]);
    // A CLI run's policy can still start a round on its own.
    expect((await post({ policyModelId: cliPolicyId, mixPrevious: false })).status).toBe(201);

    expect((await post({ policyModelId: policyId }, 999_999)).status).toBe(404);
  });
});
