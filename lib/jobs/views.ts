// What the job pages and the jobs API show: jobs with their project's name, one job with its
// events and metric points (incrementally, for pages that poll), and the validation of a new
// job submitted from the app (the kind's parameters, then the rows they name must exist).
import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { jobs, models, projects, prompts, users, type JobStatus } from "../../db/schema";
import type { Role } from "../../db/schema";
import { BEST_OF_N_JOB_KIND, bestOfNRequestParamsSchema } from "../best-of-n/job-params";
import { DPO_JOB_KIND, dpoRequestParamsSchema } from "../dpo/job-params";
import { GENERATE_JOB_KIND, generateJobParamsSchema } from "../generation/job-params";
import { GRPO_JOB_KIND, grpoRequestParamsSchema } from "../grpo/job-params";
import { PPO_JOB_KIND, ppoRequestParamsSchema } from "../ppo/job-params";
import { SFT_JOB_KIND, sftRequestParamsSchema } from "../sft/job-params";
import { checkSftParams } from "../sft/param-checks";
import { SCORE_JOB_KIND, TRAIN_RM_JOB_KIND, scoreJobParamsSchema, trainRmRequestParamsSchema } from "../reward/job-params";
import type { FieldIssue } from "../http";
import { promptPreview } from "../labeling/browse";
import { checkGenerateParams, checkPpoParams, checkScoreParams, checkTrainRmParams } from "./param-checks";
import { bestOfNJobKind } from "./kinds/best-of-n";
import { dpoJobKind } from "./kinds/dpo";
import { grpoJobKind } from "./kinds/grpo";
import { IMPORT_JOB_KIND } from "./kinds/import";
import { PROJECT_STATS_JOB_KIND } from "../stats/job-params";
import { enqueueJob, jobEventsSince, jobMetricsSince, jobOutputsOf, type Job, type JobEvent, type JobMetric } from "./queue";

/** Titles of the job kinds the app shows (the registry holds the code; this is only display). */
const KIND_TITLES: Record<string, string> = {
  [GENERATE_JOB_KIND]: "Generate completions",
  [TRAIN_RM_JOB_KIND]: "Reward-model training",
  [SCORE_JOB_KIND]: "Reward scoring",
  [PPO_JOB_KIND]: "PPO",
  [IMPORT_JOB_KIND]: "Import",
  [PROJECT_STATS_JOB_KIND]: "Project statistics (cache refresh)",
  snapshot: "Snapshot",
  [DPO_JOB_KIND]: "DPO",
  [GRPO_JOB_KIND]: "GRPO",
  [SFT_JOB_KIND]: "SFT",
  [BEST_OF_N_JOB_KIND]: "Best-of-n",
};

export function jobKindTitle(kind: string): string {
  return KIND_TITLES[kind] ?? kind;
}

export interface JobView {
  id: number;
  kind: string;
  title: string;
  status: JobStatus;
  /** 0–1. */
  progress: number;
  message: string | null;
  error: string | null;
  result: Record<string, unknown> | null;
  params: Record<string, unknown>;
  cancelRequested: boolean;
  attempts: number;
  projectId: number | null;
  projectName: string | null;
  createdBy: number | null;
  createdByEmail: string | null;
  /** The registry model the job's parameters name (`params.modelId`, a training job's `params.baseModelId`, a PPO job's `params.policyModelId`), when there is one (detail views only). */
  model: { id: number; name: string } | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  heartbeatAt: number | null;
}

const jobColumns = {
  job: jobs,
  projectName: projects.name,
  createdByEmail: users.email,
};

function toView(row: { job: Job; projectName: string | null; createdByEmail: string | null }): JobView {
  const { job } = row;
  return {
    id: job.id,
    kind: job.kind,
    title: jobKindTitle(job.kind),
    status: job.status,
    progress: job.progress,
    message: job.message,
    error: job.error,
    result: job.result,
    params: job.params,
    cancelRequested: job.cancelRequested,
    attempts: job.attempts,
    projectId: job.projectId,
    projectName: row.projectName,
    createdBy: job.createdBy,
    createdByEmail: row.createdByEmail,
    model: null,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    heartbeatAt: job.heartbeatAt,
  };
}

