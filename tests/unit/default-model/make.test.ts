import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TINY_MODEL_CONFIG } from "@/lib/default-model/config";
import { EVAL_FILE, MODEL_CARD_FILE, makeDefaultModel } from "@/lib/default-model/make";
import { loadModelDir } from "@/lib/ml/io";

const root = mkdtempSync(join(tmpdir(), "palate-default-model-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("make-default-model (tiny configuration)", () => {
  it("builds a base and an SFT model directory that load, with a card, reproducibly", async () => {
    const run = (tag: string) =>
      makeDefaultModel({ config: TINY_MODEL_CONFIG, baseDir: join(root, tag, "base"), sftDir: join(root, tag, "sft"), workDir: join(root, tag, "work") });
    const report = await run("a");
    for (const dir of ["base", "sft"]) {
      const loaded = await loadModelDir(join(root, "a", dir));
      expect(loaded.config.n_embd).toBe(TINY_MODEL_CONFIG.dModel);
      expect(loaded.tokenizer?.tokenToId("<|assistant|>")).toBe(3);
      expect(existsSync(join(root, "a", dir, "optimizer.safetensors"))).toBe(false);
      expect(readFileSync(join(root, "a", dir, MODEL_CARD_FILE), "utf8")).toContain("| capital |");
      expect(JSON.parse(readFileSync(join(root, "a", dir, EVAL_FILE), "utf8")).heldOutTemplates.overall.total).toBeGreaterThan(0);
    }
    const sft = await loadModelDir(join(root, "a", "sft"));
    expect(sft.generationConfig?.eos_token_id).toEqual([4, 0]);
    expect(report.pretrain.steps).toBe(TINY_MODEL_CONFIG.pretrain.steps);
    expect(Number.isFinite(report.sft.finalLoss)).toBe(true);

    const again = await run("b");
    expect(again.pretrain.finalLoss.toFixed(4)).toBe(report.pretrain.finalLoss.toFixed(4));
    expect(again.sft.finalLoss.toFixed(4)).toBe(report.sft.finalLoss.toFixed(4));
  }, 120_000);
});
