// Serving gold tasks. Gold tasks stay out of the normal pool (the assignment rule never picks
// them and they do not count towards R); instead, each time an annotator asks for a new task
// while normal work is left for them, a draw with the project's gold share s picks, with
// probability s, one of the gold tasks they have not yet ranked or skipped (uniformly among
// them). So every annotator may get every gold task once, whatever R is, and with s = 0.1 about
// one task in ten is gold while they last. When no normal work is left, no gold task is served
// on its own (gold checks work; it is not work). The annotator's payload for a gold task is the
// same as for any other (lib/labeling/assignment-view.ts): nothing marks it as gold.
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";

/** Whether this request serves gold: a draw below the share (0 never, 1 always). */
export function drawsGold(share: number, random: () => number): boolean {
  return share > 0 && random() < share;
}

/** SQL for the project's gold tasks the annotator has not closed (ranked, skipped) and does not hold. */
function openGoldSql(projectId: number, userId: number) {
  return sql`
    FROM tasks t
    WHERE t.project_id = ${projectId} AND t.gold IS NOT NULL
      AND t.id NOT IN (
        SELECT a.task_id FROM assignments a WHERE a.user_id = ${userId} AND a.status IN ('submitted', 'skipped', 'active')
        UNION ALL
        SELECT r.task_id FROM rankings r WHERE r.user_id = ${userId})`;
}

/** A gold task to serve the annotator now, or null (draw failed, or none left for them). */
export function pickGoldTask(db: Db, project: { id: number; goldShare: number }, userId: number, random: () => number): number | null {
  if (!drawsGold(project.goldShare, random)) return null;
  const n = db.get<{ n: number }>(sql`SELECT count(*) AS n ${openGoldSql(project.id, userId)}`)?.n ?? 0;
  if (n === 0) return null;
  const offset = Math.min(n - 1, Math.floor(random() * n));
  return db.get<{ id: number }>(sql`SELECT t.id AS id ${openGoldSql(project.id, userId)} ORDER BY t.id LIMIT 1 OFFSET ${offset}`)?.id ?? null;
}
