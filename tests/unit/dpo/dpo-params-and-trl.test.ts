// The dpo job's parameter checks, and a trl preference file read as DPO's examples.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dpoJobParamsSchema, dpoRequestParamsSchema } from "@/lib/dpo/job-params";
import { readTrlPairs } from "@/lib/dpo/trl-pairs";

const issue = (input: unknown) => {
  const r = dpoJobParamsSchema.safeParse(input);
  return r.success ? null : { path: r.error.issues[0].path.join("."), message: r.error.issues[0].message };
};

describe("dpoJobParamsSchema", () => {
  it("takes a policy and defaults the configuration (β 0.1, sigmoid)", () => {
    const p = dpoJobParamsSchema.parse({ projectId: 1, policyModelId: 2 });
    expect(p.config).toMatchObject({ beta: 0.1, lossType: "sigmoid", labelSmoothing: 0 });
    expect(p.rankings).toBe("every");
  });

  it("names the field of each bad combination", () => {
    expect(issue({ projectId: 1 })?.path).toBe("policyModelId");
    expect(issue({ projectId: 1, policyModelId: 2, policyDir: "/m" })?.path).toBe("policyModelId");
    expect(issue({ projectId: 1, policyModelId: 2, snapshot: "v1", trlFile: "/f.jsonl" })?.path).toBe("snapshot");
    expect(issue({ projectId: 1, policyModelId: 2, trlFile: "/f.jsonl", rankings: "reviewed" })?.path).toBe("rankings");
    expect(issue({ projectId: 1, policyModelId: 2, config: { beta: 0 } })?.path).toBe("config.beta");
    expect(issue({ projectId: 1, policyModelId: 2, config: { maxLength: 64, maxPromptLength: 64 } })?.path).toBe("config.maxPromptLength");
  });

  it("the app's request takes registered models only, no directories or files", () => {
    expect(dpoRequestParamsSchema.safeParse({ projectId: 1, policyModelId: 2 }).success).toBe(true);
    expect(dpoRequestParamsSchema.safeParse({ projectId: 1, policyModelId: 2, trlFile: "/etc/passwd" }).success).toBe(false);
    expect(dpoRequestParamsSchema.safeParse({ projectId: 1, policyDir: "/m" }).success).toBe(false);
  });
});

describe("readTrlPairs", () => {
  const dir = mkdtempSync(join(tmpdir(), "palate-dpo-trl-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads standard and conversational rows as chosen-over-rejected examples, leaving out equal texts", () => {
    const file = join(dir, "pairs.jsonl");
    const rows = [
      { prompt: "The sky is", chosen: " blue.", rejected: " green." },
      {
        prompt: [{ role: "user", content: "Color?" }],
        chosen: [{ role: "assistant", content: "Blue." }],
        rejected: [{ role: "assistant", content: "Green." }],
      },
      { prompt: "Same", chosen: "x  y", rejected: " x y " },
    ];
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n\n");
    const t = readTrlPairs(file);
    expect(t.rows).toBe(3);
    expect(t.equalPairsSkipped).toBe(1);
    expect(t.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(t.examples).toHaveLength(2);
    expect(t.examples[0]).toMatchObject({ prompt: [{ role: "user", content: "The sky is" }], completions: [" blue.", " green."], groups: [[0], [1]] });
    expect(t.examples[1]).toMatchObject({ promptKey: JSON.stringify([{ role: "user", content: "Color?" }]), completions: ["Blue.", "Green."] });
  });

  it("names the line of a bad row, and a missing file", () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, `{"prompt": "a", "chosen": "b", "rejected": "c"}\nnot json\n`);
    expect(() => readTrlPairs(file)).toThrow(/bad\.jsonl, line 2: not JSON/);
    expect(() => readTrlPairs(join(dir, "missing.jsonl"))).toThrow(/missing\.jsonl: no such file/);
  });
});
