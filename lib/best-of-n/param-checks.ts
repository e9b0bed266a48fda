// The best-of-n job's checks of its parameters against the database, beyond what the schema
// checks: the project exists and has prompts (with reference answers when the rules compare with
// them, as accuracy does); the policy is a registered policy with weights (not a reward model, not
// an endpoint); the reward model is one with weights; the rule spec parses; demonstrations go into
// a demonstration project. Issues name the field. The app runs them before it enqueues
// (lib/jobs/kinds/best-of-n.ts), the CLI before it runs the job.
import { count, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { prompts } from "../../db/schema";
import { countReferencePrompts } from "../datasets/reference-prompts";
import { REFERENCE_REWARDS } from "../grpo/prompts";
import type { FieldIssue } from "../http";
import { checkModel, checkProject } from "../jobs/param-checks";
import { getProject } from "../projects";
import { parseRewardSpec, RewardSpecError } from "../rewards/spec";
import type { BestOfNJobParams } from "./job-params";

/** Whether a rule spec reads each prompt's reference answer (false for a spec that does not parse). */
export function rulesNeedReferences(rules: string): boolean {
  try {
    return parseRewardSpec(rules).some((t) => REFERENCE_REWARDS.includes(t.name));
  } catch {
    return false;
  }
}

export function checkBestOfNParams(
  db: Db,
  params: Pick<BestOfNJobParams, "projectId" | "policyModelId" | "rewardModelId" | "rules" | "asDemonstrations" | "intoProjectId">,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const projectFound = checkProject(db, params.projectId, issues);
  if (params.policyModelId !== undefined) checkModel(db, params.policyModelId, "policyModelId", issues, { kind: "not-reward", weights: true });
  if (params.rewardModelId !== undefined) checkModel(db, params.rewardModelId, "rewardModelId", issues, { kind: "reward", weights: true });
  let rulesOk = true;
  if (params.rules !== undefined) {
    try {
      parseRewardSpec(params.rules);
    } catch (err) {
      if (!(err instanceof RewardSpecError)) throw err;
      issues.push({ field: "params.rules", message: err.message });
      rulesOk = false;
    }
  }
  if (!projectFound) return issues;
  const project = getProject(db, params.projectId)!;
  const promptCount = db.select({ n: count() }).from(prompts).where(eq(prompts.projectId, project.id)).get()?.n ?? 0;
  if (promptCount === 0) issues.push({ field: "params.projectId", message: `project "${project.name}" has no prompts` });
  else if (rulesOk && params.rules !== undefined && rulesNeedReferences(params.rules) && countReferencePrompts(db, project.id) === 0)
    issues.push({
      field: "params.rules",
      message: `${params.rules} compares answers with reference answers, and project "${project.name}" has no prompt with one (import prompts with the gsm8k or qa format)`,
    });
  if (params.asDemonstrations) {
    if (params.intoProjectId === undefined) {
      if (project.mode !== "demonstration")
        issues.push({
          field: "params.intoProjectId",
          message: `project "${project.name}" is a ${project.mode} project; pick a demonstration project to insert the kept answers into`,
        });
    } else {
      const target = getProject(db, params.intoProjectId);
      if (!target) issues.push({ field: "params.intoProjectId", message: "no such project" });
      else if (target.mode !== "demonstration")
        issues.push({ field: "params.intoProjectId", message: `project "${target.name}" is a ${target.mode} project, not a demonstration project` });
    }
  }
  return issues;
}
