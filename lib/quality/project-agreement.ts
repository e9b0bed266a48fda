// A project's agreement report: its rankings from the database (project-stats.ts's loader), the
// pure figures of ranking-agreement.ts, and the annotators' emails and names.
import { inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users } from "../../db/schema";
import { projectRankingRecords } from "../labeling/project-stats";
import { getProject } from "../projects";
import { rankingAgreementReport, type AgreementOptions, type AnnotatorRankingAgreement, type RankingAgreementReport } from "./ranking-agreement";

export interface AnnotatorAgreementRow extends AnnotatorRankingAgreement {
  email: string;
  name: string;
}

export interface ProjectAgreement extends Omit<RankingAgreementReport, "annotators"> {
  project: { id: number; name: string };
  annotators: AnnotatorAgreementRow[];
  /** When the report was computed (ms since the epoch). */
  computedAt: number;
}

/** The agreement report of a project's rankings; undefined when the project does not exist. */
export function projectAgreement(db: Db, projectId: number, options: AgreementOptions = {}): ProjectAgreement | undefined {
  const project = getProject(db, projectId);
  if (!project) return undefined;
  const report = rankingAgreementReport(projectRankingRecords(db, projectId), options);
  const ids = report.matrix.userIds;
  const people = new Map<number, { email: string; name: string }>();
  // In chunks: SQLite caps the parameters of one statement.
  for (let i = 0; i < ids.length; i += 500) {
    for (const u of db
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .where(inArray(users.id, ids.slice(i, i + 500)))
      .all())
      people.set(u.id, u);
  }
  return {
    ...report,
    project: { id: project.id, name: project.name },
    annotators: report.annotators.map((a) => ({ ...a, email: people.get(a.userId)?.email ?? `user ${a.userId}`, name: people.get(a.userId)?.name ?? "" })),
    computedAt: Date.now(),
  };
}
