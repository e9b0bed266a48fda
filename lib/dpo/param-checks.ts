// The dpo job's checks of its parameters against the database, beyond what the schema checks:
// the project exists; the policy and the reference are policies with weights; the name is free;
// a named snapshot is one of the project's. Issues name the field. The app runs them before it
// enqueues (lib/jobs/kinds/dpo.ts).
import type { Db } from "../../db/client";
import { dataDir, findSnapshot } from "../datasets/snapshot-store";
import type { FieldIssue } from "../http";
import { checkModel, checkNameFree, checkProject } from "../jobs/param-checks";
import type { DpoJobParams } from "./job-params";

export function checkDpoParams(
  db: Db,
  params: Pick<DpoJobParams, "projectId" | "name" | "policyModelId" | "referenceModelId" | "snapshot">,
  data: string = dataDir(),
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const projectFound = checkProject(db, params.projectId, issues);
  if (params.policyModelId !== undefined) checkModel(db, params.policyModelId, "policyModelId", issues, { kind: "not-reward", weights: true });
  if (params.referenceModelId !== undefined) checkModel(db, params.referenceModelId, "referenceModelId", issues, { kind: "not-reward", weights: true });
  checkNameFree(db, params.name, issues);
  if (projectFound && params.snapshot !== undefined && !findSnapshot(data, params.projectId, params.snapshot))
    issues.push({ field: "params.snapshot", message: `this project has no snapshot named "${params.snapshot}"` });
  return issues;
}
