// The threads setting of the training jobs (lib/jobs/threads.ts): the same field, with the same
// bounds, in the GRPO, PPO, DPO, reward-model and SFT job parameters and in what the web app may send.
import { describe, expect, it } from "vitest";
import { dpoJobParamsSchema, dpoRequestParamsSchema } from "../../../lib/dpo/job-params";
import { grpoJobParamsSchema, grpoRequestParamsSchema } from "../../../lib/grpo/job-params";
import { jobThreads } from "../../../lib/jobs/threads";
import { ppoJobParamsSchema, ppoRequestParamsSchema } from "../../../lib/ppo/job-params";
import { trainRmJobParamsSchema, trainRmRequestParamsSchema } from "../../../lib/reward/job-params";
import { sftJobParamsSchema, sftRequestParamsSchema } from "../../../lib/sft/job-params";

const grpo = { projectId: 1, policyModelId: 2, rewards: [{ name: "accuracy", weight: 1 }] };
const ppo = { projectId: 1, policyModelId: 2, rewardModelId: 3 };
const dpo = { projectId: 1, policyModelId: 2 };
const trainRm = { projectId: 1, baseModelId: 2 };
const sft = { projectId: 1, baseModelId: 2 };

const schemas = [
  ["grpo job", grpoJobParamsSchema, grpo],
  ["grpo request", grpoRequestParamsSchema, grpo],
  ["ppo job", ppoJobParamsSchema, ppo],
  ["ppo request", ppoRequestParamsSchema, ppo],
  ["dpo job", dpoJobParamsSchema, dpo],
  ["dpo request", dpoRequestParamsSchema, dpo],
  ["train-rm job", trainRmJobParamsSchema, trainRm],
  ["train-rm request", trainRmRequestParamsSchema, trainRm],
  ["sft job", sftJobParamsSchema, sft],
  ["sft request", sftRequestParamsSchema, sft],
] as const;

describe("the threads of a training job", () => {
  it.each(schemas)("%s: optional, a whole number from 1 to 64, named when wrong", (_, schema, base) => {
    expect(schema.parse(base).threads).toBeUndefined();
    expect(schema.parse({ ...base, threads: 2 }).threads).toBe(2);
    expect(schema.parse({ ...base, threads: 64 }).threads).toBe(64);
    for (const bad of [0, 65, 1.5, "2"]) {
      const r = schema.safeParse({ ...base, threads: bad });
      expect(r.success, String(bad)).toBe(false);
      expect(r.error!.issues[0].path).toEqual(["threads"]);
    }
  });

  it("defaults to one thread", () => {
    expect(jobThreads(undefined)).toBe(1);
    expect(jobThreads(4)).toBe(4);
  });
});
