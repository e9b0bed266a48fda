// A project's model leaderboard: loads its rankings and its completions' models and runs the
// pure computeLeaderboard (lib/quality/leaderboard.ts) over them.
//
// Which rankings count: every current ranking of the project's tasks, by annotators and
// imported alike, "none acceptable" ones included (that mark says none of the completions is
// good enough, not that their order is meaningless: the order between two weak models is still a
// preference). A completion without a model (completions.model null or blank) is left out of
// every pair, and the leaderboard says how many pairs that cost (`unattributedPairs`): lumping
// such completions under one "unknown" name would rate a mixture of sources as if it were a
// model.
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { completions, rankings, tasks } from "../../db/schema";
import { getProject, type Project } from "../projects";
import { computeLeaderboard, DEFAULT_RESAMPLES, type Leaderboard } from "./leaderboard";

/** The most bootstrap resamples a request may ask for (each refits every model). */
export const MAX_RESAMPLES = 10_000;

/** The leaderboard's settings, as the CLI flags and the route's query carry them. */
export const leaderboardSettingsSchema = z
  .object({
    bootstrap: z.coerce.number().int().min(0).max(MAX_RESAMPLES).default(DEFAULT_RESAMPLES),
    seed: z.coerce.number().int().min(0).max(0xffffffff).default(0),
  })
  .strict();
export type LeaderboardSettings = z.infer<typeof leaderboardSettingsSchema>;

export interface ProjectLeaderboard extends Leaderboard {
  project: { id: number; name: string };
}

/** The completion → model map of a project's tasks (completions without a model are absent). */
export function projectCompletionModels(db: Db, projectId: number): Map<number, string> {
  const rows = db
    .select({ id: completions.id, model: completions.model })
    .from(completions)
    .innerJoin(tasks, eq(tasks.id, completions.taskId))
    .where(eq(tasks.projectId, projectId))
    .all();
  const models = new Map<number, string>();
  for (const r of rows) {
    const name = r.model?.trim();
    if (name) models.set(r.id, name);
  }
  return models;
}

/** The leaderboard of a project's models; undefined when the project does not exist. */
export function projectLeaderboard(db: Db, projectId: number, settings: Partial<LeaderboardSettings> = {}): ProjectLeaderboard | undefined {
  const project: Project | undefined = getProject(db, projectId);
  if (!project) return undefined;
  const { bootstrap, seed } = leaderboardSettingsSchema.parse(settings);
  const rows = db
    .select({ groups: rankings.groups })
    .from(rankings)
    .innerJoin(tasks, eq(tasks.id, rankings.taskId))
    .where(eq(tasks.projectId, projectId))
    .orderBy(asc(rankings.id))
    .all();
  const models = projectCompletionModels(db, projectId);
  const board = computeLeaderboard(rows, (id) => models.get(id), { resamples: bootstrap, seed });
  return { project: { id: project.id, name: project.name }, ...board };
}
