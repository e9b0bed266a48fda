// What a job kind is: a zod schema for its parameters and a function that does the work,
// reporting through a JobContext. Kinds that checkpoint say so and are resumed after a crash.
import type { z } from "zod";
import type { Db } from "../../db/client";
import type { FieldIssue } from "../http";

export class JobCancelledError extends Error {
  constructor() {
    super("cancelled");
  }
}

export interface JobContext<P> {
  jobId: number;
  params: P;
  /** 1 on the first run; more when the job resumes after an interruption (a restart, or a locked database). */
  attempt: number;
  db: Db;
  /** A directory for this job's checkpoints and artifacts (created). */
  artifactDir: string;
  /** Aborted when someone cancels the job. */
  signal: AbortSignal;
  /** Throws JobCancelledError when the job was cancelled. Call it between units of work. */
  throwIfCancelled(): void;
  progress(fraction: number, message?: string): void;
  log(text: string, level?: "info" | "warn" | "error"): void;
  metrics(step: number, values: Record<string, number>): void;
  /** Publishes a named, structured output (replacing its previous value), e.g. the latest evaluation. */
  output(name: string, value: unknown): void;
}

/**
 * The worker's lanes, each running one job at a time: `main` for most kinds, in queue order;
 * `quick` for kinds that finish in seconds and keep pages current, so they never wait behind a
 * long training run.
 */
export const JOB_LANES = ["main", "quick"] as const;
export type JobLane = (typeof JOB_LANES)[number];

export interface JobKind<P = unknown> {
  kind: string;
  /** Shown in the UI. */
  title: string;
  /** The worker's lane (default "main"). */
  lane?: JobLane;
  params: z.ZodType<P>;
  /** What the schema cannot check: the rows the parameters name exist and fit (issues name the field, `params.…`); run before the job is enqueued. */
  check?(db: Db, params: P): FieldIssue[];
  /** True when the kind checkpoints, so an interrupted run is queued again rather than failed. */
  resumable: boolean;
  run(ctx: JobContext<P>): Promise<Record<string, unknown> | void>;
}