export function getJobView(db: Db, id: number): JobView | undefined {
  const row = db
    .select(jobColumns)
    .from(jobs)
    .leftJoin(projects, eq(projects.id, jobs.projectId))
    .leftJoin(users, eq(users.id, jobs.createdBy))
    .where(eq(jobs.id, id))
    .get();
  if (!row) return undefined;
  const view = toView(row);
  const modelId = row.job.params.modelId ?? row.job.params.baseModelId ?? row.job.params.policyModelId;
  if (typeof modelId === "number") {
    view.model = db.select({ id: models.id, name: models.name }).from(models).where(eq(models.id, modelId)).get() ?? null;
  }
  return view;
}

export const jobListQuerySchema = z
  .object({
    projectId: z.coerce.number().int().positive().optional(),
    kind: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();
export type JobListQuery = z.infer<typeof jobListQuerySchema>;

/** The newest jobs first. */
export function listJobViews(db: Db, filter: JobListQuery = {}): JobView[] {
  return db
    .select(jobColumns)
    .from(jobs)
    .leftJoin(projects, eq(projects.id, jobs.projectId))
    .leftJoin(users, eq(users.id, jobs.createdBy))
    .where(
      and(
        filter.projectId !== undefined ? eq(jobs.projectId, filter.projectId) : undefined,
        filter.kind !== undefined ? eq(jobs.kind, filter.kind) : undefined,
      ),
    )
    .orderBy(desc(jobs.id))
    .limit(filter.limit ?? 100)
    .all()
    .map(toView);
}

export const jobDetailQuerySchema = z
  .object({
    /** Only events with a larger id (the last one the page has). */
    afterEvent: z.coerce.number().int().min(0).optional(),
    /** Only metric points with a larger id. */
    afterMetric: z.coerce.number().int().min(0).optional(),
    /** "false": leave the job's parameters out (they can be large; a polling page has them already). */
    params: z.enum(["true", "false"]).optional(),
  })
  .strict();
export type JobDetailQuery = z.infer<typeof jobDetailQuerySchema>;

export interface JobDetail {
  job: JobView;
  /** Events after `afterEvent`, oldest first. */
  events: JobEvent[];
  /** Metric points after `afterMetric`, oldest first. */
  metrics: JobMetric[];
  /** The job's published outputs by name (e.g. a PPO run's latest evaluation). */
  outputs: Record<string, { value: unknown; updatedAt: number }>;
}

export function getJobDetail(db: Db, id: number, query: JobDetailQuery = {}): JobDetail | undefined {
  const view = getJobView(db, id);
  if (!view) return undefined;
  const job = query.params === "false" ? { ...view, params: {} } : view;
  return {
    job,
    events: jobEventsSince(db, id, query.afterEvent ?? 0),
    metrics: jobMetricsSince(db, id, query.afterMetric ?? 0),
    outputs: jobOutputsOf(db, id),
  };
}

/** A prompt of a project as the generation form lists it. */
export interface PromptOption {
  id: number;
  preview: string;
}

/** Every prompt id of a project, in order (what "all prompts" of the generation form sends). */
export function projectPromptIds(db: Db, projectId: number): number[] {
  return db
    .select({ id: prompts.id })
    .from(prompts)
    .where(eq(prompts.projectId, projectId))
    .orderBy(asc(prompts.id))
    .all()
    .map((p) => p.id);
}

/** The first `limit` prompts of a project with a one-line preview, for picking a selection. */
export function projectPromptOptions(db: Db, projectId: number, limit = 2000): PromptOption[] {
  return db
    .select({ id: prompts.id, messages: prompts.messages })
    .from(prompts)
    .where(eq(prompts.projectId, projectId))
    .orderBy(asc(prompts.id))
    .limit(limit)
    .all()
    .map((p) => ({ id: p.id, preview: promptPreview(p.messages, 120) }));
}

/** POST /api/jobs: a job kind the app may start, with its parameters. */
export const newJobSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal(GENERATE_JOB_KIND), params: generateJobParamsSchema }).strict(),
  z.object({ kind: z.literal(TRAIN_RM_JOB_KIND), params: trainRmRequestParamsSchema }).strict(),
  z.object({ kind: z.literal(SCORE_JOB_KIND), params: scoreJobParamsSchema }).strict(),
  z.object({ kind: z.literal(PPO_JOB_KIND), params: ppoRequestParamsSchema }).strict(),
  z.object({ kind: z.literal(GRPO_JOB_KIND), params: grpoRequestParamsSchema }).strict(),
  z.object({ kind: z.literal(DPO_JOB_KIND), params: dpoRequestParamsSchema }).strict(),
  z.object({ kind: z.literal(SFT_JOB_KIND), params: sftRequestParamsSchema }).strict(),
  z.object({ kind: z.literal(BEST_OF_N_JOB_KIND), params: bestOfNRequestParamsSchema }).strict(),
]);
export type NewJobRequest = z.infer<typeof newJobSchema>;

