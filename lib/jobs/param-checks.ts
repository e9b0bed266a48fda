// Each job kind's checks of its parameters against the database — the rows they name must exist
// and be of the right kind — in one place, used by the app's job submission (lib/jobs/views.ts)
// and by the CLIs before they enqueue. The zod schemas check the shape; these check the rows.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { models, projects, prompts, type ModelKind, type ModelSource } from "../../db/schema";
import type { GenerateJobParams } from "../generation/job-params";
import type { FieldIssue } from "../http";
import type { PpoRequestParams } from "../ppo/job-params";
import type { ScoreJobParams, TrainRmRequestParams } from "../reward/job-params";
import { countProjectDemonstrations } from "../sft/training-set";

interface ModelFacts {
  id: number;
  name: string;
  kind: ModelKind;
  source: ModelSource;
}

function modelFacts(db: Db, id: number): ModelFacts | undefined {
  return db.select({ id: models.id, name: models.name, kind: models.kind, source: models.source }).from(models).where(eq(models.id, id)).get();
}

export function checkProject(db: Db, projectId: number, issues: FieldIssue[]): boolean {
  const found = db.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).get() !== undefined;
  if (!found) issues.push({ field: "params.projectId", message: "no such project" });
  return found;
}

/** A registered model that must exist; `want` says what it must be. */
export function checkModel(
  db: Db,
  id: number,
  field: string,
  issues: FieldIssue[],
  want: { kind?: "reward" | "not-reward"; weights?: boolean },
): ModelFacts | undefined {
  const model = modelFacts(db, id);
  if (!model) {
    issues.push({ field: `params.${field}`, message: "no such model" });
    return undefined;
  }
  if (want.kind === "reward" && model.kind !== "reward")
    issues.push({ field: `params.${field}`, message: `${model.name} is not a reward model; pick one trained with train-rm` });
  else if (want.kind === "not-reward" && model.kind === "reward")
    issues.push({ field: `params.${field}`, message: `${model.name} is a reward model, which does not generate text; pick a policy model` });
  else if (want.weights && model.source !== "palate")
    issues.push({ field: `params.${field}`, message: `${model.name} is an endpoint; this needs a Palate model directory with weights` });
  return model;
}

export function checkNameFree(db: Db, name: string | undefined, issues: FieldIssue[]): void {
  if (name === undefined) return;
  if (db.select({ id: models.id }).from(models).where(eq(models.name, name)).get())
    issues.push({ field: "params.name", message: `a model named "${name}" is already registered` });
}

export function checkGenerateParams(db: Db, params: GenerateJobParams): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const projectFound = checkProject(db, params.projectId, issues);
  checkModel(db, params.modelId, "modelId", issues, { kind: "not-reward" });
  if (params.compareModelId !== undefined) checkModel(db, params.compareModelId, "compareModelId", issues, { kind: "not-reward" });
  if (projectFound && params.promptIds && params.promptIds.length > 0) {
    const wanted = [...new Set(params.promptIds)];
    const found = new Set<number>();
    for (let i = 0; i < wanted.length; i += 500) {
      for (const p of db
        .select({ id: prompts.id })
        .from(prompts)
        .where(and(eq(prompts.projectId, params.projectId), inArray(prompts.id, wanted.slice(i, i + 500))))
        .all())
        found.add(p.id);
    }
    const missing = wanted.filter((id) => !found.has(id));
    if (missing.length > 0) {
      issues.push({ field: "params.promptIds", message: `not prompts of this project: ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", …" : ""}` });
    }
  }
  return issues;
}

export function checkTrainRmParams(db: Db, params: Pick<TrainRmRequestParams, "projectId" | "baseModelId" | "name">): FieldIssue[] {
  const issues: FieldIssue[] = [];
  checkProject(db, params.projectId, issues);
  checkModel(db, params.baseModelId, "baseModelId", issues, { weights: true });
  checkNameFree(db, params.name, issues);
  return issues;
}

export function checkScoreParams(db: Db, params: ScoreJobParams): FieldIssue[] {
  const issues: FieldIssue[] = [];
  checkProject(db, params.projectId, issues);
  checkModel(db, params.modelId, "modelId", issues, { kind: "reward" });
  return issues;
}

/** PPO: a policy with weights to train (not a reward model), a reward model with weights, an optional reference policy. */
export function checkPpoParams(
  db: Db,
  params: Pick<PpoRequestParams, "projectId" | "name"> &
    Partial<Pick<PpoRequestParams, "policyModelId" | "rewardModelId" | "referenceModelId" | "config" | "ptxDemonstrations">>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (checkProject(db, params.projectId, issues) && params.config && params.config.ptxCoef > 0) {
    // PPO-ptx learns from the project's demonstrations (the web request names no file).
    const selection = params.ptxDemonstrations ?? "submitted";
    if (countProjectDemonstrations(db, params.projectId, selection) === 0)
      issues.push({
        field: "params.config.ptxCoef",
        message: `PPO-ptx learns from the project's demonstrations, and it has no ${selection === "accepted" ? "accepted " : ""}demonstrations: collect some, or set 0`,
      });
  }
  if (params.policyModelId !== undefined) checkModel(db, params.policyModelId, "policyModelId", issues, { kind: "not-reward", weights: true });
  if (params.rewardModelId !== undefined) checkModel(db, params.rewardModelId, "rewardModelId", issues, { kind: "reward", weights: true });
  if (params.referenceModelId !== undefined) checkModel(db, params.referenceModelId, "referenceModelId", issues, { kind: "not-reward", weights: true });
  checkNameFree(db, params.name, issues);
  return issues;
}
