// The names the `rankings` export gives annotators (its `annotator` key, what
// `palate import --format rankings` groups rankings by): each user's name, with " (#<id>)" added
// when two users who rank in the project share a name, so that one name is one annotator.
// Emails stay out of exports.
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";

/** User id → annotator name, for the users with a ranking in the project. */
export function annotatorNames(db: Db, projectId: number): Map<number, string> {
  const rows = db.values<[number, string]>(sql`
    SELECT u.id, u.name FROM users u
    WHERE EXISTS (SELECT 1 FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE r.user_id = u.id AND t.project_id = ${projectId})
    ORDER BY u.id`);
  const count = new Map<string, number>();
  for (const [, name] of rows) count.set(name, (count.get(name) ?? 0) + 1);
  return new Map(rows.map(([id, name]) => [id, (count.get(name) ?? 0) > 1 ? `${name} (#${id})` : name]));
}
