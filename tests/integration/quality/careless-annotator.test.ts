// Issue 12, acceptance 2: an end-to-end run with simulated annotators, one of them careless.
//
// Everything goes through the real parts: the built app over HTTP (an admin creates the project,
// imports its tasks and a gold file; four simulated annotators sign in and rank through
// /api/annotate/next with lib/simulate/run.ts; a reviewer resolves the queue), then the real
// `palate train-rm` and `palate score --pairs` as child processes on the same database.
//
// The project: capital questions, K = 4 completions each, drawn from eight answer forms whose
// lengths are close ("The answer is Lima." against "The capital is Lima.": one character), so
// the brevity oracle (shorter is better) orders every pair, but annotators with Plackett–Luce
// noise often cannot tell the close ones apart: there the reviewer's noise-free ranking is the
// only clean signal. Three careful annotators rank by the oracle with noise β = NOISE; the
// careless one ranks at random (β so large that the scores vanish: any order is as likely).
//
// Timeline (why two phases): the careless annotator clicks through fast — in the first phase,
// with the gold check off (share 0), they rank 3/4 of the tasks while the careful ones rank a
// share each. Then the admin imports GOLD clear-cut gold tasks (expected ranking by the oracle)
// and turns the gold share up to 1, so everyone's next GOLD tasks are gold and everyone meets
// the minimum count at once: the careless one fails and is paused (403 {paused}) having spoiled
// as many tasks as each careful annotator ends up ranking. (With gold from the start they would
// be paused after a handful of tasks and there would be little to clean up.) The careful ones
// pass and finish the project.
//
// Then: gold accuracy (careless paused, careful not); agreement (the careless one's agreement
// with the rest lowest with its interval below the others', α higher without them, their heat
// map row the lowest, and the quality page renders that row); the review queue (mostly tasks with
// a careless ranking, and most tasks where the careless ranking contradicts the careful majority
// are in it); a reviewer resolves every queued task with the noise-free oracle's ranking (the
// expert: a reviewer takes the time to compare lengths exactly, which is what the noisy
// annotators could not do on close pairs — and it is the standard the models are measured
// against); then two reward models from default-sft, same seed and settings: one on every
// annotator's rankings, the paused one's included (--rankings every --include-paused), one on the
// reviewed labels (--rankings reviewed, paused left out). On held-out capital questions (not in
// the project), the reviewed model orders more of the oracle's pairs correctly.
//
// Why the answer forms are close in length: with forms far apart (a bare answer against padded
// ones), the random careless rankings did not hurt at all — they are noise without a direction,
// the careful majority keeps every pair's sign, and both models reached the same held-out accuracy
// (differences of −3 to +3 points over seeds, tiny and default-sft bases alike). The close forms
// are where labels matter: the careful annotators' rankings of close neighbours are nearly coin
// flips and the careless ones' add more of them, while the reviewer's rankings are exact.
//
// Figures seen while designing it (6 runs of this file, seeds 1–3, three of them with the gold
// forms before they were widened; runs of one seed differ a little, as the four annotators'
// requests interleave): held-out accuracy against the oracle on 360 pairs, every label
// 0.914–0.961, reviewed 0.978–0.992, margin +0.017 to +0.067 (mean +0.047); queue 64–69 tasks,
// 56–58 of them with a careless ranking, and every task where the careless ranking contradicts
// the careful majority (19–28 of them) in it; α ordinal 0.20–0.26, 0.41–0.48 without the careless
// annotator; their agreement with the rest −0.02 to +0.05 (careful 0.22–0.31); gold 1–3 of 10
// for the careless one, 8–10 for the careful ones with these gold forms. The test prints its
// figures; CARELESS_SEED=n in the environment reruns it with another seed. About 1.5 minutes,
// most of it the two trainings.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "@/db/schema";
import { aggregateRankings } from "@/lib/quality/aggregate";
import { kendallTauB } from "@/lib/quality/kendall-tau";
import { meanRanks } from "@/lib/quality/ranking-agreement";
import { brevity } from "@/lib/simulate/oracles";
import { mixSeed, mulberry32, oracleOrder } from "@/lib/simulate/plackett-luce";
import { runSimulation, type SimulationOptions } from "@/lib/simulate/run";
import { capitals } from "@/tests/fixtures/preference-data";
import { palateJson } from "@/tests/helpers/cli";
import { Client, DEMO_PASSWORD, startTestApp, type TestApp } from "@/tests/helpers/app";

