// The ranking page of one project: the guidelines from the server, the task from the client
// (it asks POST /api/annotate/next, then moves on to the next task after each submit).
// With ?task=ID it reopens the caller's submitted ranking of that task for editing. A project of
// mode demonstration shows the demonstration page instead (demonstration-workspace.tsx).
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { ANNOTATOR } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { getProject } from "@/lib/projects";
import { DemonstrationWorkspace } from "../_components/demonstration-workspace";
import { EditRankingWorkspace } from "../_components/edit-ranking-workspace";
import { RankingWorkspace } from "../_components/ranking-workspace";

export const dynamic = "force-dynamic";

const ID = /^[1-9][0-9]{0,9}$/;

export default async function RankPage({
  params,
  searchParams,
}: {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<{ task?: string | string[] }>;
}) {
  const { projectId } = await params;
  const { task } = await searchParams;
  const taskParam = typeof task === "string" ? task : undefined;
  const user = await requirePageRole(ANNOTATOR, `/annotate/${encodeURIComponent(projectId)}${taskParam ? `?task=${encodeURIComponent(taskParam)}` : ""}`);
  const id = ID.test(projectId) ? Number(projectId) : undefined;
  const project = id === undefined ? undefined : getProject(getDb(), id);
  if (!project) notFound();
  if (project.mode === "demonstration") return <DemonstrationWorkspace project={{ id: project.id, name: project.name, guidelines: project.guidelines }} />;
  const view = { id: project.id, name: project.name, guidelines: project.guidelines, questions: project.qualityQuestions };
  if (task !== undefined) {
    if (!taskParam || !ID.test(taskParam)) notFound();
    return <EditRankingWorkspace key={taskParam} project={view} taskId={Number(taskParam)} />;
  }
  return <RankingWorkspace project={view} userId={user.id} />;
}
