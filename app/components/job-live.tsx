"use client";

// One job, live: status, progress bar, the latest message, the running log and the metric
// charts, polling GET /api/jobs/[id] about once a second (only new events and points) until
// the job ends, with an estimate of the time left while it runs. Those who may cancel the job
// get a Cancel button while it is queued or running. When the job ends the server part of the
// page is refreshed, so what it produced (a registered model) appears. What differs by kind is
// declared elsewhere: which metrics share a chart (job-metric-groups.ts) and how a published
// output reads (job-outputs.tsx, e.g. a PPO run's latest evaluation).
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import type { JobDetail, JobView } from "@/lib/jobs/views";
import { callApi } from "./api-client";
import { metricGroupsOf } from "./job-metric-groups";
import { JobMetricsChart } from "./job-metrics-chart";
import { JobOutputs } from "./job-outputs";
import { formatTime, JobProgressBar, JobStatusBadge } from "./job-status-badge";

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);
const POLL_MS = 1000;

export interface ProducedModel {
  id: number;
  name: string;
  kind: string;
}

/** A registry model the job's parameters name, with what the job does with it. */
export interface JobModelLink {
  role: string;
  id: number;
  name: string;
  /** False when it is no longer registered (shown without a link). */
  exists: boolean;
}

export function JobLive({
  initial,
  canCancel,
  projectHref,
  producedModel = null,
  producedActions = null,
  models,
}: {
  initial: JobDetail;
  canCancel: boolean;
  projectHref: string | null;
  /** The registry model the job registered (train-rm), once it has. */
  producedModel?: ProducedModel | null;
  /** What can be done with the produced model, shown under it once the job has succeeded (a PPO policy: "Start next round"). */
  producedActions?: ReactNode;
  /** The models the parameters name (a PPO run's start policy, reward model, reference); default the one `job.model` names. */
  models?: JobModelLink[];
}) {
  const router = useRouter();
  const [now, setNow] = useState<number | null>(null);
  const [job, setJob] = useState<JobView>(initial.job);
  const [events, setEvents] = useState(initial.events);
  const [metrics, setMetrics] = useState(initial.metrics);
  const [outputs, setOutputs] = useState(initial.outputs);
  const [error, setError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const after = useRef({ event: initial.events.at(-1)?.id ?? 0, metric: initial.metrics.at(-1)?.id ?? 0 });
  const logEnd = useRef<HTMLLIElement>(null);

  const poll = useCallback(async () => {
    const res = await callApi<JobDetail>(
      `/api/jobs/${initial.job.id}?afterEvent=${after.current.event}&afterMetric=${after.current.metric}&params=false`,
      "GET",
    );
    if (!res.ok) {
      setError(res.error);
      return;
    }
    setError(null);
    const { job: next, events: newEvents, metrics: newMetrics, outputs: newOutputs } = res.data;
    if (newEvents.length > 0) {
      after.current.event = newEvents[newEvents.length - 1].id;
      setEvents((old) => [...old, ...newEvents]);
    }
    if (newMetrics.length > 0) {
      after.current.metric = newMetrics[newMetrics.length - 1].id;
      setMetrics((old) => [...old, ...newMetrics]);
    }
    if (newOutputs) setOutputs(newOutputs);
    setJob({ ...next, params: initial.job.params });
    setNow(Date.now());
  }, [initial.job.id, initial.job.params]);

  const finished = FINISHED.has(job.status);
  // The job ended while the page was open: re-render the server part (what the job produced).
  const endedHere = useRef(false);
  useEffect(() => {
    if (finished && !FINISHED.has(initial.job.status) && !endedHere.current) {
      endedHere.current = true;
      router.refresh();
    }
  }, [finished, initial.job.status, router]);
  // The clock starts on the client: the server render has no "now", so hydration matches.
  // eslint-disable-next-line react-hooks/set-state-in-effect -- one setState on mount, by design
  useEffect(() => setNow(Date.now()), []);
  useEffect(() => {
    if (finished) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      await poll();
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    timer = setTimeout(tick, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [finished, poll]);

  useEffect(() => {
    logEnd.current?.scrollIntoView({ block: "nearest" });
  }, [events.length]);

  async function cancel() {
    setCancelling(true);
    const res = await callApi<{ job: JobView }>(`/api/jobs/${job.id}/cancel`, "POST");
    setCancelling(false);
    if (res.ok) setJob({ ...res.data.job, params: initial.job.params });
    else setError(res.error);
  }

  const produced = producedTasks(job.result);
  const groups = metricGroupsOf(job.kind);
  const modelLinks: JobModelLink[] =
    models ??
    (job.model ? [{ role: job.params.baseModelId !== undefined ? "Base model" : "Model", id: job.model.id, name: job.model.name, exists: true }] : []);
  const eta = job.status === "running" && now !== null ? timeLeft(job, now) : null;

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center gap-4">
        <JobStatusBadge status={job.status} cancelling={job.cancelRequested} />
        <JobProgressBar progress={job.progress} status={job.status} />
        {eta !== null && (
          <span className="text-sm text-slate-600" data-testid="job-eta">
            about {eta} left
          </span>
        )}
        {canCancel && !finished && (
          <button
            type="button"
            onClick={cancel}
            disabled={cancelling || job.cancelRequested}
            className="rounded border border-red-300 px-3 py-1 text-sm text-red-700 hover:bg-red-50 disabled:opacity-50"
          >
            {job.cancelRequested ? "Cancelling…" : "Cancel"}
          </button>
        )}
      </div>
      <p className="text-sm" data-testid="job-message" aria-live="polite">
        {job.message ?? ""}
      </p>
      {job.error && job.status !== "succeeded" && (
        <p role="alert" className="text-sm text-red-700" data-testid="job-error">
          {job.error}
        </p>
      )}
      {error && <p className="text-sm text-amber-700">Could not refresh: {error}</p>}
      {job.status === "succeeded" && producedModel && (
        <p className="text-sm text-emerald-700" data-testid="job-model">
          {`Registered ${producedModel.kind} model `}
          <Link href={`/research/models/${producedModel.id}`} className="underline">
            {producedModel.name}
          </Link>
          .
        </p>
      )}
      {job.status === "succeeded" && job.projectId !== null && (
        <p className="text-sm text-emerald-700" data-testid="job-outcome">
          {produced !== null ? `${produced} new task${produced === 1 ? "" : "s"} in ` : "Done — see "}
          {projectHref ? (
            <Link href={projectHref} className="underline">
              {job.projectName ?? `project ${job.projectId}`}
            </Link>
          ) : (
            (job.projectName ?? `project ${job.projectId}`)
          )}
          .
        </p>
      )}
      {job.status === "succeeded" && producedModel && producedActions}
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500">Kind</dt>
        <dd>
          {job.title} <span className="font-mono text-xs text-slate-500">({job.kind})</span>
        </dd>
        <dt className="text-slate-500">Project</dt>
        <dd>
          {job.projectId === null ? (
            "—"
          ) : projectHref ? (
            <Link href={projectHref} className="text-indigo-700 underline">
              {job.projectName ?? job.projectId}
            </Link>
          ) : (
            (job.projectName ?? job.projectId)
          )}
        </dd>
        {modelLinks.map((m) => (
          <div key={m.role} className="contents" data-testid={`job-model-${m.role.toLowerCase().replace(/\W+/g, "-")}`}>
            <dt className="text-slate-500">{m.role}</dt>
            <dd>
              {m.exists ? (
                <Link href={`/research/models/${m.id}`} className="text-indigo-700 underline">
                  {m.name}
                </Link>
              ) : (
                `${m.name} (no longer registered)`
              )}
            </dd>
          </div>
        ))}
        <dt className="text-slate-500">Started by</dt>
        <dd>{job.createdByEmail ?? "—"}</dd>
        <dt className="text-slate-500">Created</dt>
        <dd>{formatTime(job.createdAt)}</dd>
        <dt className="text-slate-500">Started</dt>
        <dd>
          {formatTime(job.startedAt)}
          {job.attempts > 1 ? ` (attempt ${job.attempts})` : ""}
        </dd>
        <dt className="text-slate-500">Finished</dt>
        <dd>{formatTime(job.finishedAt)}</dd>
      </dl>
      {metrics.length > 0 && (
        <section className="flex flex-col gap-2" aria-label="Metrics">
          <h2 className="text-lg font-medium">Metrics</h2>
          <JobMetricsChart points={metrics} groups={groups} />
        </section>
      )}
      <JobOutputs kind={job.kind} outputs={outputs} />
      <section className="flex flex-col gap-2" aria-label="Messages">
        <h2 className="text-lg font-medium">Messages</h2>
        <ol className="max-h-80 overflow-y-auto rounded-lg border border-slate-200 bg-white p-3 font-mono text-xs" data-testid="job-events">
          {events.length === 0 && <li className="text-slate-500">No messages yet.</li>}
          {events.map((e) => (
            <li key={e.id} className={e.level === "error" ? "text-red-700" : e.level === "warn" ? "text-amber-700" : ""}>
              <span className="text-slate-400">{formatTime(e.createdAt).slice(11, 19)}</span> {e.text}
            </li>
          ))}
          <li ref={logEnd} aria-hidden />
        </ol>
      </section>
      <details className="text-sm">
        <summary className="cursor-pointer text-slate-600">Parameters{job.result ? " and result" : ""}</summary>
        <pre className="mt-2 overflow-x-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify({ params: job.params, result: job.result }, null, 2)}</pre>
      </details>
    </div>
  );
}

/** The time left, extrapolated from the time since the job started and its progress: "3 min 20 s"; null before any progress. */
function timeLeft(job: JobView, now: number): string | null {
  if (job.startedAt === null || job.progress <= 0.005 || job.progress >= 1) return null;
  const elapsed = Math.max(0, now - job.startedAt);
  const seconds = Math.round((elapsed * (1 - job.progress)) / job.progress / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** How many tasks a finished job wrote (generation reports tasksCreated, plus those written before a restart). */
function producedTasks(result: Record<string, unknown> | null): number | null {
  if (!result || typeof result.tasksCreated !== "number") return null;
  return result.tasksCreated + (typeof result.resumed === "number" ? result.resumed : 0);
}
