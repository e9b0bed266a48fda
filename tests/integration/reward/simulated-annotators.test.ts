// Acceptance 2: on the demo project, 3 simulated annotators rank at least 300 tasks (K = 4,
// noise such that they agree with the noise-free oracle on about 75–85% of pairs); a reward
// model trained from default-sft reaches held-out pairwise accuracy, measured against the
// noise-free oracle, of at least 0.9 × the annotators' own agreement with it.
//
// Everything goes through the real parts: the app over HTTP (the annotators), the generate job
// with the embedded default-sft (the tasks), `palate simulate`, `palate train-rm` and
// `palate score --pairs` as child processes. The figures are printed.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PROJECT } from "../../../lib/demo/seed";
import { demoQuestions } from "../../../lib/demo/questions";
import { GENERATE_JOB_KIND, generateJobParamsSchema } from "../../../lib/generation/job-params";
import { enqueueClaimedJob, getJob } from "../../../lib/jobs/queue";
import { runJob } from "../../../lib/jobs/run-job";
import { ensureDefaultModel } from "../../../lib/models/registry";
import { getProjectByName } from "../../../lib/projects";
import { loadTrainingSet } from "../../../lib/reward/training-set";
import { getOracle } from "../../../lib/simulate/oracles";
import { startTestApp, type TestApp } from "../../helpers/app";
import { writeTrlFile, type PreferenceRow } from "../../fixtures/preference-data";
import { palateJson } from "../../helpers/cli";

/** The run's settings; the figures in the note were measured with these. */
const ORACLE = "brevity";
/**
 * 80% expected agreement on exactly these tasks (`npx tsx bench/simulate-noise-table.ts --preset
 * test`: BETA 8.44 for 80%; 7 → 83%, 9 → 79%): default-sft's three answer forms put most
 * lengths several times apart, so brevity needs this much noise. Re-measure after a rebuild.
 */
const NOISE = 8.4;
const NEW_TASKS = 300; // on top of the demo's 24
const SAMPLING = { k: 4, temperature: 1.3, topP: 1, topK: 0, maxTokens: 40, stop: [], seed: 0 };

describe("simulated annotators → reward model (acceptance 2)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it(`3 annotators rank ${NEW_TASKS + 24} demo tasks; the reward model's held-out accuracy against the oracle is ≥ 0.9 × theirs`, async () => {
    const db = app.db;
    const project = getProjectByName(db, DEMO_PROJECT)!;
    const model = ensureDefaultModel(db)!;
    const params = generateJobParamsSchema.parse({
      projectId: project.id,
      modelId: model.id,
      prompts: demoQuestions(NEW_TASKS, { seed: 1 }),
      sampling: SAMPLING,
    });
    const job = enqueueClaimedJob(db, { kind: GENERATE_JOB_KIND, params: params as unknown as Record<string, unknown>, projectId: project.id });
    expect(await runJob(db, job.id, { dataDir: dirname(app.dbPath) })).toBe("succeeded");
    expect(getJob(db, job.id)!.result).toMatchObject({ tasksCreated: NEW_TASKS });

    const sim = await palateJson(app.dbPath, [
      "simulate",
      "--project",
      DEMO_PROJECT,
      "--annotators",
      "3",
      "--oracle",
      ORACLE,
      "--noise",
      String(NOISE),
      "--url",
      app.url,
    ]);
    expect(sim.tasks).toBeGreaterThanOrEqual(300);
    expect(sim.rankings).toBe(3 * (NEW_TASKS + 24));
    const agreement = sim.agreement as number;
    expect(agreement).toBeGreaterThanOrEqual(0.75);
    expect(agreement).toBeLessThanOrEqual(0.85);

    const out = join(dirname(app.dbPath), "rm");
    const trained = await palateJson(app.dbPath, [
      "train-rm",
      "--project",
      DEMO_PROJECT,
      "--base",
      "default-sft",
      "--out",
      out,
      "--validation-fraction",
      "0.2",
    ]);

    // The noise-free oracle's pairs among the held-out prompts' completions, better one as "chosen".
    const heldOut = new Set((JSON.parse(readFileSync(join(out, "split.json"), "utf8")) as { eval: string[] }).eval);
    const oracle = getOracle(ORACLE)!;
    const rows: PreferenceRow[] = [];
    let annotatorsRight = 0;
    let annotatorPairs = 0;
    for (const ex of loadTrainingSet(db, project.id, { includeNoneAcceptable: true }).examples) {
      if (!heldOut.has(ex.promptKey)) continue;
      const scores = ex.completions.map((c) => oracle.score(ex.prompt, c));
      for (let i = 0; i < scores.length; i++) {
        for (let j = 0; j < scores.length; j++) {
          if (scores[i] <= scores[j]) continue;
          rows.push({ prompt: ex.prompt[ex.prompt.length - 1].content, chosen: ex.completions[i], rejected: ex.completions[j] });
          annotatorsRight += ex.preferences![i][j];
          annotatorPairs += ex.preferences![i][j] + ex.preferences![j][i];
        }
      }
    }
    const file = join(dirname(app.dbPath), "held-out-oracle-pairs.jsonl");
    writeTrlFile(file, rows);
    const scored = await palateJson(app.dbPath, ["score", "--model", out, "--pairs", file]);
    const rmAccuracy = scored.accuracy as number;
    const figures = {
      oracle: ORACLE,
      noise: NOISE,
      tasks: sim.tasks,
      rankings: sim.rankings,
      annotatorAgreement: agreement,
      heldOutOraclePairs: rows.length,
      heldOutAnnotatorAgreement: annotatorsRight / annotatorPairs,
      rewardModelAccuracy: rmAccuracy,
      ratio: rmAccuracy / agreement,
      eval_accuracy: trained.eval_accuracy,
      train_pairs: trained.train_pairs,
      eval_pairs: trained.eval_pairs,
    };
    console.log(`acceptance 2: ${JSON.stringify(figures)}`);
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(rmAccuracy).toBeGreaterThanOrEqual(0.9 * agreement);
  }, 900_000);
});