const SEED = Number(process.env.CARELESS_SEED ?? 1);
const PROJECT = "Capitals, briefly";
const K = 4;
/** Normal tasks; each gets R = 3 rankings, so with four annotators each ranks 3/4 of them. */
const TASKS = 120;
const GOLD = 10;
const HELD_OUT = 60;
/** The careful annotators' Plackett–Luce β on brevity scores (8 per halving of the length). */
const NOISE = 6;
/** β for the careless one: scores of −50 or so over 1e6 — every order equally likely. */
const RANDOM = 1e6;
const EPOCHS = 3;

const ADMIN = { email: "admin@palate.local", password: DEMO_PASSWORD };
const CAREFUL = ["careful1@palate.local", "careful2@palate.local", "careful3@palate.local"];
const CARELESS = "careless1@palate.local";

/** The answer forms of normal tasks: close in length, so noisy annotators confuse neighbours. */
function answerForms(country: string, capital: string): string[] {
  return [
    `${capital}.`,
    `It is ${capital}.`,
    `It's ${capital}, yes.`,
    `The answer is ${capital}.`,
    `The capital is ${capital}.`,
    `The capital of ${country} is ${capital}.`,
    `The capital city of ${country} is ${capital}.`,
    `I believe the capital of ${country} is ${capital}.`,
  ];
}

const PAD = ["That is a good question, and many people have asked it before. ", "Let me think about it for a moment, because geography is interesting. "];

/**
 * Gold tasks are clear-cut: each completion about three times as long as the one before or more,
 * whatever the country's name, so that a careful annotator (β = NOISE) misses one about 2% of the
 * time and ten of them almost never fail 4 of 10; a random ranking passes one in six.
 */
