import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { METRICS_LOG_FILE, MetricsLog } from "@/lib/ml/train/metrics-log";

const root = mkdtempSync(join(tmpdir(), "palate-metrics-log-"));
const lines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "");

describe("MetricsLog", () => {
  it("writes one JSON line per point, the counter first, and forwards each point", () => {
    const path = join(root, "a", METRICS_LOG_FILE);
    const seen: [number, Record<string, number>][] = [];
    const log = MetricsLog.open(path, null, { onRecord: (i, v) => seen.push([i, { ...v }]) });
    log.record(1, { loss: 2.5, grad_norm: 1, lr: 0.001 });
    log.record(1, { eval_loss: 2.4 });
    expect(lines(path)).toEqual(['{"step":1,"loss":2.5,"grad_norm":1,"lr":0.001}', '{"step":1,"eval_loss":2.4}']);
    expect(log.content()).toBe(readFileSync(path, "utf8"));
    expect(seen).toEqual([
      [1, { loss: 2.5, grad_norm: 1, lr: 0.001 }],
      [1, { eval_loss: 2.4 }],
    ]);
  });

  it("on resume keeps the points up to the checkpoint's step, so each step is logged once", () => {
    const path = join(root, "b", METRICS_LOG_FILE);
    const first = MetricsLog.open(path, null);
    for (let s = 1; s <= 5; s++) first.record(s, { loss: s });
    // The run checkpointed at 3, logged 4 and 5, then died mid-line.
    appendFileSync(path, '{"step":6,"lo');
    const resumed = MetricsLog.open(path, 3);
    expect(resumed.length).toBe(3);
    resumed.record(4, { loss: 40 });
    expect(lines(path)).toEqual(['{"step":1,"loss":1}', '{"step":2,"loss":2}', '{"step":3,"loss":3}', '{"step":4,"loss":40}']);
  });

  it("a fresh run empties an old log; the counter can be named per iteration", () => {
    const path = join(root, "c", METRICS_LOG_FILE);
    MetricsLog.open(path, null).record(1, { loss: 1 });
    const log = MetricsLog.open(path, null, { indexKey: "iteration" });
    log.record(1, { "objective/kl": 0.5 });
    expect(lines(path)).toEqual(['{"iteration":1,"objective/kl":0.5}']);
    expect(MetricsLog.open(path, 0, { indexKey: "iteration" }).length).toBe(0);
    expect(log.entries()).toEqual([{ iteration: 1, "objective/kl": 0.5 }]);
  });

  it("lastWith finds the last point that has a key: a step's metric or an evaluation's", () => {
    const log = MetricsLog.open(join(root, "d", METRICS_LOG_FILE), null);
    log.record(1, { loss: 3 });
    log.record(1, { eval_loss: 2.5 });
    log.record(2, { loss: 2 });
    expect(log.lastWith("loss")).toEqual({ step: 2, loss: 2 });
    expect(log.lastWith("eval_loss")).toEqual({ step: 1, eval_loss: 2.5 });
    expect(log.lastWith("reward")).toBeNull();
  });
});
