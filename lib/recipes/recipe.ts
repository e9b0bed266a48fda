// A project's models laid out as the recipes they follow (issue 13's recipe view), from the
// registry rows and their lineage alone (pure; recipe-store.ts reads the rows and files).
//
//   InstructGPT   SFT → reward model → PPO            (rounds: each RM and PPO policy names its round)
//   DeepSeek-R1   cold-start SFT → GRPO → rejection sampling → SFT on the kept answers → GRPO
//   DPO           SFT → DPO                           (shown when the project has a DPO policy)
//
// How a model's method is known (what each run writes, see lib/*/run-*.ts): `lineage.method`
// ("sft", "grpo", "dpo"); a reward model is of kind "reward"; a PPO policy's lineage names its
// `round` (and no method); the embedded default-sft has no lineage and counts as an SFT model.
//
// Where each model goes:
// - Reward model, PPO, DPO, GRPO: the project's models of that method, oldest first (PPO and RM
//   by round first).
// - R1's two GRPO steps: a GRPO policy is in the final RL step when it descends (through the
//   base/start-policy links, any number of steps) from an SFT on rejection-sampled answers;
//   otherwise in the first. The cold-start step holds what the first-step GRPO policies
//   started from, GRPO policies aside (whatever that was: without a cold start, e.g. from
//   default-sft or a base model, it is R1-Zero's setting).
// - Rejection sampling writes a file, not a model: an SFT model whose training files (primary
//   --file or --mix) are best-of-n output (each line's metadata names the sampled policy; the
//   store reads the first line) is the "SFT on the kept answers" step, and the files, with the
//   policy they came from, are the rejection-sampling step.
// - InstructGPT's SFT step: the SFT models its reward models and PPO policies name (base, SFT
//   model, start policy), and the project's other SFT models that no R1 step holds; DPO's SFT
//   step: the models its DPO policies started from.
//
// Each model shows the figures its run stored (metadata.metrics): SFT held-out loss and
// exact-answer accuracy, the reward model's held-out accuracy and loss, PPO's held-out score
// against the SFT model's and KL, GRPO's held-out exact accuracy (and at its start), format
// reward and total reward, DPO's held-out reward accuracy and margin. A step's model links to the
// models it came from ("from"), so the lineage reads across the steps.
import { DEFAULT_MODEL_NAME } from "../models/registry";

export type RecipeMethod = "sft" | "reward" | "ppo" | "grpo" | "dpo";

/** What the view needs of a registry row (ModelView has all of it). */
export interface RecipeModelRow {
  id: number;
  name: string;
  kind: string;
  projectId: number | null;
  metadata: Record<string, unknown> | null;
}

/** A training file of an SFT model, as the store found it. */
export type SftFileSource =
  /** best-of-n output: `policy` is what its --policy named (a registered name or a directory). */
  | { file: string; kind: "best-of-n"; policy: string | null; by: string | null; n: number | null; rows: number | null }
  | { file: string; kind: "other" | "missing"; rows: number | null };

export type FigureFormat = "percent" | "loss" | "score";

export interface RecipeFigure {
  label: string;
  value: number;
  /** The same figure of the model it started from, when the run measured it. */
  start: number | null;
  format: FigureFormat;
}

export interface RecipeLink {
  id: number;
  name: string;
  /** What the lineage calls it: base, start policy, reward model, SFT model, sampled policy. */
  relation: string;
}

export interface RecipeStepModel {
  id: number;
  name: string;
  method: RecipeMethod | null;
  round: number | null;
  /** A model of this project (not only named by one). */
  ofProject: boolean;
  figures: RecipeFigure[];
  from: RecipeLink[];
}

export interface RecipeData {
  file: string;
  rows: number | null;
  /** The sampled policy: the registry model when its name is one, else what best-of-n was given. */
  policy: { id: number; name: string } | { label: string } | null;
  by: string | null;
  n: number | null;
  /** The SFT model trained on it. */
  usedBy: { id: number; name: string };
}

