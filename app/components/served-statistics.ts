// The cached project statistics as pages and routes serve them (lib/stats/served-statistic.ts),
// with this process's cache folder and settings.
import { getDb } from "@/db/client";
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
