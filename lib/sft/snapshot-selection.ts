// Which of a dataset snapshot's files an SFT run learns from (lib/datasets/snapshot.ts writes them):
// `sft` holds the demonstrations a reviewer accepted, `sft-unreviewed` those submitted and not
// reviewed yet. The run's demonstration selection reads them as it reads the project itself:
// `submitted` (every one not rejected) both, `accepted` the first alone.
import { SFT_SNAPSHOT_FORMATS, type SftSnapshotFormat, type SnapshotManifest } from "../datasets/snapshot-manifest";
import type { DemonstrationSelection } from "./job-params";

/** The snapshot formats a selection reads. */
export function snapshotSftFormats(selection: DemonstrationSelection): readonly SftSnapshotFormat[] {
  return selection === "accepted" ? ["sft"] : SFT_SNAPSHOT_FORMATS;
}

/** Why a snapshot gives a selection no demonstration (the job's and the parameter check's message). */
export function snapshotWithoutDemonstrations(manifest: SnapshotManifest, selection: DemonstrationSelection): string {
  if (selection === "accepted" && manifest.files.some((f) => f.format === "sft-unreviewed"))
    return `snapshot ${manifest.name} has no accepted demonstrations (its demonstrations are not reviewed yet, in sft-unreviewed: learn from every submitted one instead)`;
  return `snapshot ${manifest.name} has no sft files (it was taken of rankings only)`;
}
