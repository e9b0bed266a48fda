// What every "Run <method>" research page (PPO, GRPO, DPO, SFT) shares: staff only, the project
// its `[id]` segment names or the 404 page, the default model registered, the policies (and reward
// models) its form offers, and the project's latest jobs of that kind; laid out as a back link,
// the title with its description, the form, and the jobs table.
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { getDb, type Connection } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { listJobViews, type JobView } from "@/lib/jobs/views";
import { ensureDefaultModel } from "@/lib/models/registry";
import { ppoFormOptions, type PpoFormOptions } from "@/lib/ppo/views";
import { getProject, type Project } from "@/lib/projects";
import { JobTable } from "./job-table";

export interface TrainingPageData {
  db: Connection;
  id: number;
  project: Project;
  options: PpoFormOptions;
  jobs: JobView[];
}

/** The page `/research/projects/[id]/<section>` for staff: its project (else 404), form options and the project's last 20 jobs of `jobKind`. */
export async function loadTrainingPage(params: Promise<{ id: string }>, section: string, jobKind: string): Promise<TrainingPageData> {
  const { id: rawId } = await params;
  await requirePageRole(STAFF, `/research/projects/${rawId}/${section}`);
  const id = parseId(rawId);
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (id === undefined || !project) notFound();
  ensureDefaultModel(db);
  const options = ppoFormOptions(db, id);
  const jobs = listJobViews(db, { projectId: id, kind: jobKind, limit: 20 });
  return { db, id, project, options, jobs };
}

/** The page's layout: back to the project, the title and `intro` (its description), the form (children), then the jobs. */
export function TrainingPageShell(props: {
  project: Pick<Project, "id" | "name">;
  title: string;
  intro: ReactNode;
  jobsTitle: string;
  jobs: readonly JobView[];
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-8">
      <div>
        <Link href={`/research/projects/${props.project.id}`} className="text-sm text-indigo-700 underline">
          ← {props.project.name}
        </Link>
        <h1 className="text-xl font-semibold">{props.title}</h1>
        {props.intro}
      </div>
      {props.children}
      <section className="flex flex-col gap-3" aria-label={props.jobsTitle}>
        <h2 className="text-lg font-medium">{props.jobsTitle}</h2>
        <JobTable jobs={props.jobs} />
      </section>
    </div>
  );
}

/** The sentence the descriptions end with: where the trained model goes. */
export function RegistryLink() {
  return (
    <Link href="/research/models" className="text-indigo-700 underline">
      registry
    </Link>
  );
}
