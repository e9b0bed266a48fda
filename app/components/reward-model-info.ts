// What a trained reward model's registry metadata says (written by the train-rm job), read
// defensively: a field that is missing or of another type comes back null. The calibration
// table is read as the trainer writes it now, each pair once (lib/ml/rl/reward-calibration.ts);
// a table from before counted both orientations and is read as its upper half.
import type { ModelView } from "@/lib/models/registry";
import { legacyCalibrationBins, type CalibrationBin } from "@/lib/ml/rl/reward-calibration";
import { heldOutAccuracy, type HeldOutAccuracy } from "@/lib/reward/held-out";

export type { CalibrationBin };

export interface RewardModelInfo {
  baseModel: { id: number; name: string } | null;
  project: { id: number; name: string } | null;
  rankings: number | null;
  comparisons: number | null;
  examples: number | null;
  trainingSetHash: string | null;
  /** Every numeric metric (eval_accuracy, eval_loss, train_pairs, …). */
  metrics: Record<string, number | null>;
  /** The held-out accuracy with its Wilson interval and small-set warning; null without one. */
  heldOut: HeldOutAccuracy | null;
  /** Each pair once (`legacy`: read from a table that counted both orientations). */
  calibration: { split: string; bins: CalibrationBin[]; legacy: boolean } | null;
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
    const bins: CalibrationBin[] = meta.calibration.bins.filter(isObj).map((b) => ({
      lo: num(b.lo) ?? 0,
      hi: num(b.hi) ?? 0,
      count: num(b.count) ?? 0,
      meanPredicted: num(b.meanPredicted),
      observed: num(b.observed),
    }));
    const legacy = meta.calibration.orientation !== "favourite";
    calibration = { split: str(meta.calibration.split) ?? "eval", bins: legacy ? legacyCalibrationBins(bins) : bins, legacy };
  }
  return {
    baseModel: ref(lineage.baseModel),
    project: ref(lineage.project),
    rankings: num(lineage.rankings),
    comparisons: num(lineage.comparisons),
    examples: num(lineage.examples),
    trainingSetHash: str(lineage.trainingSetHash),
    metrics,
    heldOut: heldOutAccuracy(metrics),
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

/** "8.3% [1.5%, 35.4%]": a share with its 95% interval. */
export function percentWithInterval(x: number, interval: readonly [number, number]): string {
  return `${percent(x)} [${percent(interval[0])}, ${percent(interval[1])}]`;
}
