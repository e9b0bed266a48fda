// What a trained reward model's registry metadata says (written by the train-rm job), read
// defensively: a field that is missing or of another type comes back null.
import type { ModelView } from "@/lib/models/registry";

export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  meanPredicted: number | null;
  observed: number | null;
}

export interface RewardModelInfo {
  baseModel: { id: number; name: string } | null;
  project: { id: number; name: string } | null;
  rankings: number | null;
  comparisons: number | null;
  examples: number | null;
  trainingSetHash: string | null;
  /** Every numeric metric (eval_accuracy, eval_loss, train_pairs, …). */
  metrics: Record<string, number | null>;
  calibration: { split: string; bins: CalibrationBin[] } | null;
  config: Record<string, unknown> | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const ref = (v: unknown): { id: number; name: string } | null => {
  if (!isObj(v)) return null;
  const id = num(v.id);
  const name = str(v.name);
  return id === null ? null : { id, name: name ?? `#${id}` };
};

export function rewardModelInfo(model: Pick<ModelView, "metadata">): RewardModelInfo {
  const meta: Obj = isObj(model.metadata) ? model.metadata : {};
  const lineage: Obj = isObj(meta.lineage) ? meta.lineage : {};
  const metrics: Record<string, number | null> = {};
  if (isObj(meta.metrics)) for (const [k, v] of Object.entries(meta.metrics)) metrics[k] = num(v);
  let calibration: RewardModelInfo["calibration"] = null;
  if (isObj(meta.calibration) && Array.isArray(meta.calibration.bins)) {
    calibration = {
      split: str(meta.calibration.split) ?? "eval",
      bins: meta.calibration.bins.filter(isObj).map((b) => ({
        lo: num(b.lo) ?? 0,
        hi: num(b.hi) ?? 0,
        count: num(b.count) ?? 0,
        meanPredicted: num(b.meanPredicted),
        observed: num(b.observed),
      })),
    };
  }
  return {
    baseModel: ref(lineage.baseModel),
    project: ref(lineage.project),
    rankings: num(lineage.rankings),
    comparisons: num(lineage.comparisons),
    examples: num(lineage.examples),
    trainingSetHash: str(lineage.trainingSetHash),
    metrics,
    calibration,
    config: isObj(meta.config) ? meta.config : null,
  };
}

/** A share as a percentage with one decimal, or "—". */
export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? "—" : `${(100 * x).toFixed(1)}%`;
}

/** A number with `digits` decimals, or "—". */
export function fixed(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined ? "—" : x.toFixed(digits);
}
