// The models a training job (SFT, PPO, GRPO, DPO) names, resolved: a registry row with its
// directory, or (CLI runs) a bare directory; how the lineage names them; and the registry name a
// job registers its model under.
import type { Db } from "../../db/client";
import { getModelByName, getModelRow, modelDir, type ModelRow } from "./registry";

/** A model a job names: a registry row, or (CLI) a bare directory. */
export interface ModelRef {
  dir: string;
  row: ModelRow | null;
  label: string;
}

/**
 * The model `params.<field>` names: the directory when given, else registry model `id`, which must
 * be a Palate model directory (`method` needs one) of the kind wanted — a reward model, or not one
 * (a "policy", a "language model").
 */
export function resolveModelRef(
  db: Db,
  id: number | undefined,
  dir: string | undefined,
  field: string,
  method: string,
  want: "policy" | "language model" | "reward",
): ModelRef {
  if (dir !== undefined) return { dir, row: null, label: dir };
  const row = id === undefined ? undefined : getModelRow(db, id);
  if (!row) throw new Error(`params.${field}: model ${id} does not exist`);
  if (row.source !== "palate") throw new Error(`params.${field}: ${row.name} is an endpoint; ${method} needs a Palate model directory`);
  if (want === "reward" && row.kind !== "reward") throw new Error(`params.${field}: ${row.name} is not a reward model`);
  if (want !== "reward" && row.kind === "reward") throw new Error(`params.${field}: ${row.name} is a reward model, not a ${want}`);
  return { dir: modelDir(row), row, label: row.name };
}

/** How a lineage names a model: its registry id and name, or its directory. */
export const refView = (ref: ModelRef): { id: number; name: string } | { dir: string } =>
  ref.row ? { id: ref.row.id, name: ref.row.name } : { dir: ref.dir };

/** A registry row's lineage, or null when it has none (or one of another shape). */
export function lineageOf(row: ModelRow | null): Record<string, unknown> | null {
  const lineage = row?.metadata?.lineage;
  return lineage && typeof lineage === "object" ? (lineage as Record<string, unknown>) : null;
}

/** The SFT model at the root of a starting policy's lineage: the one its lineage names, or the policy itself. */
export function rootSftModel(policy: ModelRef): Record<string, unknown> {
  return (lineageOf(policy.row)?.sftModel as Record<string, unknown> | undefined) ?? refView(policy);
}

/**
 * The model already registered under `name` by this job (a retried job registers it once), or
 * undefined when the name is free; throws when another job's model holds it.
 */
export function modelOfThisJob(db: Db, name: string, jobId: number): ModelRow | undefined {
  const existing = getModelByName(db, name);
  if (existing && existing.jobId !== jobId) throw new Error(`params.name: a model named "${name}" is already registered`);
  return existing;
}
