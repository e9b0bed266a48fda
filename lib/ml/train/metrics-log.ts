// metrics.jsonl: one JSON line per logged point, `{"step": 12, "loss": 2.31, "grad_norm": 0.8, …}`,
// training and evaluation points in the order they happened (evaluation values carry TRL's
// `eval_` prefix). The counter is whatever the trainer checkpoints: optimizer steps for LM, SFT
// and reward models, iterations for PPO (`indexKey: "iteration"` names it so, or keep "step"
// as TRL's PPOTrainer does for its global step).
//
// Exactly once per point, across interruptions: a resumed run reopens the log with the step of
// its checkpoint, which keeps the lines up to that step and drops those an interrupted run wrote
// after it (they are about to be recomputed). The trainer also writes `content()` into each
// checkpoint, inside the same all-or-nothing directory write as the weights, so the log on disk
// never runs behind the checkpoint it belongs to.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export const METRICS_LOG_FILE = "metrics.jsonl";

/** Named scalar values of one logged point. */
export type MetricValues = Readonly<Record<string, number>>;

export interface MetricsLogOptions {
  /** The name of each line's counter (default "step"). */
  indexKey?: string;
  /** Called after each point is written (e.g. to forward it to a job's metric table). */
  onRecord?: (index: number, values: MetricValues) => void;
}

export class MetricsLog {
  private constructor(
    readonly path: string,
    private readonly lines: string[],
    private readonly indexKey: string,
    private readonly onRecord: MetricsLogOptions["onRecord"],
  ) {}

  /**
   * Opens the log at `path` for a run and rewrites the file: empty for a fresh run
   * (`resumeFrom` null), else the existing lines whose counter is ≤ `resumeFrom` (the
   * checkpoint's). A torn last line (a process killed mid-write) is dropped with the rest.
   */
  static open(path: string, resumeFrom: number | null, options: MetricsLogOptions = {}): MetricsLog {
    const indexKey = options.indexKey ?? "step";
    const kept: string[] = [];
    if (resumeFrom !== null && existsSync(path)) {
      for (const line of readFileSync(path, "utf8").split("\n")) {
        if (line.trim() === "") continue;
        const index = indexOf(line, indexKey);
        if (index !== null && index <= resumeFrom) kept.push(line);
      }
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, kept.map((l) => l + "\n").join(""));
    return new MetricsLog(path, kept, indexKey, options.onRecord);
  }

  /** Appends one point: `{indexKey: index, ...values}` (values in the order given). */
  record(index: number, values: MetricValues): void {
    const line = JSON.stringify({ [this.indexKey]: index, ...values });
    this.lines.push(line);
    appendFileSync(this.path, line + "\n");
    this.onRecord?.(index, values);
  }

  /** The whole log as file content, to write into a checkpoint. */
  content(): string {
    return this.lines.map((l) => l + "\n").join("");
  }

  /** Points logged so far (kept from before a resume included). */
  get length(): number {
    return this.lines.length;
  }

  /** The last logged point that has `key` (a step's metric, an evaluation's), parsed; null when none. */
  lastWith(key: string): Record<string, number> | null {
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const point = JSON.parse(this.lines[i]) as Record<string, number>;
      if (key in point) return point;
    }
    return null;
  }

  /** The logged points, parsed (counter included under its key). */
  entries(): Record<string, number>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, number>);
  }
}

function indexOf(line: string, key: string): number | null {
  try {
    const value = (JSON.parse(line) as Record<string, unknown>)[key];
    return typeof value === "number" ? value : null;
  } catch {
    return null;
  }
}
