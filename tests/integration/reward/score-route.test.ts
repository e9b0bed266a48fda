// POST /api/models/[id]/score over HTTP against the built app: a reward model trained here on a
// learnable preference (completions with "apple" beat the others) scores a typed-in prompt and
// completions exactly as RewardScorer does, ranked best first; researchers and admins may,
// annotators may not; bad bodies are 400s naming the field; a model that is not a reward model
// is a 404; a reward model whose directory is gone is a 409.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerModel } from "@/lib/models/registry";
import { RewardScorer } from "@/lib/ml/rl/reward-scorer";
import { trainRewardModel } from "@/lib/ml/rl/train-reward-model";
import { Client, startTestApp, type TestApp } from "@/tests/helpers/app";
import { GOOD_WORD, syntheticRankings, tinyLmDir } from "@/tests/unit/ml/rl/reward-fixtures";

interface Answer {
  model?: { id: number; name: string };
  ranked?: { index: number; completion: string; score: number; tokens: number; truncated: boolean }[];
  error?: string;
  issues?: { field: string; message: string }[];
}

describe("POST /api/models/[id]/score", () => {
  let app: TestApp;
  let rmDir: string;
  let rewardId: number;
  let policyId: number;
  let goneId: number;
  const clients = {} as Record<"anonymous" | "annotator" | "researcher" | "admin", Client>;

  beforeAll(async () => {
    const base = await tinyLmDir();
    rmDir = join(mkdtempSync(join(tmpdir(), "palate-score-route-")), "rm");
    const trained = await trainRewardModel({
      baseDir: base,
      outDir: rmDir,
      examples: syntheticRankings(48, 3, 5),
      config: { learningRate: 3e-3, epochs: 4, batchSize: 4, validationFraction: 0.25, seed: 1, maxLength: 48 },
    });
    expect(trained.metrics.eval_accuracy).toBeGreaterThan(0.8);
    app = await startTestApp((db) => {
      rewardId = registerModel(db, { name: "apple-rm", kind: "reward", source: "palate", path: rmDir }).id;
      policyId = registerModel(db, { name: "apple-base", kind: "policy", source: "palate", path: base }).id;
      goneId = registerModel(db, { name: "gone-rm", kind: "reward", source: "palate", path: join(rmDir, "..", "nowhere") }).id;
    });
    clients.anonymous = new Client(app.url);
    clients.annotator = await new Client(app.url).signIn("annotator1@palate.local");
    clients.researcher = await new Client(app.url).signIn("researcher@palate.local");
    clients.admin = await new Client(app.url).signIn("admin@palate.local");
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
  });

  const post = async (who: keyof typeof clients, id: number, body: unknown) => {
    const res = await clients[who].json(`/api/models/${id}/score`, "POST", body);
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Answer };
  };
  const prompt = "Say something about item 7.";
  const completions = ["red stone river.", `quiet ${GOOD_WORD} paper.`, "north light."];

  it("scores the completions as RewardScorer does and ranks them best first", async () => {
    const { status, body } = await post("researcher", rewardId, { prompt, completions });
    expect(status).toBe(200);
    expect(body.model).toEqual({ id: rewardId, name: "apple-rm" });
    const ranked = body.ranked!;
    expect(ranked.map((r) => r.index).sort()).toEqual([0, 1, 2]);
    expect(ranked[0]).toMatchObject({ index: 1, completion: completions[1], truncated: false });
    for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1].score).toBeGreaterThanOrEqual(ranked[i].score);

    const scorer = await RewardScorer.load(rmDir);
    try {
      const direct = await scorer.score(completions.map((completion) => ({ prompt: [{ role: "user", content: prompt }], completion })));
      for (const r of ranked) expect(r.score).toBeCloseTo(direct[r.index], 5);
      for (const r of ranked) expect(r.tokens).toBe(scorer.encode({ prompt: [{ role: "user", content: prompt }], completion: r.completion }).length);
    } finally {
      await scorer.release();
    }
  });

  it("says when a completion was cut to the model's context", async () => {
    const long = Array.from({ length: 60 }, () => "paper").join(" ");
    const { status, body } = await post("admin", rewardId, { prompt, completions: [long, "red."] });
    expect(status).toBe(200);
    const cut = body.ranked!.find((r) => r.index === 0)!;
    expect(cut.truncated).toBe(true);
    expect(cut.tokens).toBe(48);
  });

  it("lets admins and researchers score; annotators get 403, anonymous 401", async () => {
    expect((await post("admin", rewardId, { prompt, completions })).status).toBe(200);
    expect((await post("annotator", rewardId, { prompt, completions })).status).toBe(403);
    expect((await post("anonymous", rewardId, { prompt, completions })).status).toBe(401);
  });

  it("answers 400 naming the field for bad bodies", async () => {
    const fields = async (body: unknown) => {
      const r = await post("researcher", rewardId, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      return r.body.issues!.map((i) => i.field);
    };
    expect(await fields({ completions })).toEqual(["prompt"]);
    expect(await fields({ prompt: "   ", completions })).toEqual(["prompt"]);
    expect(await fields({ prompt })).toEqual(["completions"]);
    expect(await fields({ prompt, completions: ["only one"] })).toEqual(["completions"]);
    expect(await fields({ prompt, completions: ["a", "b", "c", "d", "e"] })).toEqual(["completions"]);
    expect(await fields({ prompt, completions: ["a", ""] })).toEqual(["completions.1"]);
    expect(await fields({ prompt, completions: ["a", 3] })).toEqual(["completions.1"]);
    expect(await fields({ prompt, completions, temperature: 1 })).toEqual(["temperature"]);
    const notJson = await clients.researcher.fetch(`/api/models/${rewardId}/score`, {
      method: "POST",
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBe(400);
    const r = await post("researcher", rewardId, { prompt, completions: ["only one"] });
    expect(r.body.error).toMatch(/^completions: give at least 2 completions/);
  });

  it("answers 404 for a model that is not a reward model or does not exist, 409 for one that cannot load", async () => {
    const policy = await post("researcher", policyId, { prompt, completions });
    expect(policy.status).toBe(404);
    expect(policy.body.error).toMatch(/apple-base is not a reward model/);
    expect((await post("researcher", 999999, { prompt, completions })).status).toBe(404);
    expect((await clients.researcher.json(`/api/models/abc/score`, "POST", { prompt, completions })).status).toBe(404);
    const gone = await post("researcher", goneId, { prompt, completions });
    expect(gone.status).toBe(409);
    expect(gone.body.error).toMatch(/gone-rm could not be loaded/);
  });
});
