// Acceptance 3: `palate serve` on a free port, K completions through the OpenAI-compatible
// source (and through `palate generate` with an endpoint model); a clear error when the
// server is down.
import { spawnSync, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completions, tasks } from "@/db/schema";
import { samplingSchema } from "@/lib/generation/job-params";
import { OpenAiSource } from "@/lib/generation/openai-source";
import { getJob, listJobs } from "@/lib/jobs/queue";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { freePort, tempDb } from "@/tests/helpers/app";
import { palate, root, serve, stopped } from "@/tests/helpers/palate-serve";
import { makeTinyModel } from "@/tests/unit/generation/tiny-model";

describe("palate serve + the OpenAI-compatible source", () => {
  let server: { child: ChildProcess; url: string };
  let port: number;
  let dir: string;
  beforeAll(async () => {
    dir = await makeTinyModel();
    port = await freePort();
    server = await serve(dir, port);
  });
  afterAll(async () => {
    server.child.kill("SIGTERM");
    await stopped(server.child);
  });

  it("serves K completions per prompt through /v1/chat/completions and /v1/completions", async () => {
    expect(server.url).toBe(`http://127.0.0.1:${port}/v1`);
    const sampling = samplingSchema.parse({ k: 4, maxTokens: 10, temperature: 1, seed: 1 });
    const prompts = [[{ role: "user" as const, content: "What is the capital of France?" }], [{ role: "user" as const, content: "Name a color." }]];
    for (const endpoint of ["chat", "completions"] as const) {
      const source = new OpenAiSource({ baseUrl: server.url, remoteModel: "tiny", endpoint });
      const out = await source.generate(prompts, sampling);
      expect(out).toHaveLength(2);
      for (const k of out) {
        expect(k).toHaveLength(4);
        for (const c of k) expect(["stop", "length"]).toContain(c.finishReason);
        expect(new Set(k.map((c) => c.text)).size).toBeGreaterThan(1);
      }
    }
  });

  it("`palate generate` writes tasks from an endpoint model, recorded as a job", async () => {
    const temp = tempDb();
    try {
      const project = createProject(temp.db, { name: "served" });
      registerModel(temp.db, { name: "tiny-endpoint", kind: "policy", source: "openai", baseUrl: server.url, remoteModel: "tiny" });
      const run = spawnSync(
        process.execPath,
        [palate, "generate", "--project", "served", "--model", "tiny-endpoint", "--k", "3", "--max-tokens", "6", "--prompt-ids", "", "--seed", "2"],
        { cwd: root, env: { ...process.env, PALATE_DB: temp.path }, encoding: "utf8" },
      );
      expect(run.status).toBe(1); // an empty --prompt-ids list is refused, naming the flag
      expect(run.stderr).toContain("--prompt-ids: no prompt ids given");
      const promptFile = join(temp.dir, "prompts.txt");
      writeFileSync(promptFile, "What is 2+2?\nName a color.\n");
      const ok = spawnSync(
        process.execPath,
        [palate, "generate", "--project", "served", "--model", "tiny-endpoint", "--k", "3", "--max-tokens", "6", "--prompts", promptFile],
        {
          cwd: root,
          env: { ...process.env, PALATE_DB: temp.path },
          encoding: "utf8",
        },
      );
      expect(ok.stderr).toBe("");
      expect(ok.status).toBe(0);
      expect(ok.stdout).toContain("succeeded: 2 new tasks");
      const rows = temp.db.select().from(tasks).where(eq(tasks.projectId, project.id)).all();
      expect(rows).toHaveLength(2);
      const list = temp.db.select().from(completions).where(eq(completions.taskId, rows[0].id)).all();
      expect(list).toHaveLength(3);
      expect(list[0].model).toBe("tiny-endpoint");
      const [job] = listJobs(temp.db, { projectId: project.id });
      expect(getJob(temp.db, job.id)).toMatchObject({ kind: "generate", status: "succeeded", progress: 1 });
    } finally {
      temp.cleanup();
    }
  });

  it("says it cannot reach the server once it is down", async () => {
    server.child.kill("SIGTERM");
    await stopped(server.child);
    const source = new OpenAiSource({ baseUrl: server.url, remoteModel: "tiny", policy: { retries: 1, backoffMs: 10 } });
    await expect(source.generate([[{ role: "user", content: "hi" }]], samplingSchema.parse({ k: 2 }))).rejects.toThrow(
      `cannot reach http://127.0.0.1:${port} (ECONNREFUSED) (after 2 attempts)`,
    );
  });
});
