// The sft job's checks of its parameters against the database, beyond what the schema checks:
// the project exists; the base model is a policy with weights; the name is free; a named snapshot
// is one of the project's; and, learning from the project itself, it has demonstrations of the
// chosen kind. Issues name the field. The app runs them before it enqueues (lib/jobs/kinds/sft.ts).
import type { Db } from "../../db/client";
import { dataDir, findSnapshot } from "../datasets/snapshot-store";
import { sftCounts } from "../datasets/sft-writer";
import type { FieldIssue } from "../http";
import { checkModel, checkNameFree, checkProject } from "../jobs/param-checks";
import type { SftSnapshotFormat } from "../datasets/snapshot-manifest";
import type { SftJobParams } from "./job-params";
import { snapshotSftFormats, snapshotWithoutDemonstrations } from "./snapshot-selection";

export function checkSftParams(
  db: Db,
  params: Pick<SftJobParams, "projectId" | "name" | "baseModelId" | "snapshot" | "demonstrations"> & Partial<Pick<SftJobParams, "file" | "snapshotDir">>,
  data: string = dataDir(),
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const projectFound = checkProject(db, params.projectId, issues);
  if (params.baseModelId !== undefined) checkModel(db, params.baseModelId, "baseModelId", issues, { kind: "not-reward", weights: true });
  checkNameFree(db, params.name, issues);
  if (!projectFound) return issues;
  if (params.snapshot !== undefined) {
    const manifest = findSnapshot(data, params.projectId, params.snapshot);
    if (!manifest) issues.push({ field: "params.snapshot", message: `this project has no snapshot named "${params.snapshot}"` });
    else if (!manifest.files.some((f) => snapshotSftFormats(params.demonstrations).includes(f.format as SftSnapshotFormat)))
      issues.push({ field: "params.snapshot", message: snapshotWithoutDemonstrations(manifest, params.demonstrations) });
  } else if (params.file === undefined && params.snapshotDir === undefined) {
    const counts = sftCounts(db, params.projectId);
    const usable = params.demonstrations === "accepted" ? counts.accepted : counts.submitted - counts.rejected;
    if (usable === 0)
      issues.push({
        field: "params.demonstrations",
        message:
          counts.submitted === 0
            ? "this project has no submitted demonstrations yet"
            : params.demonstrations === "accepted"
              ? `none of the ${counts.submitted} submitted demonstrations is accepted by review yet`
              : `all ${counts.submitted} submitted demonstrations were rejected by review`,
      });
  }
  return issues;
}
