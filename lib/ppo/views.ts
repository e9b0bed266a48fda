// What the research pages show of PPO: the models a project's PPO form offers (its reward
// models; the policies with weights to start from, with the defaults), the project's PPO
// policies, the models a PPO job names, a registered policy's metadata read defensively
// (lineage, final metrics, last evaluation, configuration — as the ppo job writes them), and
// what the "Start next round" control needs to know of a policy.
import { and, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { models } from "../../db/schema";
import { DEFAULT_MODEL_NAME, getModelRow, toView, type ModelView } from "../models/registry";
import { parsePpoEvaluation, type PpoEvaluation } from "./evaluation";

/** A model as the lineage names it: a registry model, or (CLI runs) a bare directory. */
export type LineageModelRef = { id: number; name: string } | { dir: string };

export interface PpoPolicyInfo {
  /** The round of the project's loop (1 = from the SFT model). */
  round: number | null;
  sftModel: LineageModelRef | null;
  startPolicy: LineageModelRef | null;
  reference: LineageModelRef | null;
  rewardModel: LineageModelRef | null;
  project: { id: number; name: string } | null;
  trainPrompts: number | null;
  evalPrompts: number | null;
  /** How the held-out prompts were chosen ("reward-model split", "seeded"). */
  promptSplit: string | null;
  /** sha256 of the training prompts. */
  promptsHash: string | null;
  valueModel: string | null;
  /** PPO-ptx's weight and demonstrations (null: the run had no ptx term). */
  ptx: { coef: number; description: string; hash: string | null } | null;
  /** The final metrics (TRL names), each a finite number or null. */
  metrics: Record<string, number | null>;
  /** The last evaluation on held-out prompts. */
  evaluation: PpoEvaluation | null;
  config: Record<string, unknown> | null;
}

const modelRefSchema = z.union([z.object({ id: z.number().int().positive(), name: z.string() }), z.object({ dir: z.string().min(1) })]);
const projectRefSchema = z.object({ id: z.number().int().positive(), name: z.string() });
const countSchema = z.number().int().min(0);
const objectSchema = z.record(z.string(), z.unknown());

/** The value if it matches the schema, else null: one bad field never hides the others. */
function read<T>(schema: z.ZodType<T>, value: unknown): T | null {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function lineageOf(model: Pick<ModelView, "metadata">): Record<string, unknown> {
  return read(objectSchema, read(objectSchema, model.metadata)?.lineage) ?? {};
}

const ptxSourceSchema = z.union([
  z.object({ kind: z.literal("demonstrations"), selection: z.string(), demonstrations: countSchema, hash: z.string() }),
  z.object({ kind: z.literal("file"), file: z.string(), rows: countSchema, hash: z.string() }),
]);

/** The lineage's `ptx` in words: "12 submitted demonstrations of the project", "7,234 demonstrations of FILE". */
function ptxOf(value: unknown): PpoPolicyInfo["ptx"] {
  const ptx = read(z.object({ coef: z.number(), source: z.unknown() }), value);
  if (!ptx) return null;
  const source = read(ptxSourceSchema, ptx.source);
  if (!source) return { coef: ptx.coef, description: "demonstrations (source not recorded)", hash: null };
  const description =
    source.kind === "file"
      ? `${source.rows.toLocaleString("en-US")} demonstrations of ${source.file}`
      : `${source.demonstrations.toLocaleString("en-US")} ${source.selection} demonstrations of the project`;
  return { coef: ptx.coef, description, hash: source.hash };
}

/** The round a policy's lineage names, or null for a policy no PPO run produced (e.g. the SFT model). */
export function policyRound(model: Pick<ModelView, "metadata">): number | null {
  return read(z.number().int().min(1), lineageOf(model).round);
}

/** A registered policy's PPO metadata; every field that is missing or of another shape is null. */
export function ppoPolicyInfo(model: Pick<ModelView, "metadata">): PpoPolicyInfo {
  const meta = read(objectSchema, model.metadata) ?? {};
  const lineage = lineageOf(model);
  const metrics: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(read(objectSchema, meta.metrics) ?? {})) metrics[k] = typeof v === "number" && Number.isFinite(v) ? v : null;
  return {
    round: policyRound(model),
    sftModel: read(modelRefSchema, lineage.sftModel),
    startPolicy: read(modelRefSchema, lineage.startPolicy),
    reference: read(modelRefSchema, lineage.reference),
    rewardModel: read(modelRefSchema, lineage.rewardModel),
    project: read(projectRefSchema, lineage.project),
    trainPrompts: read(countSchema, lineage.trainPrompts),
    evalPrompts: read(countSchema, lineage.evalPrompts),
    promptSplit: read(z.string(), lineage.promptSplit),
    promptsHash: read(z.string(), lineage.promptsHash),
    valueModel: read(z.string(), lineage.valueModel),
    ptx: ptxOf(lineage.ptx),
    metrics,
    evaluation: parsePpoEvaluation(meta.evaluation),
    config: read(objectSchema, meta.config),
  };
}

/** A project's reward models with weights (what PPO can score with), newest first. */
export function projectRewardModels(db: Db, projectId: number): ModelView[] {
  return db
    .select()
    .from(models)
    .where(and(eq(models.kind, "reward"), eq(models.source, "palate"), eq(models.projectId, projectId)))
    .orderBy(desc(models.id))
    .all()
    .map(toView);
}

/** A project's PPO policies (policies of the project whose lineage has a round), newest first. */
export function projectPpoPolicies(db: Db, projectId: number): ModelView[] {
  return db
    .select()
    .from(models)
    .where(and(eq(models.kind, "policy"), eq(models.projectId, projectId)))
    .orderBy(desc(models.id))
    .all()
    .map(toView)
    .filter((m) => policyRound(m) !== null);
}

export interface PpoModelOption {
  id: number;
  name: string;
  description: string | null;
  /** A PPO policy's round; null for other models. */
  round: number | null;
  /** A PPO policy of this project. */
  ofProject: boolean;
  /** The round a run starting from it belongs to by default (one more than its own; 1 from the SFT model). */
  nextRound: number;
}

export interface PpoFormOptions {
  /** Policies with weights to start from (source palate, kind policy), newest first. */
  policies: PpoModelOption[];
  /** The project's reward models with weights, newest first. */
  rewardModels: PpoModelOption[];
  /** The newest PPO policy of the project, else default-sft, else the newest policy. */
  defaultPolicyId: number | null;
  /** The project's newest reward model. */
  defaultRewardModelId: number | null;
}

function option(m: ModelView, projectId: number): PpoModelOption {
  const round = policyRound(m);
  return { id: m.id, name: m.name, description: m.description, round, ofProject: round !== null && m.projectId === projectId, nextRound: nextRound(round) };
}

/** The models the PPO form of a project offers, with its defaults. */
export function ppoFormOptions(db: Db, projectId: number): PpoFormOptions {
  const policies = db
    .select()
    .from(models)
    .where(and(eq(models.kind, "policy"), eq(models.source, "palate")))
    .orderBy(desc(models.id))
    .all()
    .map((m) => option(toView(m), projectId));
  const rewardModels = projectRewardModels(db, projectId).map((m) => option(m, projectId));
  const start = policies.find((p) => p.ofProject) ?? policies.find((p) => p.name === DEFAULT_MODEL_NAME) ?? policies[0];
  return { policies, rewardModels, defaultPolicyId: start?.id ?? null, defaultRewardModelId: rewardModels[0]?.id ?? null };
}

/** The round a run starting from a policy of this round belongs to by default: one more (1 from the SFT model, whose round is null). */
export function nextRound(round: number | null): number {
  return (round ?? 0) + 1;
}

export interface JobModelRef {
  /** What the job does with it: "Start policy", "Reward model", "Reference". */
  role: string;
  id: number;
  /** The registry name, or `#id` when the model is gone. */
  name: string;
  /** False when the model is no longer registered. */
  exists: boolean;
}

/** The registry models a PPO job's parameters name (start policy, reward model, reference: the start policy when not given). */
export function ppoJobModels(db: Db, params: Record<string, unknown>): JobModelRef[] {
  return namedModels(db, [
    ["Start policy", params.policyModelId],
    ["Reward model", params.rewardModelId],
    ["Reference", params.referenceModelId ?? params.policyModelId],
  ]);
}

/** The models a best-of-n job names: the policy that samples and, when it scores by one, the reward model. */
export function bestOfNJobModels(db: Db, params: Record<string, unknown>): JobModelRef[] {
  return namedModels(db, [
    ["Policy", params.policyModelId],
    ["Reward model", params.rewardModelId],
  ]);
}

/**
 * The models a generation job of a later round names: the model it samples from and the one mixed
 * in head to head (lib/rounds/next-round.ts); null for a generation job without a model to compare.
 */
export function headToHeadJobModels(db: Db, params: Record<string, unknown>): JobModelRef[] | null {
  if (typeof params.compareModelId !== "number") return null;
  return namedModels(db, [
    ["Model", params.modelId],
    ["Head to head with", params.compareModelId],
  ]);
}

/** The roles' model ids with their registry names; ids that are not numbers are left out. */
function namedModels(db: Db, wanted: [string, unknown][]): JobModelRef[] {
  const ids = wanted.map(([, id]) => id).filter((id): id is number => typeof id === "number");
  const names = new Map(
    ids.length === 0
      ? []
      : db
          .select({ id: models.id, name: models.name })
          .from(models)
          .where(inArray(models.id, ids))
          .all()
          .map((m) => [m.id, m.name] as const),
  );
  return wanted.flatMap(([role, id]) => (typeof id === "number" ? [{ role, id, name: names.get(id) ?? `#${id}`, exists: names.has(id) }] : []));
}

/** What "Start next round" needs of a PPO policy: its project and round, and the registered model it started from (mixed in head to head). */
export interface NextRoundSource {
  projectId: number;
  policy: { id: number; name: string };
  round: number;
  /** The start policy when it is still registered; null when there is nothing to mix in (lib/rounds/next-round.ts refuses mixPrevious then). */
  previous: { id: number; name: string } | null;
}

/** The next round a PPO policy of a project can start, or null for any other model (the SFT model, a reward model, a policy of no project). */
export function nextRoundSource(db: Db, model: Pick<ModelView, "id" | "name" | "kind" | "projectId" | "metadata">): NextRoundSource | null {
  const round = policyRound(model);
  if (model.kind !== "policy" || round === null || model.projectId === null) return null;
  const start = read(modelRefSchema, lineageOf(model).startPolicy);
  const previous = start && "id" in start ? getModelRow(db, start.id) : undefined;
  return {
    projectId: model.projectId,
    policy: { id: model.id, name: model.name },
    round,
    previous: previous ? { id: previous.id, name: previous.name } : null,
  };
}