/** Who may start each kind from the app: generation fills annotators' queues (admins); training and scoring are research. */
export const JOB_START_ROLES: Record<NewJobRequest["kind"], readonly Role[]> = {
  [GENERATE_JOB_KIND]: ["admin"],
  [TRAIN_RM_JOB_KIND]: ["admin", "researcher"],
  [SCORE_JOB_KIND]: ["admin", "researcher"],
  [PPO_JOB_KIND]: ["admin", "researcher"],
  [GRPO_JOB_KIND]: ["admin", "researcher"],
  [DPO_JOB_KIND]: ["admin", "researcher"],
  [SFT_JOB_KIND]: ["admin", "researcher"],
  [BEST_OF_N_JOB_KIND]: ["admin", "researcher"],
};

export function mayStartJob(role: Role, kind: NewJobRequest["kind"]): boolean {
  return JOB_START_ROLES[kind].includes(role);
}

function isStartableKind(kind: string): kind is NewJobRequest["kind"] {
  return Object.hasOwn(JOB_START_ROLES, kind);
}

/** Who may cancel a job: admins any job; others a job of a kind their role may start (researchers start snapshots from their route). */
export function mayCancelJob(role: Role, kind: string): boolean {
  return role === "admin" || (role === "researcher" && kind === "snapshot") || (isStartableKind(kind) && mayStartJob(role, kind));
}

/**
 * Checks what the parameters name against the database (each kind's checks: param-checks.ts)
 * and enqueues the job. Returns the job, or the issues naming the offending fields.
 */
export function submitJob(db: Db, request: NewJobRequest, createdBy: number): { job: Job } | { issues: FieldIssue[] } {
  const issues = checkJobRequest(db, request);
  if (issues.length > 0) return { issues };
  return { job: enqueueJob(db, { kind: request.kind, params: request.params, projectId: request.params.projectId, createdBy }) };
}

function checkJobRequest(db: Db, request: NewJobRequest): FieldIssue[] {
  switch (request.kind) {
    case GENERATE_JOB_KIND:
      return checkGenerateParams(db, request.params);
    case TRAIN_RM_JOB_KIND:
      return checkTrainRmParams(db, request.params);
    case SCORE_JOB_KIND:
      return checkScoreParams(db, request.params);
    case PPO_JOB_KIND:
      return checkPpoParams(db, request.params);
    // Kinds that own their checks (JobKind.check); the ones above are to move there too.
    case GRPO_JOB_KIND:
      return grpoJobKind.check?.(db, request.params) ?? [];
    case DPO_JOB_KIND:
      return dpoJobKind.check?.(db, request.params) ?? [];
    case SFT_JOB_KIND:
      return checkSftParams(db, request.params);
    case BEST_OF_N_JOB_KIND:
      return bestOfNJobKind.check?.(db, request.params) ?? [];
  }
}
