import { describe, expect, it } from "vitest";
import { DEFAULT_RESAMPLE_ROUNDS, generateJobParamsSchema, resampleRoundsSchema } from "@/lib/generation/job-params";

describe("generate job parameters: resampleRounds", () => {
  const base = { projectId: 1, modelId: 2, prompts: ["Hi"] };

  it("defaults to a few rounds and documents itself", () => {
    expect(DEFAULT_RESAMPLE_ROUNDS).toBe(4);
    expect(generateJobParamsSchema.parse(base).resampleRounds).toBe(4);
    expect(generateJobParamsSchema.parse({ ...base, resampleRounds: 0 }).resampleRounds).toBe(0);
    expect(resampleRoundsSchema.description).toMatch(/trimming and collapsing whitespace.*fewer than K.*no task/s);
  });

  it.each([-1, 21, 1.5, "4"])("rejects %j naming the field", (value) => {
    const parsed = generateJobParamsSchema.safeParse({ ...base, resampleRounds: value });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0].path).toEqual(["resampleRounds"]);
  });
});
