// Naming a snapshot to train on, as `palate train-rm --snapshot` takes it: `PROJECT/NAME`, a bare
// `NAME` of the project given with --project, or the path of a snapshot folder (a copy anywhere).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Db } from "../../db/client";
import { getProject, getProjectByName, type Project } from "../projects";
import { MANIFEST_FILE, type SnapshotManifest } from "./snapshot-manifest";
import { findSnapshot, readManifest, snapshotDir } from "./snapshot-store";

export interface ResolvedSnapshot {
  project: Project;
  manifest: SnapshotManifest;
  /** The job parameter: the snapshot's name among the project's, or (a folder elsewhere) its path. */
  param: { snapshot: string } | { snapshotDir: string };
}

/** Resolves `ref`; throws an error naming the flag (--snapshot or --project) when it names nothing. */
export function resolveSnapshotRef(db: Db, ref: string, projectName: string | undefined, data: string): ResolvedSnapshot {
  const byName = (name: string): Project => {
    const project = getProjectByName(db, name);
    if (!project) throw new Error(`--project: no project named "${name}"`);
    return project;
  };
  const folder = resolve(ref);
  if (existsSync(join(folder, MANIFEST_FILE))) {
    const manifest = readManifest(folder);
    const project = projectName !== undefined ? byName(projectName) : getProject(db, manifest.project.id);
    if (!project)
      throw new Error(
        `--project: the snapshot's project "${manifest.project.name}" (id ${manifest.project.id}) is not in this database; name the project to train under`,
      );
    const own = resolve(snapshotDir(data, project.id, manifest.name)) === folder && project.id === manifest.project.id;
    return { project, manifest, param: own ? { snapshot: manifest.name } : { snapshotDir: folder } };
  }
  const slash = ref.lastIndexOf("/");
  const [name, project] =
    slash >= 0
      ? [ref.slice(slash + 1), byName(ref.slice(0, slash))]
      : projectName !== undefined
        ? [ref, byName(projectName)]
        : (() => {
            throw new Error(`--snapshot: "${ref}" is neither PROJECT/NAME nor a snapshot folder (or give --project with a bare NAME)`);
          })();
  if (projectName !== undefined && slash >= 0 && project.name !== projectName.trim())
    throw new Error(`--snapshot: "${ref}" is a snapshot of "${project.name}", not of --project "${projectName}"`);
  const manifest = findSnapshot(data, project.id, name);
  if (!manifest) throw new Error(`--snapshot: project "${project.name}" has no snapshot named "${name}"`);
  return { project, manifest, param: { snapshot: manifest.name } };
}
