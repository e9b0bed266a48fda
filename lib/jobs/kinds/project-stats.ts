// The "project-stats" job kind: recomputes a project's cached statistics (progress and counts,
// agreement, the leaderboard: lib/stats/project-statistics.ts) off the web server, when a view
// found them older than the data (lib/stats/served-statistic.ts). Each finished run deletes the
// project's earlier succeeded runs, so the jobs page keeps one row per project, not one per change.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { and, eq, lt } from "drizzle-orm";
import { jobs } from "../../../db/schema";
import { PROJECT_STATS_JOB_KIND, projectStatsJobParamsSchema, type ProjectStatsJobParams } from "../../stats/job-params";
import type { JobKind } from "../kind";

export const projectStatsJobKind: JobKind<ProjectStatsJobParams> = {
  kind: PROJECT_STATS_JOB_KIND,
  title: "Project statistics",
  // Seconds of work that keep pages current: never behind a training run.
  lane: "quick",
  params: projectStatsJobParamsSchema,
  // Nothing to resume: a rerun recomputes what it had not written (written entries hold the current data version).
  resumable: true,
  async run(ctx) {
    const { PROJECT_STATISTICS } = await import("../../stats/project-statistics");
    const { refreshStatistics } = await import("../../stats/refresh-statistics");
    const { statisticsCacheDir } = await import("../../stats/statistics-cache");
    const { projectId } = ctx.params;
    const started = Date.now();
    const outcome = refreshStatistics(ctx.db, projectId, PROJECT_STATISTICS, {
      dir: statisticsCacheDir(),
      beforeEach(statistic, index) {
        ctx.throwIfCancelled();
        ctx.progress(index / PROJECT_STATISTICS.length, `computing ${statistic.name}`);
      },
    });
    if (!outcome.found) throw new Error(`project ${projectId} does not exist`);
    ctx.log(
      `${outcome.computed.length > 0 ? `computed ${outcome.computed.join(", ")}` : "nothing changed"}${outcome.unchanged.length > 0 && outcome.computed.length > 0 ? `; unchanged: ${outcome.unchanged.join(", ")}` : ""} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    const old = ctx.db
      .delete(jobs)
      .where(and(eq(jobs.kind, PROJECT_STATS_JOB_KIND), eq(jobs.projectId, projectId), eq(jobs.status, "succeeded"), lt(jobs.id, ctx.jobId)))
      .returning({ id: jobs.id })
      .all();
    for (const { id } of old) rmSync(join(ctx.artifactDir, "..", String(id)), { recursive: true, force: true });
    return { projectId, computed: outcome.computed, unchanged: outcome.unchanged };
  },
};
