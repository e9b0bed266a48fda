// Loads a project's rankings, skips and tasks from the database and runs the pure
// aggregations of stats.ts over them.
import { and, asc, count, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { assignments, comparisons, rankings, tasks, users } from "../../db/schema";
import { getProject, listProjects, type Project } from "../projects";
import { agreementReport, annotatorCounts, projectProgress, type AgreementReport, type AnnotatorCounts, type Progress, type RankingRecord } from "./stats";

export interface ProjectWithProgress extends Project {
  progress: Progress;
}

export interface AnnotatorStats extends AnnotatorCounts {
  email: string;
  name: string;
  /** Agreement with the other annotators on shared tasks, null when nothing is shared. */
  agreement: number | null;
  agreementPairs: number;
}

export interface ProjectStats {
  project: Project;
  progress: Progress;
  /** Pairwise comparisons stored for the project's rankings. */
  comparisons: number;
  activeAssignments: number;
  annotators: AnnotatorStats[];
  agreement: Omit<AgreementReport, "pairs"> & { pairs: (AgreementReport["pairs"][number] & { emailA: string; emailB: string })[] };
}

function taskIdsOf(db: Db, projectId: number): number[] {
  return db
    .select({ id: tasks.id })
    .from(tasks)
    .where(eq(tasks.projectId, projectId))
    .all()
    .map((r) => r.id);
}

/** Every ranking of the project's tasks, as plain records. */
export function projectRankingRecords(db: Db, projectId: number): RankingRecord[] {
  return db
    .select({
      rankingId: rankings.id,
      taskId: rankings.taskId,
      userId: rankings.userId,
      groups: rankings.groups,
      noneAcceptable: rankings.noneAcceptable,
      secondsSpent: rankings.secondsSpent,
    })
    .from(rankings)
    .innerJoin(tasks, eq(tasks.id, rankings.taskId))
    .where(eq(tasks.projectId, projectId))
    .orderBy(asc(rankings.id))
    .all();
}

export function projectProgressOf(db: Db, project: Project): Progress {
  const taskRows = db
    .select({ taskId: rankings.taskId })
    .from(rankings)
    .innerJoin(tasks, eq(tasks.id, rankings.taskId))
    .where(eq(tasks.projectId, project.id))
    .all();
  return projectProgress(taskIdsOf(db, project.id), taskRows, project.redundancy);
}

/** All projects, each with its progress against R. */
export function listProjectsWithProgress(db: Db): ProjectWithProgress[] {
  return listProjects(db).map((project) => ({ ...project, progress: projectProgressOf(db, project) }));
}

export function getProjectWithProgress(db: Db, projectId: number): ProjectWithProgress | undefined {
  const project = getProject(db, projectId);
  return project && { ...project, progress: projectProgressOf(db, project) };
}

/** Progress, per-annotator counts and agreement for one project; undefined when it does not exist. */
export function projectStats(db: Db, projectId: number): ProjectStats | undefined {
  const project = getProject(db, projectId);
  if (!project) return undefined;
  const records = projectRankingRecords(db, projectId);
  const progress = projectProgress(taskIdsOf(db, projectId), records, project.redundancy);
  const skips = db
    .select({ userId: assignments.userId })
    .from(assignments)
    .innerJoin(tasks, eq(tasks.id, assignments.taskId))
    .where(and(eq(tasks.projectId, projectId), eq(assignments.status, "skipped")))
    .all();
  const activeAssignments =
    db
      .select({ n: count() })
      .from(assignments)
      .innerJoin(tasks, eq(tasks.id, assignments.taskId))
      .where(and(eq(tasks.projectId, projectId), eq(assignments.status, "active")))
      .get()?.n ?? 0;
  const comparisonCount =
    db
      .select({ n: count() })
      .from(comparisons)
      .innerJoin(rankings, eq(rankings.id, comparisons.rankingId))
      .innerJoin(tasks, eq(tasks.id, rankings.taskId))
      .where(eq(tasks.projectId, projectId))
      .get()?.n ?? 0;

  const people = new Map(
    db
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .all()
      .map((u) => [u.id, u]),
  );
  const agreement = agreementReport(records);
  const agreementBy = new Map(agreement.annotators.map((a) => [a.userId, a]));
  const annotators = annotatorCounts(records, skips).map((c) => ({
    ...c,
    email: people.get(c.userId)?.email ?? `user ${c.userId}`,
    name: people.get(c.userId)?.name ?? "",
    agreement: agreementBy.get(c.userId)?.rate ?? null,
    agreementPairs: agreementBy.get(c.userId)?.total ?? 0,
  }));
  return {
    project,
    progress,
    comparisons: comparisonCount,
    activeAssignments,
    annotators,
    agreement: {
      ...agreement,
      pairs: agreement.pairs.map((p) => ({
        ...p,
        emailA: people.get(p.userA)?.email ?? `user ${p.userA}`,
        emailB: people.get(p.userB)?.email ?? `user ${p.userB}`,
      })),
    },
  };
}
