import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MetricsLog } from "@/lib/ml/train/metrics-log";
import { runTraining, type StepReport } from "@/lib/ml/train/trainer";

const root = mkdtempSync(join(tmpdir(), "palate-trainer-"));
const logged = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, number>);

/** A toy run whose whole state is a counter: what a checkpoint would save. */
function toyRun(path: string, checkpoints: number[], from: { step: number; total: number } | null) {
  const state = { total: from?.total ?? 0 };
  const log = MetricsLog.open(path, from ? from.step : null);
  return {
    state,
    log,
    runStep: async (step: number) => {
      state.total += step;
      return { loss: 1 / (step + 1), total: state.total };
    },
    checkpoint: {
      every: 3,
      save: async (step: number) => {
        checkpoints.push(step);
      },
    },
  };
}

describe("runTraining", () => {
  it("runs the units, logs, evaluates and checkpoints on schedule, evaluates at the end", async () => {
    const path = join(root, "straight.jsonl");
    const saved: number[] = [];
    const reports: StepReport[] = [];
    const run = toyRun(path, saved, null);
    const r = await runTraining({
      startStep: 0,
      totalSteps: 7,
      resumedFrom: null,
      runStep: run.runStep,
      log: run.log,
      onStep: (p) => reports.push(p),
      evaluation: { every: 2, evaluate: async (step) => ({ loss: step / 10 }) },
      checkpoint: run.checkpoint,
    });
    expect(r).toEqual({ step: 7, cancelled: false });
    expect(saved).toEqual([3, 6]); // never at the end: the final save is the caller's
    expect(reports.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(reports.every((p) => p.resumedFrom === undefined && p.totalSteps === 7)).toBe(true);
    const lines = logged(path);
    expect(lines.map((l) => `${l.step}:${"eval_loss" in l ? "eval" : "train"}`)).toEqual([
      "1:train",
      "2:train",
      "2:eval",
      "3:train",
      "4:train",
      "4:eval",
      "5:train",
      "6:train",
      "6:eval",
      "7:train",
      "7:eval",
    ]);
    expect(lines[2]).toEqual({ step: 2, eval_loss: 0.2 });
  });

  it("stops between units on a signal with a checkpoint; the resumed run logs each step once", async () => {
    const path = join(root, "resumed.jsonl");
    const saved: number[] = [];
    const controller = new AbortController();
    const first = toyRun(path, saved, null);
    const r1 = await runTraining({
      startStep: 0,
      totalSteps: 7,
      resumedFrom: null,
      runStep: first.runStep,
      log: first.log,
      checkpoint: first.checkpoint,
      evaluation: { every: 0, evaluate: async () => ({ loss: 0 }), atEnd: true },
      signal: controller.signal,
      onStep: (p) => p.step === 5 && controller.abort(),
    });
    expect(r1).toEqual({ step: 5, cancelled: true });
    expect(saved).toEqual([3, 5]);
    expect(logged(path).some((l) => "eval_loss" in l)).toBe(false); // no evaluation after a stop

    const reports: StepReport[] = [];
    const second = toyRun(path, saved, { step: 5, total: first.state.total });
    const r2 = await runTraining({
      startStep: 5,
      totalSteps: 7,
      resumedFrom: 5,
      runStep: second.runStep,
      log: second.log,
      checkpoint: second.checkpoint,
      onStep: (p) => reports.push(p),
    });
    expect(r2).toEqual({ step: 7, cancelled: false });
    expect(reports.map((p) => [p.step, p.resumedFrom])).toEqual([
      [6, 5],
      [7, undefined],
    ]);
    const lines = logged(path);
    expect(lines.map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(lines.at(-1)!.total).toBe(0 + 1 + 2 + 3 + 4 + 5 + 6);
  });

  it("stops on a callback too, before any unit when asked at once", async () => {
    const saved: number[] = [];
    const run = toyRun(join(root, "stop.jsonl"), saved, null);
    const r = await runTraining({ startStep: 0, totalSteps: 4, resumedFrom: null, runStep: run.runStep, checkpoint: run.checkpoint, shouldStop: () => true });
    expect(r).toEqual({ step: 0, cancelled: true });
    expect(saved).toEqual([0]);
  });
});