export type RecipeStepKey = "sft" | "reward" | "ppo" | "cold-start" | "grpo" | "rejection-sampling" | "rs-sft" | "grpo-final" | "dpo-sft" | "dpo";

export interface RecipeStep {
  key: RecipeStepKey;
  title: string;
  /** One line: what the step does. */
  summary: string;
  models: RecipeStepModel[];
  /** The rejection-sampling step's files. */
  data?: RecipeData[];
}

export type RecipeKey = "instructgpt" | "r1" | "dpo";

export interface Recipe {
  key: RecipeKey;
  title: string;
  steps: RecipeStep[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const lineageOf = (row: RecipeModelRow): Obj => (isObj(row.metadata) && isObj(row.metadata.lineage) ? row.metadata.lineage : {});
const metricsOf = (row: RecipeModelRow): Obj => (isObj(row.metadata) && isObj(row.metadata.metrics) ? row.metadata.metrics : {});
const refId = (v: unknown): number | null => (isObj(v) ? num(v.id) : null);

/** The method that made a model, from its kind and lineage; null when unknown (a registered directory, a reference). */
export function methodOf(row: RecipeModelRow): RecipeMethod | null {
  if (row.kind === "reward") return "reward";
  const lineage = lineageOf(row);
  const m = lineage.method;
  if (m === "sft" || m === "grpo" || m === "dpo" || m === "ppo") return m;
  if (row.kind === "policy" && num(lineage.round) !== null) return "ppo";
  if (row.name === DEFAULT_MODEL_NAME && Object.keys(lineage).length === 0) return "sft";
  return null;
}

/** The round of the InstructGPT loop a reward model or PPO policy names. */
export function roundOf(row: RecipeModelRow): number | null {
  return num(lineageOf(row).round);
}

/** The models a model came from, as its lineage names them (registry ids), the one it trained from first. */
export function lineageLinks(row: RecipeModelRow): { id: number; relation: string }[] {
  const l = lineageOf(row);
  const out: { id: number; relation: string }[] = [];
  const add = (v: unknown, relation: string) => {
    const id = refId(v);
    if (id !== null && id !== row.id && !out.some((o) => o.id === id)) out.push({ id, relation });
  };
  add(l.base, "base");
  add(l.baseModel, "base");
  add(l.basePolicy, "base");
  add(l.startPolicy, "start policy");
  add(l.rewardModel, "reward model");
  add(l.sftModel, "SFT model");
  return out;
}

/** The model it trained from (base or start policy), else the registry's parent. */
function startOf(row: RecipeModelRow): number | null {
  const l = lineageOf(row);
  return refId(l.base) ?? refId(l.baseModel) ?? refId(l.basePolicy) ?? refId(l.startPolicy) ?? null;
}

function figure(metrics: Obj, key: string, label: string, format: FigureFormat, startKey?: string): RecipeFigure | null {
  const value = num(metrics[key]);
  return value === null ? null : { label, value, start: startKey ? num(metrics[startKey]) : null, format };
}

/** The evaluation figures a model's run stored, by method. */
export function figuresOf(row: RecipeModelRow): RecipeFigure[] {
  const m = metricsOf(row);
  const list: (RecipeFigure | null)[] = (() => {
    switch (methodOf(row)) {
      case "sft":
        return [figure(m, "eval_accuracy", "exact-answer accuracy", "percent"), figure(m, "eval_loss", "held-out loss", "loss")];
      case "reward":
        return [figure(m, "eval_accuracy", "held-out accuracy", "percent"), figure(m, "eval_loss", "held-out loss", "loss")];
      case "ppo":
        return [figure(m, "eval_scores", "held-out score", "score", "eval_scores_reference"), figure(m, "eval_kl", "KL", "score")];
      case "grpo":
        return [
          figure(m, "eval_accuracy", "held-out accuracy", "percent", "eval_accuracy_reference"),
          figure(m, "eval_rewards/format", "format", "percent"),
          figure(m, "eval_reward", "held-out reward", "score", "eval_reward_reference"),
        ];
      case "dpo":
        return [figure(m, "eval_rewards/accuracies", "reward accuracy", "percent"), figure(m, "eval_rewards/margins", "margin", "score")];
      default:
        return [];
    }
  })();
  return list.filter((f): f is RecipeFigure => f !== null);
}

/** A figure as the view writes it: 83.3% / 0.4521 / 1.234, with the start's after an arrow. */
export function formatFigure(f: RecipeFigure): string {
  const one = (v: number) => (f.format === "percent" ? `${(100 * v).toFixed(1)}%` : f.format === "loss" ? v.toFixed(4) : v.toFixed(3));
  return f.start === null ? one(f.value) : `${one(f.start)} → ${one(f.value)}`;
}

const byRoundThenId = (a: RecipeModelRow, b: RecipeModelRow) => (roundOf(a) ?? 0) - (roundOf(b) ?? 0) || a.id - b.id;

const STEP_TEXT: Record<RecipeStepKey, [string, string]> = {
  sft: ["SFT", "Supervised fine-tuning on human demonstrations."],
  reward: ["Reward model", "Learns the annotators' rankings (Bradley–Terry over every pair of a prompt's completions)."],
  ppo: ["PPO", "The SFT policy optimised against the reward model, with a KL penalty to the SFT model; the new samples go back to the annotators."],
  "cold-start": ["Cold-start SFT", "A small set of written-out <think>…</think><answer>…</answer> demonstrations (palate cold-start-data)."],
  grpo: ["GRPO", "Reinforcement learning on prompts with reference answers, rewarded by rules (accuracy, format)."],
  "rejection-sampling": [
    "Rejection sampling",
    "Best of N answers per prompt from the GRPO policy, kept when the rules or a reward model score them high (palate best-of-n).",
  ],
  "rs-sft": ["SFT on the kept answers", "Fine-tuning again on the kept answers, mixed with other demonstrations (palate sft --mix)."],
  "grpo-final": ["GRPO (last round)", "A last round of reinforcement learning from the new SFT model."],
  "dpo-sft": ["SFT", "The policy DPO starts from (and its reference)."],
  dpo: ["DPO", "Learns the rankings directly: the policy's log-probability margin against the frozen reference, no reward model."],
};

/**
 * The recipes of a project: InstructGPT's and R1's always (steps with no model are empty), DPO's
 * when the project has a DPO policy. `rows` is the whole registry (so that models the project's
 * models came from, such as default-sft, can be shown); `files` the training files of SFT models
 * by model id (recipe-store.ts).
 */
export function projectRecipes(projectId: number, rows: readonly RecipeModelRow[], files: ReadonlyMap<number, readonly SftFileSource[]> = new Map()): Recipe[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const byName = new Map(rows.map((r) => [r.name, r]));
  const own = rows.filter((r) => r.projectId === projectId).sort((a, b) => a.id - b.id);
  const ofMethod = (m: RecipeMethod) => own.filter((r) => methodOf(r) === m);
  const rowOf = (id: number | null): RecipeModelRow | null => {
    const r = id === null ? undefined : byId.get(id);
    return r !== undefined ? r : null;
  };

  // The policy a best-of-n file sampled from: a registered model by that name, else the label.
  const dataOf = (sft: RecipeModelRow): RecipeData[] =>
    (files.get(sft.id) ?? []).flatMap((f) => {
      if (f.kind !== "best-of-n") return [];
      const model = f.policy === null ? undefined : byName.get(f.policy);
      return [
        {
          file: f.file,
          rows: f.rows,
          policy: model ? { id: model.id, name: model.name } : f.policy !== null ? { label: f.policy } : null,
          by: f.by,
          n: f.n,
          usedBy: { id: sft.id, name: sft.name },
        },
      ];
    });

  // R1: SFT on rejection-sampled answers, then the GRPO policies that descend from one.
  const rsSft = ofMethod("sft").filter((r) => dataOf(r).length > 0);
  const rsIds = new Set(rsSft.map((r) => r.id));
  const descendsFromRs = (row: RecipeModelRow): boolean => {
    const seen = new Set<number>();
    for (let id = startOf(row); id !== null && !seen.has(id);) {
      if (rsIds.has(id)) return true;
      seen.add(id);
      const next = byId.get(id);
      id = next ? startOf(next) : null;
    }
    return false;
  };
  const grpo = ofMethod("grpo");
  const grpoFinal = grpo.filter(descendsFromRs);
  const grpoFirst = grpo.filter((r) => !descendsFromRs(r));
  // A GRPO policy that continues another GRPO policy is in the same step as it, not its cold start.
  const coldStart = unique(grpoFirst.map((r) => rowOf(startOf(r)))).filter((r) => methodOf(r) !== "grpo");
  const r1Ids = new Set([...rsSft, ...coldStart].map((r) => r.id));

  // InstructGPT: the SFT models its RMs and PPO policies name, and the project's other SFT models.
  const rewardModels = ofMethod("reward").sort(byRoundThenId);
  const ppo = ofMethod("ppo").sort(byRoundThenId);
  const named = unique(
    [...rewardModels, ...ppo].flatMap((r) => {
      const l = lineageOf(r);
      return [refId(l.baseModel), refId(l.sftModel), refId(l.startPolicy)].map((id) => rowOf(id)).filter((m) => m !== null && methodOf(m) === "sft");
    }),
  );
  const instructSft = unique([...named, ...ofMethod("sft").filter((r) => !r1Ids.has(r.id))]);

  const dpo = ofMethod("dpo");
  const dpoSft = unique(dpo.map((r) => rowOf(startOf(r))));

  const view = (row: RecipeModelRow): RecipeStepModel => ({
    id: row.id,
    name: row.name,
    method: methodOf(row),
    round: roundOf(row),
    ofProject: row.projectId === projectId,
    figures: figuresOf(row),
    from: [
      ...lineageLinks(row).flatMap((l) => {
        const m = byId.get(l.id);
        return m ? [{ id: m.id, name: m.name, relation: l.relation }] : [];
      }),
      // An SFT on kept answers came from the sampled policy through its file.
      ...dataOf(row).flatMap((d) => (d.policy && "id" in d.policy ? [{ id: d.policy.id, name: d.policy.name, relation: "sampled policy" }] : [])),
    ].filter((l, i, all) => all.findIndex((o) => o.id === l.id) === i),
  });
  const step = (key: RecipeStepKey, models: readonly RecipeModelRow[], data?: RecipeData[]): RecipeStep => ({
    key,
    title: STEP_TEXT[key][0],
    summary: STEP_TEXT[key][1],
    models: models.map(view),
    ...(data ? { data } : {}),
  });

  const recipes: Recipe[] = [
    { key: "instructgpt", title: "InstructGPT", steps: [step("sft", instructSft), step("reward", rewardModels), step("ppo", ppo)] },
    {
      key: "r1",
      title: "DeepSeek-R1",
      steps: [
        step("cold-start", coldStart),
        step("grpo", grpoFirst),
        step("rejection-sampling", [], rsSft.flatMap(dataOf)),
        step("rs-sft", rsSft),
        step("grpo-final", grpoFinal),
      ],
    },
  ];
  if (dpo.length > 0) recipes.push({ key: "dpo", title: "DPO", steps: [step("dpo-sft", dpoSft), step("dpo", dpo)] });
  return recipes;
}

/** The rows once each (null left out), in the order first met. */
function unique(rows: readonly (RecipeModelRow | null)[]): RecipeModelRow[] {
  const seen = new Set<number>();
  const out: RecipeModelRow[] = [];
  for (const r of rows) {
    if (r === null || seen.has(r.id)) continue;
    seen.add(r.id);
    out.push(r);
  }
  return out;
}
