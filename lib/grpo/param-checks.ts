// The grpo job's checks of its parameters against the database and the reward registry, beyond
// what the schema checks: the project exists; the policy and the reference are policies with
// weights, the reward model a reward model with weights; the name is free; each reward function
// is registered, given once, with parameters its schema accepts; and when a reward reads the
// reference answer (accuracy), the project has prompts that carry one. Issues name the field
// (`params.rewards.1.name`). The app runs them before it enqueues (lib/jobs/kinds/grpo.ts).
import type { Db } from "../../db/client";
import type { FieldIssue } from "../http";
import { checkModel, checkNameFree, checkProject } from "../jobs/param-checks";
import { parseParams } from "../rewards/params";
import { REWARD_FUNCTION_NAMES, rewardFunction } from "../rewards/registry";
import type { GrpoJobParams } from "./job-params";
import { REFERENCE_REWARDS, loadGrpoPrompts } from "./prompts";

export function checkGrpoParams(
  db: Db,
  params: Pick<GrpoJobParams, "projectId" | "rewards" | "name" | "policyModelId" | "referenceModelId" | "rewardModelId">,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const projectFound = checkProject(db, params.projectId, issues);
  if (params.policyModelId !== undefined) checkModel(db, params.policyModelId, "policyModelId", issues, { kind: "not-reward", weights: true });
  if (params.referenceModelId !== undefined) checkModel(db, params.referenceModelId, "referenceModelId", issues, { kind: "not-reward", weights: true });
  if (params.rewardModelId !== undefined) checkModel(db, params.rewardModelId, "rewardModelId", issues, { kind: "reward", weights: true });
  checkNameFree(db, params.name, issues);
  const seen = new Set<string>();
  params.rewards.forEach((term, i) => {
    const f = rewardFunction(term.name);
    if (!f) {
      issues.push({
        field: `params.rewards.${i}.name`,
        message: `unknown reward function "${term.name}" (expected one of ${REWARD_FUNCTION_NAMES.join(", ")})`,
      });
      return;
    }
    if (seen.has(term.name)) issues.push({ field: `params.rewards.${i}.name`, message: `reward function "${term.name}" is given twice` });
    seen.add(term.name);
    const parsed = parseParams(f.params, term.params ?? {});
    if ("error" in parsed) issues.push({ field: `params.rewards.${i}.params`, message: `${term.name}: ${parsed.error}` });
  });
  const readers = params.rewards.filter((t) => REFERENCE_REWARDS.includes(t.name)).map((t) => t.name);
  if (projectFound && readers.length > 0 && !loadGrpoPrompts(db, params.projectId).some((p) => p.reference !== null))
    issues.push({
      field: "params.rewards",
      message: `${readers.join(", ")} compares answers with the prompts' reference answers, and this project has no prompt with one (import prompts with the gsm8k or qa format, or give metadata.reference)`,
    });
  return issues;
}