function goldForms(country: string, capital: string): string[] {
  const answer = `The capital of ${country} is ${capital}.`;
  return [`${capital}.`, answer, PAD[0] + PAD[1] + answer, (PAD[0] + PAD[1]).repeat(3) + answer];
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

interface Item {
  prompt: string;
  completions: string[];
}

/** Normal, gold and held-out questions about different countries; K forms each, in a shuffled order. */
function makeItems(): { normal: Item[]; gold: Item[]; heldOut: Item[] } {
  const random = mulberry32(mixSeed(SEED, 12));
  const countries = shuffled(capitals(), random);
  const item = (c: { country: string; capital: string }, forms: string[]): Item => ({
    prompt: `What is the capital of ${c.country}?`,
    completions: shuffled(forms, random).slice(0, K),
  });
  return {
    normal: countries.slice(0, TASKS).map((c) => item(c, answerForms(c.country, c.capital))),
    gold: countries.slice(TASKS, TASKS + GOLD).map((c) => item(c, goldForms(c.country, c.capital))),
    heldOut: countries.slice(TASKS + GOLD, TASKS + GOLD + HELD_OUT).map((c) => item(c, answerForms(c.country, c.capital))),
  };
}

const user = (content: string): Message[] => [{ role: "user", content }];
const oracleScores = (prompt: string, texts: readonly string[]) => texts.map((t) => brevity.score(user(prompt), t));

let app: TestApp;
let dir: string;
let admin: Client;
let projectId: number;
let items: ReturnType<typeof makeItems>;
const figures: Record<string, unknown> = { seed: SEED };

const jsonl = (rows: readonly object[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

async function importItems(rows: readonly Item[]): Promise<void> {
  const res = await admin.fetch(`/api/projects/${projectId}/import?format=palate`, { method: "POST", body: jsonl(rows) });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(((await res.json()) as { imported: { tasks: number } }).imported.tasks).toBe(rows.length);
}

function simulate(careless: boolean, maxRankings?: number): SimulationOptions {
  return {
    url: app.url,
    project: PROJECT,
    annotators: careless ? 1 : CAREFUL.length,
    prefix: careless ? "careless" : "careful",
    oracle: brevity,
    noise: careless ? RANDOM : NOISE,
    seed: careless ? SEED + 1000 : SEED,
    maxRankings,
    password: "simulated-annotator",
    admin: ADMIN,
  };
}

beforeAll(async () => {
  items = makeItems();
  app = await startTestApp();
  dir = mkdtempSync(join(tmpdir(), "palate-careless-"));
  admin = await new Client(app.url).signIn(ADMIN.email, ADMIN.password);
  const created = await admin.json("/api/projects", "POST", {
    name: PROJECT,
    completionsPerTask: K,
    redundancy: 3,
    goldShare: 0,
    goldMinAnswers: GOLD,
    goldAccuracyThreshold: 0.7,
    reviewAgreementThreshold: 0.6,
  });
  expect(created.status).toBe(201);
  projectId = ((await created.json()) as { project: { id: number } }).project.id;
  await importItems(items.normal);
}, 120_000);

afterAll(async () => {
  console.log(`careless annotator (issue 12, acceptance 2): ${JSON.stringify(figures)}`);
  await app?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a careless annotator among careful ones", () => {
  it("phase 1 (no gold): the careless one ranks 3/4 of the tasks, the careful ones a share each", async () => {
    const [careful, careless] = await Promise.all([runSimulation(simulate(false, 90)), runSimulation(simulate(true, (TASKS * 3) / 4))]);
    expect(careful.rankings).toBe(90);
    expect(careless.rankings).toBe((TASKS * 3) / 4);
    figures.phase1 = {
      careful: careful.rankings,
      careless: careless.rankings,
      carefulOracleAgreement: careful.agreement,
      carelessOracleAgreement: careless.agreement,
    };
  }, 120_000);

  it("phase 2: with a gold file and share 1, the careless one fails gold and is paused; the careful ones pass and finish", async () => {
    await importItems(items.gold);
    // The gold file names each task by prompt and completions; the ranking is the oracle's, by position.
    const lines = items.gold.map((g) => ({
      prompt: g.prompt,
      completions: g.completions,
      ranking: oracleOrder(oracleScores(g.prompt, g.completions)),
    }));
    const marked = await admin.json(`/api/projects/${projectId}/gold`, "POST", { lines });
    expect(marked.status).toBe(200);
    expect(await marked.json()).toEqual({ marked: GOLD, unmarked: 0 });
    expect((await admin.json(`/api/projects/${projectId}`, "PATCH", { goldShare: 1 })).status).toBe(200);

    const [careful, careless] = await Promise.all([runSimulation(simulate(false)), runSimulation(simulate(true))]);
    // The careless one got the gold tasks only, then 403 {paused} stopped them.
    expect(careless.rankings).toBe(GOLD);
    expect(careful.rankings).toBe(TASKS * 3 - 90 - (TASKS * 3) / 4 + 3 * GOLD);

    const carelessClient = await new Client(app.url).signIn(CARELESS, "simulated-annotator");
    const next = await carelessClient.json("/api/annotate/next", "POST", { projectId });
    expect(next.status).toBe(403);
    const body = (await next.json()) as { paused: { answered: number; accuracy: number; threshold: number } };
    expect(body.paused).toMatchObject({ answered: GOLD, threshold: 0.7 });
    for (const email of CAREFUL) {
      const c = await new Client(app.url).signIn(email, "simulated-annotator");
      expect((await c.json("/api/annotate/next", "POST", { projectId })).status, email).toBe(204);
    }

    const report = (await (await admin.fetch(`/api/projects/${projectId}/gold`)).json()) as {
      goldTasks: number;
      annotators: { email: string; answered: number; correct: number; accuracy: number; paused: boolean }[];
    };
    expect(report.goldTasks).toBe(GOLD);
    const byEmail = new Map(report.annotators.map((a) => [a.email, a]));
    expect(byEmail.get(CARELESS)).toMatchObject({ answered: GOLD, paused: true });
    expect(byEmail.get(CARELESS)!.accuracy).toBeLessThan(0.7);
    for (const email of CAREFUL) {
      expect(byEmail.get(email), email).toMatchObject({ answered: GOLD, paused: false });
      expect(byEmail.get(email)!.accuracy).toBeGreaterThanOrEqual(0.7);
    }
    figures.gold = Object.fromEntries(report.annotators.map((a) => [a.email.split("@")[0], `${a.correct}/${a.answered}${a.paused ? " paused" : ""}`]));
  }, 120_000);

  it("agreement singles them out: lowest against the rest (interval below the others'), α higher without them, the lowest heat map row", async () => {
    const res = await admin.fetch(`/api/projects/${projectId}/agreement`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as {
      alpha: { ordinal: Estimate; interval: Estimate };
      annotators: { userId: number; email: string; agreement: Estimate; alphaOrdinalWithout: number | null }[];
      matrix: { userIds: number[]; meanTauB: (number | null)[][] };
    };
    const careless = report.annotators.find((a) => a.email === CARELESS)!;
    const careful = report.annotators.filter((a) => CAREFUL.includes(a.email));
    expect(careful).toHaveLength(3);
    for (const a of careful) {
      expect(careless.agreement.value!, a.email).toBeLessThan(a.agreement.value!);
      expect(careless.agreement.high!, a.email).toBeLessThan(a.agreement.low!);
    }
    const alpha = report.alpha.ordinal.value!;
    expect(careless.alphaOrdinalWithout!).toBeGreaterThan(alpha);
    for (const a of careful) expect(a.alphaOrdinalWithout!, a.email).toBeLessThan(careless.alphaOrdinalWithout!);

    // The heat map's matrix: the careless annotator's row has the lowest mean τ-b, by a clear
    // margin (the careful rows mean 0.17–0.31 over seeds, as careful pairs agree at about 0.25 and
    // each careful row has the careless cell in it too; the careless row −0.02 to +0.07: a gap of
    // 0.1 is far outside what a random ranker reaches by luck over ~90 shared tasks a pair).
    const { userIds, meanTauB } = report.matrix;
    const rowMean = (i: number) => {
      const cells = meanTauB[i].filter((v, j): v is number => j !== i && v !== null);
      return cells.reduce((s, v) => s + v, 0) / cells.length;
    };
    const means = new Map(userIds.map((id, i) => [id, rowMean(i)]));
    for (const a of careful) expect(means.get(careless.userId)!, a.email).toBeLessThan(means.get(a.userId)! - 0.1);

    // The quality page renders the heat map with their row.
    const page = await (await admin.fetch(`/research/projects/${projectId}/quality`)).text();
    expect(page).toContain('data-testid="agreement-heat-map"');
    const row = page.match(new RegExp(`data-testid="heat-map-row-${CARELESS.replace(/[.@]/g, "\\$&")}".*?</tr>`, "s"))?.[0];
    expect(row).toBeDefined();
    const cells = [...row!.matchAll(/data-value="([^"]*)"/g)].map((m) => m[1]).filter((v) => v !== "");
    expect(cells).toHaveLength(3);
    figures.agreement = {
      alphaOrdinal: round(alpha),
      alphaOrdinalWithoutCareless: round(careless.alphaOrdinalWithout!),
      alphaInterval: round(report.alpha.interval.value!),
      against: Object.fromEntries(report.annotators.map((a) => [a.email.split("@")[0], [a.agreement.low, a.agreement.value, a.agreement.high].map(round)])),
      heatRowMean: Object.fromEntries(report.annotators.map((a) => [a.email.split("@")[0], round(means.get(a.userId)!)])),
    };
  });

  it("the review queue holds the tasks the careless one spoiled", async () => {
    const queue = (await (await admin.fetch(`/api/projects/${projectId}/review`)).json()) as {
      tasks: { taskId: number; state: string; reasons: string[]; agreement: number | null }[];
    };
    const queued = new Set(queue.tasks.filter((t) => t.state === "open" && t.reasons.includes("low_agreement")).map((t) => t.taskId));
    expect(queued.size).toBe(queue.tasks.length);

    // Every ranking, the paused annotator's too, by task (the export, over HTTP).
    const byTask = new Map<number, { careless?: number[][]; careful: number[][][] }>();
    for (const r of await exportRankings("&includePaused=true")) {
      const entry = byTask.get(r.task_id) ?? { careful: [] };
      if (r.email === CARELESS) entry.careless = r.groups;
      else entry.careful.push(r.groups);
      byTask.set(r.task_id, entry);
    }
    // Normal tasks with a careless ranking (R = 3: with two careful ones; a gold task has all three).
    const withCareless = [...byTask].filter(([, t]) => t.careless && t.careful.length === 2);
    // "Strongly" disagrees: τ-b ≤ −1/3 against the careful annotators' Borda ranking of the task (4 of 6 pairs reversed or worse).
    const contradicted = withCareless.filter(([, t]) => tauB(t.careless!, aggregateRankings("borda", t.careful)) <= -1 / 3).map(([id]) => id);
    const queuedWithCareless = [...queued].filter((id) => byTask.get(id)?.careless).length;
    const contradictedQueued = contradicted.filter((id) => queued.has(id)).length;
    figures.queue = {
      tasks: queued.size,
      withCarelessRanking: queuedWithCareless,
      tasksWithCarelessRanking: withCareless.length,
      carelessContradicts: contradicted.length,
      carelessContradictsQueued: contradictedQueued,
    };
    expect(queued.size).toBeGreaterThanOrEqual(20);
    expect(queuedWithCareless / queued.size).toBeGreaterThanOrEqual(0.75);
    expect(contradicted.length).toBeGreaterThanOrEqual(10);
    expect(contradictedQueued / contradicted.length).toBeGreaterThanOrEqual(0.8);
  });

  it("a reviewer resolves every queued task with the oracle's ranking", async () => {
    // An admin grants the reviewer role to a new account (the users API).
    const created = await admin.json("/api/users", "POST", {
      email: "expert@palate.local",
      name: "Expert reviewer",
      role: "annotator",
      password: "expert-reviewer",
    });
    expect(created.status).toBe(201);
    const expertId = ((await created.json()) as { user: { id: number } }).user.id;
    const expert = await new Client(app.url).signIn("expert@palate.local", "expert-reviewer");
    expect((await expert.fetch(`/api/projects/${projectId}/review`)).status).toBe(403);
    expect((await admin.json(`/api/users/${expertId}`, "PATCH", { role: "reviewer" })).status).toBe(200);
    const reviewer = await new Client(app.url).signIn("expert@palate.local", "expert-reviewer");

    const queue = (await (await reviewer.fetch(`/api/projects/${projectId}/review`)).json()) as { tasks: { taskId: number; state: string }[] };
    let resolved = 0;
    for (const { taskId, state } of queue.tasks) {
      if (state !== "open") continue;
      const detail = (await (await reviewer.fetch(`/api/projects/${projectId}/review/${taskId}`)).json()) as {
        task: { messages: Message[]; completions: { id: number; text: string }[] };
      };
      const texts = detail.task.completions.map((c) => c.text);
      const groups = oracleOrder(oracleScores(detail.task.messages[0].content, texts)).map((g) => g.map((i) => detail.task.completions[i].id));
      const final = await reviewer.json(`/api/projects/${projectId}/review/${taskId}`, "POST", { action: "final", groups, comment: "by length" });
      expect(final.status, `task ${taskId}`).toBe(201);
      resolved++;
    }
    figures.reviewed = resolved;
    const after = (await (await reviewer.fetch(`/api/projects/${projectId}/review`)).json()) as { tasks: { state: string }[] };
    expect(after.tasks.every((t) => t.state === "reviewed")).toBe(true);
    expect(after.tasks).toHaveLength(queue.tasks.length);
  }, 120_000);

  it("a reward model trained on the reviewed labels beats one trained on every label on held-out accuracy against the oracle", async () => {
    // The held-out questions' pairs, the oracle's better completion as "chosen".
    const rows = items.heldOut.flatMap((h) => {
      const s = oracleScores(h.prompt, h.completions);
      return h.completions.flatMap((chosen, i) => h.completions.filter((_, j) => s[i] > s[j]).map((rejected) => ({ prompt: h.prompt, chosen, rejected })));
    });
    expect(rows).toHaveLength(HELD_OUT * 6);
    const pairs = join(dir, "held-out.jsonl");
    writeFileSync(pairs, jsonl(rows));

    const train = (name: string, selection: string[]) =>
      palateJson(app.dbPath, [
        "train-rm",
        "--project",
        PROJECT,
        "--base",
        "default-sft",
        "--out",
        join(dir, name),
        "--name",
        name,
        "--epochs",
        String(EPOCHS),
        "--seed",
        String(SEED),
        "--validation-fraction",
        "0",
        "--eval-every",
        "0",
        ...selection,
      ]);
    const every = await train("rm-every", ["--rankings", "every", "--include-paused"]);
    const reviewed = await train("rm-reviewed", ["--rankings", "reviewed"]);
    const score = async (name: string) => (await palateJson(app.dbPath, ["score", "--model", join(dir, name), "--pairs", pairs])).accuracy as number;
    const everyAccuracy = await score("rm-every");
    const reviewedAccuracy = await score("rm-reviewed");
    figures.rewardModels = {
      heldOutPairs: rows.length,
      every: { accuracy: round(everyAccuracy), trainPairs: every.train_pairs },
      reviewed: { accuracy: round(reviewedAccuracy), trainPairs: reviewed.train_pairs },
      margin: round(reviewedAccuracy - everyAccuracy),
    };
    expect(reviewedAccuracy).toBeGreaterThan(everyAccuracy);
  }, 300_000);
});

interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

/** τ-b between two rankings (groups of the same completion ids). */
function tauB(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  const ra = meanRanks(a);
  const rb = meanRanks(b);
  const ids = [...ra.keys()];
  return kendallTauB(
    ids.map((id) => ra.get(id)!),
    ids.map((id) => rb.get(id)!),
  )!;
}

/** The project's `rankings` export with each annotator's email (GET /api/users). */
async function exportRankings(query: string): Promise<{ task_id: number; annotator_id: number; email: string; groups: number[][] }[]> {
  const res = await admin.fetch(`/api/projects/${projectId}/export?format=rankings${query}`);
  expect(res.status).toBe(200);
  const { users } = (await (await admin.fetch("/api/users")).json()) as { users: { id: number; email: string }[] };
  const email = new Map(users.map((u) => [u.id, u.email]));
  return (await res.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { task_id: number; annotator_id: number; groups: number[][] })
    .map((r) => ({ ...r, email: email.get(r.annotator_id) ?? "" }));
}
