// The cached project statistics as pages and routes serve them (lib/stats/served-statistic.ts),
// with this process's cache folder and settings.
import { getDb } from "@/db/client";
import { getJob } from "@/lib/jobs/queue";
import type { ProjectStats } from "@/lib/labeling/project-stats";
import type { Progress } from "@/lib/labeling/stats";
import { getProject, listProjects, type Project } from "@/lib/projects";
import { projectStatsStatistic, type ProjectStatistic } from "@/lib/stats/project-statistics";
import { serveOptionsFromEnv, serveStatistic, type ServedStatistic, type ServeOptions } from "@/lib/stats/served-statistic";

/** A statistic of the project, served from the cache where the project is large; undefined when there is no such project. */
export function servedStatistic<T>(projectId: number, statistic: ProjectStatistic<T>, options: Partial<ServeOptions> = {}): ServedStatistic<T> | undefined {
  return serveStatistic(getDb(), projectId, statistic, { ...serveOptionsFromEnv(), ...options });
}

/**
 * The project (its row as it is now: name, settings) and its progress, counts and agreement as
 * served (`served.value` is undefined while a large project's first computation runs, and its
 * `project` is the current row whatever the figures' age); undefined when there is no such project.
 */
export function servedProjectStats(
  projectId: number,
  options: Partial<ServeOptions> = {},
): { project: Project; served: ServedStatistic<ProjectStats> } | undefined {
  const served = servedStatistic(projectId, projectStatsStatistic, options);
  const project = served && getProject(getDb(), projectId);
  if (!served || !project) return undefined;
  return { project, served: served.value ? { ...served, value: { ...served.value, project } } : served };
}

export type ProjectWithServedProgress = Project & { progress: Progress | null; statistics: Omit<ServedStatistic<unknown>, "value"> };

/**
 * Every project with its progress as served. With `computeWhenMissing` (the JSON routes, whose
 * `progress` is never null) a large project with nothing cached is computed once; pages get
 * `progress: null` and show that it is being computed.
 */
export function listProjectsWithServedProgress(options: Partial<ServeOptions> = {}): ProjectWithServedProgress[] {
  return listProjects(getDb()).flatMap((p) => projectWithServedProgress(p.id, options) ?? []);
}

export function projectWithServedProgress(projectId: number, options: Partial<ServeOptions> = {}): ProjectWithServedProgress | undefined {
  const found = servedProjectStats(projectId, options);
  if (!found) return undefined;
  const { value, ...statistics } = found.served;
  return { ...found.project, progress: value?.progress ?? null, statistics };
}

/**
 * For a JSON route about to serve a large project with nothing cached yet: waits (without holding
 * the server's thread) while the worker's refresh job computes it, so that the route's fallback
 * (computing it in the request) runs only when no worker takes the job within a few seconds or the
 * job fails. Returns at once for a small project or a cached statistic.
 */
export async function statisticReady(projectId: number, statistic: ProjectStatistic, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const served = servedStatistic(projectId, statistic);
    if (!served || served.value !== undefined || served.jobId === null) return;
    const job = getJob(getDb(), served.jobId);
    const waiting = job?.status === "running" || (job?.status === "queued" && Date.now() - started < 5000);
    if (!waiting || Date.now() - started > timeoutMs) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}
