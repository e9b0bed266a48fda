import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { grpoJobParamsSchema, grpoRequestParamsSchema } from "@/lib/grpo/job-params";
import { loadGrpoPrompts, splitGrpoPrompts } from "@/lib/grpo/prompts";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";

describe("GRPO prompts", () => {
  let temp: ReturnType<typeof tempDb>;
  let projectId: number;
  beforeEach(() => {
    temp = tempDb();
    projectId = createProject(temp.db, { name: "p" }).id;
    const add = (content: string, metadata?: Record<string, unknown>) =>
      insertTask(temp.db, projectId, { messages: [{ role: "user", content }], completions: [], ...(metadata ? { promptMetadata: metadata } : {}) });
    for (let i = 0; i < 10; i++) add(`What is ${i} + 1?`, { reference: String(i + 1) });
    add("What is 0 + 1?"); // a repeat of a prompt with a reference: one prompt, the reference kept
    add("Name a colour.", { reference: "   " }); // blank: no reference
    add("Say hi.", { source: "x" });
    add("What is 7 × 6?", { reference: 42 }); // a number is read as its text
    createProject(temp.db, { name: "other" });
  });
  afterEach(() => temp.cleanup());

  it("reads each distinct prompt once with its reference answer (metadata.reference)", () => {
    const all = loadGrpoPrompts(temp.db, projectId);
    expect(all).toHaveLength(13);
    expect(all[0]).toEqual({
      promptKey: JSON.stringify([{ role: "user", content: "What is 0 + 1?" }]),
      messages: [{ role: "user", content: "What is 0 + 1?" }],
      reference: "1",
      split: null,
    });
    expect(all.find((p) => p.messages[0].content === "Name a colour.")!.reference).toBeNull();
    expect(all.find((p) => p.messages[0].content === "Say hi.")!.reference).toBeNull();
    expect(all.find((p) => p.messages[0].content === "What is 7 × 6?")!.reference).toBe("42");
  });

  it("splits by prompt, seeded; with a reward that needs references only the prompts that have one", () => {
    const all = loadGrpoPrompts(temp.db, projectId);
    const withRef = splitGrpoPrompts(all, true, 0.25, 1);
    expect(withRef.train.length + withRef.eval.length).toBe(11);
    expect(withRef.eval).toHaveLength(3); // round(0.25 · 11)
    expect(withRef.withoutReference).toBe(2);
    expect([...withRef.train, ...withRef.eval].every((p) => p.reference !== null)).toBe(true);
    const keys = new Set(withRef.train.map((p) => p.promptKey));
    expect(withRef.eval.some((p) => keys.has(p.promptKey))).toBe(false);
    expect(splitGrpoPrompts(all, true, 0.25, 1)).toEqual(withRef);
    expect(splitGrpoPrompts(all, true, 0.25, 2).trainHash).not.toBe(withRef.trainHash);
    const every = splitGrpoPrompts(all, false, 0.25, 1);
    expect(every.train.length + every.eval.length).toBe(13);
    expect(every.withoutReference).toBe(0);
  });

  it("keeps a dataset's own split: prompts marked test (validation, eval) are held out whatever the fraction", () => {
    const other = createProject(temp.db, { name: "gsm" }).id;
    const add = (content: string, metadata: Record<string, unknown>) =>
      insertTask(temp.db, other, { messages: [{ role: "user", content }], completions: [], promptMetadata: metadata });
    for (let i = 0; i < 6; i++) add(`q${i}`, { reference: String(i), split: "train" });
    add("t1", { reference: "1", split: "test" });
    add("t2", { reference: "2", split: "Validation" });
    add("t3", { reference: "3" }); // no split named: trains
    add("q0", { reference: "0", split: "test" }); // in both files: held out, never trained on
    const all = loadGrpoPrompts(temp.db, other);
    const split = splitGrpoPrompts(all, true, 0.5, 7);
    expect(split.by).toBe("metadata");
    expect(split.eval.map((p) => p.messages[0].content)).toEqual(["q0", "t1", "t2"]);
    expect(split.train.map((p) => p.messages[0].content)).toEqual(["q1", "q2", "q3", "q4", "q5", "t3"]);
    expect(splitGrpoPrompts(all, true, 0.1, 1).eval).toEqual(split.eval);
    expect(splitGrpoPrompts(loadGrpoPrompts(temp.db, projectId), true, 0.25, 1).by).toBe("fraction");
    add("bad", { reference: "9", split: "dev" });
    expect(() => loadGrpoPrompts(temp.db, other)).toThrow(/prompt \d+: metadata.split is "dev"; use "train" or "test"/);
  });

  it("job parameters: reward terms checked, one policy source, the app's schema without directories", () => {
    const base = { projectId: 1, policyModelId: 2, rewards: [{ name: "accuracy" }] };
    const parsed = grpoJobParamsSchema.parse(base);
    expect(parsed.rewards).toEqual([{ name: "accuracy", weight: 1, params: {} }]);
    expect(parsed.config.beta).toBe(0.04);
    expect(grpoJobParamsSchema.safeParse({ ...base, policyDir: "/x" }).error?.issues[0].path).toEqual(["policyModelId"]);
    expect(grpoJobParamsSchema.safeParse({ ...base, rewardModelId: 3, rewardDir: "/y" }).error?.issues[0].path).toEqual(["rewardModelId"]);
    expect(grpoJobParamsSchema.safeParse({ ...base, rewards: [] }).error?.issues[0].path).toEqual(["rewards"]);
    expect(grpoRequestParamsSchema.safeParse({ ...base, outDir: "/tmp/x" }).success).toBe(false);
    expect(grpoRequestParamsSchema.safeParse({ ...base, config: { numGenerations: 3, batchSize: 8 } }).error?.issues[0].path).toEqual(["config", "batchSize"]);
  });
});
