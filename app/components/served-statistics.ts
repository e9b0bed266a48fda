// The cached project statistics as pages and routes serve them (lib/stats/served-statistic.ts),
// with this process's cache folder and settings.
import { z } from "zod";
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
export function servedProjectStats(projectId: number): { project: Project; served: ServedStatistic<ProjectStats> } | undefined {
  const served = servedStatistic(projectId, projectStatsStatistic);
  return served && withProjectRow(projectId, served);
}

/** Served project statistics with the project's row as it is now in them (see servedProjectStats); undefined when there is no such project. */
export function withProjectRow(
  projectId: number,
  served: ServedStatistic<ProjectStats>,
): { project: Project; served: ServedStatistic<ProjectStats> } | undefined {
  const project = getProject(getDb(), projectId);
  if (!project) return undefined;
  return { project, served: served.value ? { ...served, value: { ...served.value, project } } : served };
}

export type ProjectWithServedProgress = Project & { progress: Progress | null; statistics: Omit<ServedStatistic<unknown>, "value"> };

/**
 * Every project with its progress as served: `progress` is null while a large project's is first
 * computed (pages show that it is being computed; the JSON routes say so in `statistics`).
 */
export function listProjectsWithServedProgress(): ProjectWithServedProgress[] {
  return listProjects(getDb()).flatMap((p) => projectWithServedProgress(p.id) ?? []);
}

export function projectWithServedProgress(projectId: number): ProjectWithServedProgress | undefined {
  const found = servedProjectStats(projectId);
  if (!found) return undefined;
  const { value, ...statistics } = found.served;
  return { ...found.project, progress: value?.progress ?? null, statistics };
}

/**
 * Waits (without holding the server's thread) while the worker's refresh job computes a large
 * project's statistic that nothing is cached of yet, at most `timeoutMs`; returns early when no
 * worker takes the job within 5 s or it fails. Returns at once for a small project or a cached
 * statistic.
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

/**
 * The JSON routes' `wait` query parameter: how many seconds a request may wait for a large
 * project's first computation (default 0: answer at once, 202 while computing).
 */
export const waitQuery = {
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(60)
    .default(0)
    .describe("seconds to wait for a large project's statistics when none are computed yet (0: answer 202 at once)"),
};

/**
 * A statistic as a JSON route serves it. With nothing cached yet for a large project: at once
 * the "computing" view (the route answers 202, see computingResponse) when `waitSeconds` is 0;
 * otherwise it waits up to that long for the worker's refresh job, and computes it in the request
 * only when no worker took the job (none running, or it failed) — a script that asks to wait gets
 * figures even without a worker.
 */
export async function servedForRoute<T>(projectId: number, statistic: ProjectStatistic<T>, waitSeconds: number): Promise<ServedStatistic<T> | undefined> {
  const served = servedStatistic(projectId, statistic);
  if (!served || served.value !== undefined || waitSeconds === 0) return served;
  await statisticReady(projectId, statistic, waitSeconds * 1000);
  const after = servedStatistic(projectId, statistic);
  if (!after || after.value !== undefined) return after;
  const job = after.jobId === null ? undefined : getJob(getDb(), after.jobId);
  if (job?.status === "running") return after;
  return servedStatistic(projectId, statistic, { computeWhenMissing: true });
}

/** Seconds a client is told to wait before asking again while a statistic is computed. */
export const COMPUTING_RETRY_AFTER_SECONDS = 2;

/**
 * The answer while a large project's statistic is computed for the first time: 202 Accepted with
 * Retry-After and the refresh job, as GitHub's statistics API answers while it computes (ask again,
 * or pass ?wait=SECONDS).
 */
export function computingResponse(served: Pick<ServedStatistic<unknown>, "jobId">): Response {
  return Response.json(
    {
      status: "computing",
      freshness: "computing",
      computedAt: null,
      checkedAt: null,
      refreshJobId: served.jobId,
      message: `these statistics are being computed for the first time; ask again in a few seconds, or pass ?wait=SECONDS`,
    },
    { status: 202, headers: { "retry-after": String(COMPUTING_RETRY_AFTER_SECONDS), "cache-control": "no-store" } },
  );
}
