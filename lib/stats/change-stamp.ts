// How a cached statistic knows whether its data changed, at two costs:
//
// - `changeStamp`: database-wide and cheap (a handful of index lookups, no scan): the largest id
//   of every table a project's statistics read, plus the project's own row (its settings, R).
//   Rows are only appended to these tables (an edit adds a ranking revision), so an unchanged
//   stamp means nothing changed; a changed one means something changed somewhere — maybe in
//   another project. A page compares it on every view.
// - `projectFingerprint`: the project's own counts and largest ids (a scan of its rows, a second
//   or so at 200k rankings): what the refresh job compares before recomputing, so a change in
//   another project costs a check, not a recomputation.
//
// Neither sees a status change of an existing assignment (an open one expiring or skipped): the
// counts of open assignments and skips follow at the next ranking, edit or task.
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";

/** The database-wide change stamp, with the project's row (undefined when there is no such project). */
export function changeStamp(db: Db, projectId: number): string | undefined {
  const row = db.get<Record<string, unknown> | undefined>(sql`
    SELECT
      (SELECT json_array(id, name, completions_per_task, redundancy) FROM projects WHERE id = ${projectId}) AS project,
      (SELECT max(id) FROM tasks) AS tasks,
      (SELECT max(id) FROM completions) AS completions,
      (SELECT max(id) FROM assignments) AS assignments,
      (SELECT max(id) FROM rankings) AS rankings,
      (SELECT max(id) FROM ranking_revisions) AS revisions,
      (SELECT max(id) FROM users) AS users`);
  if (!row || row.project === null) return undefined;
  return [row.project, row.tasks, row.completions, row.assignments, row.rankings, row.revisions, row.users].map((v) => v ?? 0).join("|");
}

/** The project's own data: counts and largest ids of its tasks, rankings, revisions and assignments by status. */
export function projectFingerprint(db: Db, projectId: number): string {
  const row = db.get<Record<string, unknown>>(sql`
    WITH t AS (SELECT id FROM tasks WHERE project_id = ${projectId})
    SELECT
      (SELECT json_array(count(*), max(id)) FROM t) AS tasks,
      (SELECT json_array(count(*), max(c.id)) FROM completions c WHERE c.task_id IN t) AS completions,
      (SELECT json_array(count(*), max(r.id)) FROM rankings r WHERE r.task_id IN t) AS rankings,
      (SELECT json_array(count(*), max(v.id)) FROM ranking_revisions v JOIN rankings r ON r.id = v.ranking_id WHERE r.task_id IN t) AS revisions,
      (SELECT json_group_array(json_array(status, n, top)) FROM (
        SELECT a.status, count(*) AS n, max(a.id) AS top FROM assignments a WHERE a.task_id IN t GROUP BY a.status ORDER BY a.status)) AS assignments,
      (SELECT json_array(id, name, completions_per_task, redundancy) FROM projects WHERE id = ${projectId}) AS project`);
  return [row.project, row.tasks, row.completions, row.rankings, row.revisions, row.assignments].join("|");
}
