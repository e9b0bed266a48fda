// The recipe section of the research project page, over HTTP against the built app: the
// project's models under their steps (InstructGPT's and R1's), with their stored figures and the
// models they came from; an empty step says how to run it; another project's models stay out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { Client, startTestApp, type TestApp } from "@/tests/helpers/app";

/** The HTML of the element carrying data-testid=`id`, up to the next step or recipe (enough to check what it holds). */
function section(html: string, id: string): string {
  const start = html.indexOf(`data-testid="${id}"`);
  if (start < 0) throw new Error(`no element with data-testid="${id}"`);
  const next = html.slice(start + 1).search(/data-testid="recipe-(step|r1|instructgpt|dpo)[-"]/);
  return next < 0 ? html.slice(start) : html.slice(start, start + 1 + next);
}

describe("the recipe section of a research project's page", () => {
  let app: TestApp;
  let researcher: Client;
  let projectId: number;

  beforeAll(async () => {
    app = await startTestApp((db) => {
      projectId = createProject(db, { name: "recipe-page" }).id;
      const other = createProject(db, { name: "elsewhere" }).id;
      const at = (name: string) => `/nowhere/${name}`;
      const cold = registerModel(db, {
        name: "cold-sft",
        kind: "policy",
        source: "palate",
        path: at("cold"),
        projectId,
        metadata: {
          lineage: { method: "sft", source: { kind: "file", file: "/nowhere/cold.jsonl", rows: 500 }, mixFiles: [] },
          metrics: { eval_loss: 0.3141 },
        },
      });
      registerModel(db, {
        name: "grpo-arith",
        kind: "policy",
        source: "palate",
        path: at("grpo"),
        projectId,
        metadata: {
          lineage: { method: "grpo", startPolicy: { id: cold.id, name: cold.name } },
          metrics: { eval_accuracy: 0.8, eval_accuracy_reference: 0.5, "eval_rewards/format": 0.97 },
        },
      });
      registerModel(db, {
        name: "rm-round-1",
        kind: "reward",
        source: "palate",
        path: at("rm"),
        projectId,
        metadata: { lineage: { round: 1 }, metrics: { eval_accuracy: 0.71 } },
      });
      registerModel(db, {
        name: "grpo-elsewhere",
        kind: "policy",
        source: "palate",
        path: at("x"),
        projectId: other,
        metadata: { lineage: { method: "grpo" } },
      });
    });
    researcher = await new Client(app.url).signIn("researcher@palate.local");
  }, 120_000);
  afterAll(() => app?.stop());

  it("shows each step's models with their figures and lineage, and how to run an empty step", async () => {
    const res = await researcher.fetch(`/research/projects/${projectId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="recipe"');

    const cold = section(html, "recipe-step-cold-start");
    expect(cold).toContain("cold-sft");
    expect(cold).toContain("0.3141");
    const grpo = section(html, "recipe-step-grpo");
    expect(grpo).toContain("grpo-arith");
    expect(grpo).toContain("50.0% → 80.0%");
    expect(grpo).toContain("97.0%");
    expect(grpo).toMatch(/start policy.*cold-sft/s);
    const reward = section(html, "recipe-step-reward");
    expect(reward).toContain("rm-round-1");
    expect(reward).toContain("round 1");
    expect(reward).toContain("71.0%");
    // Empty steps: the PPO page, and the best-of-n page for rejection sampling.
    expect(section(html, "recipe-step-ppo")).toContain(`href="/research/projects/${projectId}/ppo"`);
    expect(section(html, "recipe-step-rejection-sampling")).toContain(`href="/research/projects/${projectId}/best-of-n"`);
    expect(html).not.toContain("grpo-elsewhere");
  });
});
