// The job kinds a worker can run: the built-in ones, plus modules named in PALATE_JOB_KINDS
// (comma-separated paths, each exporting `jobKinds: JobKind[]`) — how tests and plugins add kinds.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { JobKind } from "./kind";
import { bestOfNJobKind } from "./kinds/best-of-n";
import { dpoJobKind } from "./kinds/dpo";
import { generateJobKind } from "./kinds/generate";
import { grpoJobKind } from "./kinds/grpo";
import { importJobKind } from "./kinds/import";
import { ppoJobKind } from "./kinds/ppo";
import { projectStatsJobKind } from "./kinds/project-stats";
import { scoreJobKind } from "./kinds/score";
import { sftJobKind } from "./kinds/sft";
import { snapshotJobKind } from "./kinds/snapshot";
import { trainRmJobKind } from "./kinds/train-rm";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- kinds differ in their params type
type AnyJobKind = JobKind<any>;

const builtIn: AnyJobKind[] = [
  generateJobKind,
  trainRmJobKind,
  scoreJobKind,
  ppoJobKind,
  importJobKind,
  projectStatsJobKind,
  snapshotJobKind,
  dpoJobKind,
  grpoJobKind,
  sftJobKind,
  bestOfNJobKind,
];
const kinds = new Map<string, AnyJobKind>(builtIn.map((k) => [k.kind, k]));
let extraLoaded = false;

export function registerJobKind(kind: AnyJobKind): void {
  kinds.set(kind.kind, kind);
}

/** Loads the modules listed in PALATE_JOB_KINDS once. */
export async function loadJobKinds(): Promise<Map<string, AnyJobKind>> {
  if (!extraLoaded) {
    extraLoaded = true;
    for (const path of (process.env.PALATE_JOB_KINDS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      const mod = (await import(pathToFileURL(resolve(path)).href)) as { jobKinds?: AnyJobKind[] };
      for (const kind of mod.jobKinds ?? []) registerJobKind(kind);
    }
  }
  return kinds;
}

export async function getJobKind(name: string): Promise<AnyJobKind | undefined> {
  return (await loadJobKinds()).get(name);
}
