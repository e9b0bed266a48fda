// The demonstrations section of a project's statistics (lib/stats/project-statistics.ts keeps it in
// the statistics cache): how many demonstrations are drafts, awaiting review, accepted or rejected;
// the same per annotator; how long the submitted answers are (median and 90th percentile, in
// characters: Unicode code points, as SQLite's length() counts them); and how many of the project's
// prompts have at least one accepted demonstration, the data an `accepted`-only SFT run learns from.
//
// The schema does not record whether an answer started from a model completion (the page offers the
// completions as starting points, but the text saved is the annotator's, with no trace of its
// origin), so no edited-vs-written share is reported.
//
// One aggregate query per figure, each a walk of the project's tasks joined to their
// demonstrations; the texts themselves are never read (their lengths are computed in SQLite).
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { getProject } from "../projects";
import { quantileSorted } from "../quality/bootstrap";

export interface DemonstrationCounts {
  /** Saved, not submitted: an annotator's work in progress (never exported). */
  draft: number;
  /** Submitted (every review state). */
  submitted: number;
  /** Submitted, not reviewed yet. */
  pending: number;
  accepted: number;
  rejected: number;
  /** Submitted ones that came from a file (`palate import --format sft`, best-of-n), not written in Palate. */
  imported: number;
}

export interface DemonstrationAnnotatorStats {
  userId: number;
  email: string;
  name: string;
  submitted: number;
  accepted: number;
  rejected: number;
  pending: number;
  draft: number;
}

export interface DemonstrationStats {
  counts: DemonstrationCounts;
  /** Everyone with a demonstration in the project (drafts included), by submitted count, most first. */
  annotators: DemonstrationAnnotatorStats[];
  /** Characters of the submitted answers: median and 90th percentile (linear interpolation); null when none is submitted. */
  length: { median: number | null; p90: number | null };
  /** The project's prompts, and how many have at least one accepted (and one submitted, not rejected) demonstration. */
  prompts: { total: number; withAccepted: number; withUsable: number };
}

/** One row per (annotator, status, review) of the project's demonstrations, with how many. */
export interface DemonstrationGroup {
  userId: number;
  status: "draft" | "submitted";
  review: "pending" | "accepted" | "rejected";
  source: "annotator" | "imported";
  n: number;
}

/** The counts and per-annotator rows from the grouped rows. Pure. */
export function demonstrationCounts(
  groups: readonly DemonstrationGroup[],
  people: ReadonlyMap<number, { email: string; name: string }>,
): Pick<DemonstrationStats, "counts" | "annotators"> {
  const counts: DemonstrationCounts = { draft: 0, submitted: 0, pending: 0, accepted: 0, rejected: 0, imported: 0 };
  const by = new Map<number, DemonstrationAnnotatorStats>();
  for (const g of groups) {
    let a = by.get(g.userId);
    if (!a) {
      const who = people.get(g.userId);
      a = { userId: g.userId, email: who?.email ?? `user ${g.userId}`, name: who?.name ?? "", submitted: 0, accepted: 0, rejected: 0, pending: 0, draft: 0 };
      by.set(g.userId, a);
    }
    if (g.status === "draft") {
      // A draft's review column is its default ("pending"); it has not been reviewed.
      counts.draft += g.n;
      a.draft += g.n;
      continue;
    }
    counts.submitted += g.n;
    counts[g.review] += g.n;
    a.submitted += g.n;
    a[g.review] += g.n;
    if (g.source === "imported") counts.imported += g.n;
  }
  const annotators = [...by.values()].sort((x, y) => y.submitted - x.submitted || y.draft - x.draft || x.email.localeCompare(y.email));
  return { counts, annotators };
}

/** The median and 90th percentile of `lengths` (any order); nulls when empty. Pure. */
export function lengthSummary(lengths: readonly number[]): DemonstrationStats["length"] {
  if (lengths.length === 0) return { median: null, p90: null };
  const sorted = Float64Array.from(lengths).sort();
  return { median: quantileSorted(sorted, 0.5), p90: quantileSorted(sorted, 0.9) };
}

/** The project's demonstration statistics; undefined when there is no such project. */
export function demonstrationStats(db: Db, projectId: number): DemonstrationStats | undefined {
  if (!getProject(db, projectId)) return undefined;
  const groups = db.all<DemonstrationGroup>(sql`
    SELECT d.user_id AS userId, d.status AS status, d.review AS review, d.source AS source, count(*) AS n
    FROM tasks t JOIN demonstrations d ON d.task_id = t.id
    WHERE t.project_id = ${projectId}
    GROUP BY d.user_id, d.status, d.review, d.source`);
  const ids = [...new Set(groups.map((g) => g.userId))];
  const people = new Map(
    db
      .all<{ id: number; email: string; name: string }>(
        sql`SELECT id, email, name FROM users WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
      )
      .map((u) => [u.id, u]),
  );
  const lengths = db
    .values<[number]>(
      sql`SELECT length(d.text) FROM tasks t JOIN demonstrations d ON d.task_id = t.id WHERE t.project_id = ${projectId} AND d.status = 'submitted'`,
    )
    .map((r) => Number(r[0]));
  const prompts = db.get<{ total: number; withAccepted: number; withUsable: number }>(sql`
    SELECT
      (SELECT count(*) FROM prompts WHERE project_id = ${projectId}) AS total,
      (SELECT count(DISTINCT t.prompt_id) FROM tasks t JOIN demonstrations d ON d.task_id = t.id
        WHERE t.project_id = ${projectId} AND d.status = 'submitted' AND d.review = 'accepted') AS withAccepted,
      (SELECT count(DISTINCT t.prompt_id) FROM tasks t JOIN demonstrations d ON d.task_id = t.id
        WHERE t.project_id = ${projectId} AND d.status = 'submitted' AND d.review <> 'rejected') AS withUsable`);
  return {
    ...demonstrationCounts(groups, people),
    length: lengthSummary(lengths),
    prompts: { total: Number(prompts?.total ?? 0), withAccepted: Number(prompts?.withAccepted ?? 0), withUsable: Number(prompts?.withUsable ?? 0) },
  };
}

/** Whether a page shows the section: the project collects demonstrations, or has some (imported into a ranking project, say). */
export function showsDemonstrations(mode: string, stats: DemonstrationStats | undefined): boolean {
  return mode === "demonstration" || (stats !== undefined && stats.counts.draft + stats.counts.submitted > 0);
}
