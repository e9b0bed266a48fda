// How a cached statistic knows whether its project's data changed: the project's data version
// (`project_versions`, db/schema.ts), which SQLite triggers (migration 0011) raise in the same
// transaction as every write that can change the project's statistics, whatever code or process
// makes it:
//
// - any insert, update or delete of the project's tasks (gold marks, send-backs' extra
//   redundancy), completions, rankings (edits, strengths), ranking revisions, flags and answers,
//   task reviews and gold resets (an unpause); comparisons' updates and deletes (their inserts
//   ride on their ranking's, written in the same transaction: a trigger per comparison cost
//   imports 30% more, bench/project-versions.ts);
// - an assignment handed out, deleted, or changing status (submitted, skipped, expired), task or user;
// - any change of the project's row (every setting: K, R, gold share and thresholds, mode, task
//   order, …) and of its prompts;
// - a change of a user's email, name, role or disabled flag, or a user deleted: every project's
//   (users are global; statistics show names and emails).
//
// - a demonstration inserted, changed or deleted as submitted, or submitted (migration 0013; its
//   review is a change of a submitted row). A draft's autosaves raise nothing (they come every few
//   seconds while an annotator types and change no figure); its first save, which adds one to the
//   demonstration statistics' draft count, is raised by its writer with raiseProjectVersion
//   (lib/demonstrations/demonstration-store.ts saveDemonstrationDraft), in the same transaction.
//
// Rows deleted by a cascade fire the same triggers. So an unchanged stamp means the project's
// data is the same, and a change in another project leaves it alone: the stamp is what a view
// compares on every visit (one primary-key lookup) and also what the refresh job compares before
// recomputing (the stamp a cached entry was computed from), with no scan of the project's rows.
//
// Not seen: a comparison inserted without a write of its ranking (no code does that), a write made
// with the triggers dropped (e.g. a copy of the data into a database made without migration
// 0011), and time passing alone (an open assignment past its expiry still
// counts as active until something marks it expired, as it does in the figures computed inline).
// Versions start at the project's creation time in ms, so a database made again from scratch
// under an old statistics cache does not reproduce the old entries' stamps.
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";

/** The stamp of a project whose version row is missing (see ensureProjectVersion): never equal to a cached one. */
const UNVERSIONED = "unversioned";

/**
 * The project's change stamp (`<project id>@<version>`); undefined when there is no such project.
 * A project without a version row (written around the triggers) gets a stamp no cached entry
 * holds, so its statistics are refreshed until ensureProjectVersion gives it one.
 */
export function changeStamp(db: Db, projectId: number): string | undefined {
  const row = db.get<{ version: number | null } | undefined>(
    sql`SELECT v.version AS version FROM projects p LEFT JOIN project_versions v ON v.project_id = p.id WHERE p.id = ${projectId}`,
  );
  if (!row) return undefined;
  return `${projectId}@${row.version ?? `${UNVERSIONED}-${Date.now()}-${Math.random()}`}`;
}

/** Whether a stamp is that of a project without a version row. */
export function isUnversioned(stamp: string): boolean {
  return stamp.includes(`@${UNVERSIONED}`);
}

/**
 * Raises the project's version by hand, for a write that changes a statistic but that no trigger
 * sees (a demonstration's first draft, see the header); call it in the write's transaction.
 */
export function raiseProjectVersion(db: Db, projectId: number): void {
  db.run(sql`UPDATE project_versions SET version = version + 1 WHERE project_id = ${projectId}`);
}

/** Gives an existing project without a version row one (the migration and the triggers normally have); no-op otherwise. */
export function ensureProjectVersion(db: Db, projectId: number): void {
  db.run(
    sql`INSERT OR IGNORE INTO project_versions (project_id, version) SELECT id, cast(unixepoch('subsec') * 1000 as integer) FROM projects WHERE id = ${projectId}`,
  );
}
