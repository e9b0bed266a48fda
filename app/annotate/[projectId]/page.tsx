// The ranking page of one project: the guidelines from the server, the task from the client
// (it asks POST /api/annotate/next, then moves on to the next task after each submit).
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { ANNOTATOR } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { getProject } from "@/lib/projects";
import { RankingWorkspace } from "../_components/ranking-workspace";

export const dynamic = "force-dynamic";

export default async function RankPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  await requirePageRole(ANNOTATOR, `/annotate/${encodeURIComponent(projectId)}`);
  const id = /^[1-9][0-9]{0,9}$/.test(projectId) ? Number(projectId) : undefined;
  const project = id === undefined ? undefined : getProject(getDb(), id);
  if (!project) notFound();
  return <RankingWorkspace project={{ id: project.id, name: project.name, guidelines: project.guidelines }} />;
}
