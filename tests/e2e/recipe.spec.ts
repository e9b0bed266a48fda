// The recipe section of the research project page in a browser: R1's steps in order (cold start →
// GRPO → rejection sampling → SFT on the kept answers → last GRPO) with each step's model, its
// figures and the link back along the lineage, which leads to that model's page.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect, test } from "@playwright/test";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { startTestApp, type TestApp } from "../helpers/app";
import { signIn } from "./session";

let app: TestApp;
let projectId: number;
let coldId: number;

test.beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: "R1 in miniature" }).id;
    const kept = join(dirname(db.$client.name), "kept.jsonl");
    const model = (name: string, lineage: Record<string, unknown>, metrics: Record<string, number> = {}) =>
      registerModel(db, { name, kind: "policy", source: "palate", path: `/nowhere/${name}`, projectId, metadata: { lineage, metrics } });
    const cold = model("cold-sft", { method: "sft", source: { kind: "file", file: "/nowhere/cold.jsonl", rows: 500 }, mixFiles: [] }, { eval_loss: 0.31 });
    coldId = cold.id;
    const g1 = model(
      "grpo-1",
      { method: "grpo", startPolicy: { id: cold.id, name: cold.name } },
      { eval_accuracy: 0.82, eval_accuracy_reference: 0.41, "eval_rewards/format": 0.98 },
    );
    writeFileSync(
      kept,
      JSON.stringify({
        messages: [
          { role: "user", content: "What is 2 + 2?" },
          { role: "assistant", content: "<think>2 + 2 = 4.</think><answer>4</answer>" },
        ],
        metadata: { score: 1, by: "accuracy,format", n: 8, sample: 0, policy: g1.name, prompt_id: 1, reference: "4" },
      }) + "\n",
    );
    const rs = model("rs-sft", { method: "sft", source: { kind: "demonstrations" }, mixFiles: [{ file: kept, ratio: 0.5, rows: 1 }] }, { eval_accuracy: 0.7 });
    model("grpo-2", { method: "grpo", startPolicy: { id: rs.id, name: rs.name } }, { eval_accuracy: 0.85, eval_accuracy_reference: 0.7 });
  });
});
test.afterAll(async () => {
  await app?.stop();
});

test("a researcher reads R1's steps with their models and follows the lineage", async ({ page }, testInfo) => {
  await signIn(page, app.url, "researcher@palate.local");
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.goto(`${app.url}/research/projects/${projectId}`);

  const r1 = page.getByTestId("recipe-r1");
  await expect(r1.getByRole("heading", { level: 4 })).toHaveText([
    "Cold-start SFT",
    "GRPO",
    "Rejection sampling",
    "SFT on the kept answers",
    "GRPO (last round)",
  ]);
  await expect(r1.getByTestId("recipe-step-cold-start").getByTestId("recipe-model-cold-sft")).toBeVisible();
  const grpo = r1.getByTestId("recipe-step-grpo").getByTestId("recipe-model-grpo-1");
  await expect(grpo).toContainText("41.0% → 82.0%");
  await expect(grpo).toContainText("98.0%");
  await expect(r1.getByTestId("recipe-step-rejection-sampling").getByTestId("recipe-data")).toContainText("best of 8 by accuracy,format");
  await expect(r1.getByTestId("recipe-step-rs-sft").getByTestId("recipe-model-rs-sft")).toContainText("sampled policy grpo-1");
  await expect(r1.getByTestId("recipe-step-grpo-final").getByTestId("recipe-model-grpo-2")).toContainText("70.0% → 85.0%");
  // InstructGPT's steps are there, empty, each saying how to run it.
  await expect(page.getByTestId("recipe-instructgpt").getByTestId("recipe-step-ppo")).toContainText("Not run yet");
  await page.getByTestId("recipe").screenshot({ path: testInfo.outputPath("recipe.png") });

  // The lineage link leads to the model the GRPO policy started from.
  await grpo.getByRole("link", { name: "cold-sft" }).click();
  await page.waitForURL(`**/research/models/${coldId}`);
});
