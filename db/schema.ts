// The Drizzle schema: every table Palate keeps in SQLite.
// Times are unix milliseconds; JSON columns hold validated shapes (see lib/).
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";

/** A reviewer is an annotator who may also review (lib/quality/review-*.ts); admins and researchers review too. */
export const ROLES = ["admin", "researcher", "reviewer", "annotator"] as const;
export type Role = (typeof ROLES)[number];

export const FLAGS = ["harmful", "factually_wrong", "off_topic", "other"] as const;
export type Flag = (typeof FLAGS)[number];

export interface Message {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * A question a project asks about each completion, beside the ranking ("how good", where the
 * ranking says "which is better"). Validated by lib/labeling/questions.ts.
 * - `rating`: an integer from `min` to `max` (default 1–7), the ends labelled (`minLabel`, `maxLabel`);
 * - `tags`: any of a fixed set of tag names (multi-select).
 * `required`: every completion needs an answer, unless the ranking says "none acceptable".
 */
export type QualityQuestion =
  | { kind: "rating"; key: string; prompt: string; required: boolean; min: number; max: number; minLabel: string; maxLabel: string }
  | { kind: "tags"; key: string; prompt: string; required: boolean; tags: string[] };

/** An answer: a rating's integer, or the chosen tags. */
export type AnswerValue = number | string[];

/** One answer of a ranking about one of its completions. */
export interface CompletionAnswer {
  completionId: number;
  questionKey: string;
  value: AnswerValue;
}

/**
 * What a gold task expects of an annotator's ranking (lib/quality/gold-match.ts says when an
 * answer matches), in completion ids of the task:
 * - `ranking`: the full expected order, best group first, ties sharing a group;
 * - `first`: only that this completion is ranked first;
 * - `none`: that the annotator marks the task "none acceptable".
 */
/**
 * How annotators answer a task (lib/labeling/pairwise.ts):
 * - `ranking`: order every completion, best first, ties allowed;
 * - `pairwise`: two completions A and B, with a strength (A much better … B much better) or "both bad";
 *   stored as an ordinary ranking plus `rankings.strength`. Needs `completions_per_task` = 2;
 * - `demonstration`: write the ideal answer to the prompt (lib/demonstrations/): the task's
 *   completions, if any, are shown only as starting points (`projects.show_completions`), and R
 *   (`redundancy`) is how many demonstrations each prompt gets (default 1 in this mode).
 */
export const PROJECT_MODES = ["ranking", "pairwise", "demonstration"] as const;
export type ProjectMode = (typeof PROJECT_MODES)[number];

/**
 * Which eligible task an annotator gets first (lib/labeling/task-order.ts):
 * - `even`: the least-ranked task, oldest first (tasks fill up evenly);
 * - `uncertain`: the task whose completions the project's latest reward model scores closest together;
 * - `disagreement`: the task whose rankings so far agree least.
 */
export const TASK_ORDERS = ["even", "uncertain", "disagreement"] as const;
export type TaskOrder = (typeof TASK_ORDERS)[number];

export type GoldExpectation = { kind: "ranking"; groups: number[][] } | { kind: "first"; completionId: number } | { kind: "none" };

const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash"),
  role: text("role", { enum: ROLES }).notNull(),
  disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
  /** Carried in each session's JWT; bumped on a password change, role change or disable, which ends every session of the user at once. */
  sessionVersion: integer("session_version").notNull().default(0),
  createdAt: integer("created_at").notNull().default(now),
});

export const projects = sqliteTable("projects", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  guidelines: text("guidelines").notNull().default(""),
  /** K: how many completions each task shows. */
  completionsPerTask: integer("completions_per_task").notNull().default(4),
  /** R: how many annotators rank each task. */
  redundancy: integer("redundancy").notNull().default(3),
  /** An assignment not submitted within this many seconds returns to the pool. */
  assignmentTimeoutSeconds: integer("assignment_timeout_seconds").notNull().default(1800),
  /** The questions asked about each completion beside the ranking (none by default). */
  qualityQuestions: text("quality_questions", { mode: "json" }).$type<QualityQuestion[]>().notNull().default([]),
  /** The chance (0–1) that an annotator's next task is a gold task they have not done, while there is one. */
  goldShare: real("gold_share").notNull().default(0.1),
  /** Below this gold accuracy (0–1), after `goldMinAnswers` gold answers, an annotator is paused on the project. */
  goldAccuracyThreshold: real("gold_accuracy_threshold").notNull().default(0.6),
  goldMinAnswers: integer("gold_min_answers").notNull().default(5),
  /** A task whose rankings agree less than this on average (pairwise agreement, 0–1) goes to the review queue. */
  reviewAgreementThreshold: real("review_agreement_threshold").notNull().default(0.6),
  /** How annotators answer: rank every completion, or compare two with a strength. */
  mode: text("mode", { enum: PROJECT_MODES }).notNull().default("ranking"),
  /** Which eligible task is handed out first. */
  taskOrder: text("task_order", { enum: TASK_ORDERS }).notNull().default("even"),
  /** Demonstration mode: show the task's model completions as starting points for the answer. */
  showCompletions: integer("show_completions", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull().default(now),
});

/** A conversation to complete: the messages up to the turn the completions answer. */
export const prompts = sqliteTable(
  "prompts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    messages: text("messages", { mode: "json" }).$type<Message[]>().notNull(),
    /** Where the prompt came from (e.g. an Open-Assistant message id). */
    externalId: text("external_id"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("prompts_project").on(t.projectId)],
);

/** One unit of annotation work: a prompt with a set of completions to rank. */
export const tasks = sqliteTable(
  "tasks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    promptId: integer("prompt_id")
      .notNull()
      .references(() => prompts.id, { onDelete: "cascade" }),
    /** Set when the task is gold: what it expects of a ranking. Gold tasks are served apart (lib/quality/gold-serving.ts). */
    gold: text("gold", { mode: "json" }).$type<GoldExpectation>(),
    /** Rankings asked beyond the project's R: a reviewer's "send back for more rankings" raises it. */
    extraRedundancy: integer("extra_redundancy").notNull().default(0),
    createdAt: integer("created_at").notNull().default(now),
    /**
     * The task's load for the assignment rule: its rankings plus its assignments marked active
     * (those past their expiry are marked expired at the start of each request for work). Kept
     * by triggers (migration 0012) in the transaction of every write to rankings or assignments,
     * so the next task is found by walking tasks_project_load instead of counting every task's
     * rankings on each request. Never written by code. (A new column of tasks that statistics
     * read must be added to the column list of the tasks_update_project_version trigger, which
     * leaves this one out.)
     */
    load: integer("load").notNull().default(0),
  },
  (t) => [
    index("tasks_project").on(t.projectId),
    index("tasks_prompt").on(t.promptId),
    index("tasks_project_gold")
      .on(t.projectId)
      .where(sql`${t.gold} IS NOT NULL`),
    index("tasks_project_load")
      .on(t.projectId, t.load, t.id)
      .where(sql`${t.gold} IS NULL`),
    index("tasks_project_extra")
      .on(t.projectId)
      .where(sql`${t.extraRedundancy} > 0`),
  ],
);

export const completions = sqliteTable(
  "completions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    taskId: integer("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    /** Display order within the task (0-based). */
    position: integer("position").notNull(),
    text: text("text").notNull(),
    model: text("model"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [uniqueIndex("completions_task_position").on(t.taskId, t.position)],
);

export const ASSIGNMENT_STATUSES = ["active", "submitted", "skipped", "expired"] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

export const assignments = sqliteTable(
  "assignments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    taskId: integer("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: ASSIGNMENT_STATUSES }).notNull().default("active"),
    skipReason: text("skip_reason"),
    createdAt: integer("created_at").notNull().default(now),
    expiresAt: integer("expires_at").notNull(),
    closedAt: integer("closed_at"),
  },
  (t) => [
    index("assignments_task_status").on(t.taskId, t.status),
    index("assignments_user_status").on(t.userId, t.status),
    // The active ones by expiry: what expireAssignments looks up on every request for work.
    index("assignments_active_expiry")
      .on(t.expiresAt)
      .where(sql`${t.status} = 'active'`),
    uniqueIndex("assignments_one_per_user_task").on(t.taskId, t.userId),
  ],
);

/**
 * A ranking: the full order of a task's completions as ranked groups, best first.
 * Completions in the same group are tied.
 */
export const rankings = sqliteTable(
  "rankings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    taskId: integer("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    /** Null for imported rankings. One ranking per assignment, so a repeated submit cannot add a second. */
    assignmentId: integer("assignment_id")
      .unique()
      .references(() => assignments.id),
    groups: text("groups", { mode: "json" }).$type<number[][]>().notNull(),
    noneAcceptable: integer("none_acceptable", { mode: "boolean" }).notNull().default(false),
    /**
     * A pairwise answer's strength (lib/labeling/pairwise.ts): 2 much better, 1 better, 0 tie (or
     * both bad); null for a ranking-mode ranking. Exported as TRL's `margin`.
     */
    strength: integer("strength"),
    comment: text("comment"),
    secondsSpent: real("seconds_spent"),
    source: text("source", { enum: ["annotator", "imported"] })
      .notNull()
      .default("annotator"),
    /** When the first version was submitted (the edit window counts from here). */
    createdAt: integer("created_at").notNull().default(now),
    /** 1 for the ranking as first submitted; each edit adds one (earlier versions: `rankingRevisions`). */
    version: integer("version").notNull().default(1),
    /** When the current version was submitted by an edit; null while the ranking was never edited. */
    updatedAt: integer("updated_at"),
  },
  (t) => [index("rankings_task").on(t.taskId), index("rankings_user").on(t.userId)],
);

/**
 * The audit trail of edited rankings: each superseded version of a ranking, copied here in the
 * same transaction that writes the new version into `rankings` (which always holds the current
 * one, so exports, statistics and training read only current versions).
 */
export const rankingRevisions = sqliteTable(
  "ranking_revisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    rankingId: integer("ranking_id")
      .notNull()
      .references(() => rankings.id, { onDelete: "cascade" }),
    /** The version this row keeps (1 = as first submitted). */
    version: integer("version").notNull(),
    groups: text("groups", { mode: "json" }).$type<number[][]>().notNull(),
    noneAcceptable: integer("none_acceptable", { mode: "boolean" }).notNull(),
    /** The version's pairwise strength (null in ranking mode). */
    strength: integer("strength"),
    flags: text("flags", { mode: "json" }).$type<{ completionId: number; flag: Flag }[]>().notNull(),
    /** The per-completion answers of this version (`ranking_answers` holds the current version's). */
    answers: text("answers", { mode: "json" }).$type<CompletionAnswer[]>().notNull().default([]),
    comment: text("comment"),
    secondsSpent: real("seconds_spent"),
    /** When this version was submitted. */
    submittedAt: integer("submitted_at").notNull(),
    /** When the next version replaced it. */
    supersededAt: integer("superseded_at").notNull(),
  },
  (t) => [uniqueIndex("ranking_revisions_ranking_version").on(t.rankingId, t.version)],
);

export const rankingFlags = sqliteTable(
  "ranking_flags",
  {
    rankingId: integer("ranking_id")
      .notNull()
      .references(() => rankings.id, { onDelete: "cascade" }),
    completionId: integer("completion_id")
      .notNull()
      .references(() => completions.id, { onDelete: "cascade" }),
    flag: text("flag", { enum: FLAGS }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.rankingId, t.completionId, t.flag] }), index("ranking_flags_completion").on(t.completionId)],
);

/**
 * A ranking's answers to the project's per-completion questions (`projects.quality_questions`),
 * one row per completion and question, written in the transaction that writes the ranking; an
 * edit rewrites them (the superseded version's answers go to `ranking_revisions.answers`).
 */
export const rankingAnswers = sqliteTable(
  "ranking_answers",
  {
    rankingId: integer("ranking_id")
      .notNull()
      .references(() => rankings.id, { onDelete: "cascade" }),
    completionId: integer("completion_id")
      .notNull()
      .references(() => completions.id, { onDelete: "cascade" }),
    questionKey: text("question_key").notNull(),
    /** A rating's integer or the chosen tags (JSON). */
    value: text("value", { mode: "json" }).$type<AnswerValue>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.rankingId, t.completionId, t.questionKey] }), index("ranking_answers_completion").on(t.completionId)],
);

/** The pairwise comparisons a ranking implies (every pair of different groups), written with the ranking. */
export const comparisons = sqliteTable(
  "comparisons",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    rankingId: integer("ranking_id")
      .notNull()
      .references(() => rankings.id, { onDelete: "cascade" }),
    chosenId: integer("chosen_id")
      .notNull()
      .references(() => completions.id, { onDelete: "cascade" }),
    rejectedId: integer("rejected_id")
      .notNull()
      .references(() => completions.id, { onDelete: "cascade" }),
    /** Group indices (0 = best) of the two completions. */
    chosenGroup: integer("chosen_group").notNull(),
    rejectedGroup: integer("rejected_group").notNull(),
  },
  // chosen_id and rejected_id are indexed for their foreign keys: deleting a completion (a task,
  // a project, a rolled-back import) looks up its comparisons, a full scan per row without them.
  (t) => [index("comparisons_ranking").on(t.rankingId), index("comparisons_chosen").on(t.chosenId), index("comparisons_rejected").on(t.rejectedId)],
);

export const REVIEW_ACTIONS = ["final", "send_back"] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/**
 * A reviewer's decisions on a task, one row each, kept as a history: `final` sets the task's
 * reviewed ranking (the latest `final` row is the one exports use), `send_back` asked for
 * `addedRankings` more rankings (raising `tasks.extra_redundancy` in the same transaction).
 */
export const taskReviews = sqliteTable(
  "task_reviews",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    taskId: integer("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    reviewerId: integer("reviewer_id")
      .notNull()
      .references(() => users.id),
    action: text("action", { enum: REVIEW_ACTIONS }).notNull(),
    /** The final ranking (completion ids, best group first); null for a send-back. */
    groups: text("groups", { mode: "json" }).$type<number[][]>(),
    noneAcceptable: integer("none_acceptable", { mode: "boolean" }).notNull().default(false),
    addedRankings: integer("added_rankings"),
    comment: text("comment"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("task_reviews_task").on(t.taskId, t.id)],
);

export const DEMONSTRATION_STATUSES = ["draft", "submitted"] as const;
export type DemonstrationStatus = (typeof DEMONSTRATION_STATUSES)[number];
export const DEMONSTRATION_REVIEWS = ["pending", "accepted", "rejected"] as const;
export type DemonstrationReview = (typeof DEMONSTRATION_REVIEWS)[number];

/**
 * A demonstration: an annotator's ideal answer (markdown) to a task's prompt, in a project of
 * mode `demonstration` (lib/demonstrations/). One per task and annotator. A `draft` is saved as
 * the annotator writes (it survives a reload); `submitted` closes their assignment and counts
 * towards the task's load (triggers of migration 0013) like a ranking. A reviewer accepts or
 * rejects a submitted one (`review`); the SFT export can keep only accepted ones.
 */
export const demonstrations = sqliteTable(
  "demonstrations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    taskId: integer("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    /** Null for imported demonstrations. */
    assignmentId: integer("assignment_id")
      .unique()
      .references(() => assignments.id, { onDelete: "set null" }),
    text: text("text").notNull(),
    status: text("status", { enum: DEMONSTRATION_STATUSES }).notNull().default("draft"),
    source: text("source", { enum: ["annotator", "imported"] })
      .notNull()
      .default("annotator"),
    review: text("review", { enum: DEMONSTRATION_REVIEWS }).notNull().default("pending"),
    reviewerId: integer("reviewer_id").references(() => users.id, { onDelete: "set null" }),
    reviewComment: text("review_comment"),
    reviewedAt: integer("reviewed_at"),
    createdAt: integer("created_at").notNull().default(now),
    /** The last save (draft or submit). */
    updatedAt: integer("updated_at").notNull().default(now),
    submittedAt: integer("submitted_at"),
  },
  (t) => [
    uniqueIndex("demonstrations_task_user").on(t.taskId, t.userId),
    index("demonstrations_user").on(t.userId),
    index("demonstrations_reviewer").on(t.reviewerId),
  ],
);

/**
 * An admin's unpause of an annotator on a project: gold answers submitted before `resetAt` no
 * longer count towards their accuracy (the count starts again). One row per annotator and project.
 */
export const goldResets = sqliteTable(
  "gold_resets",
  {
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    resetAt: integer("reset_at").notNull(),
    resetBy: integer("reset_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] })],
);

/**
 * A project's data version (lib/stats/change-stamp.ts): a number that SQLite triggers
 * (migration 0011) raise in the same transaction as every write that can change the project's
 * statistics — its row, its tasks, completions, assignments, rankings and what hangs off them,
 * reviews, gold resets, and the users' names and roles — whatever code or process makes it.
 * The triggers create the row with the project; it starts at the creation time in ms, so a
 * database made again from scratch does not repeat an old cache's versions.
 */
export const projectVersions = sqliteTable("project_versions", {
  projectId: integer("project_id")
    .primaryKey()
    .references(() => projects.id, { onDelete: "cascade" }),
  version: integer("version").notNull(),
});

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Long work (generation, training) run by the worker in a child process. */
export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    params: text("params", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: JOB_STATUSES }).notNull().default("queued"),
    /** 0–1. */
    progress: real("progress").notNull().default(0),
    /** The latest human-readable progress line. */
    message: text("message"),
    error: text("error"),
    result: text("result", { mode: "json" }).$type<Record<string, unknown>>(),
    cancelRequested: integer("cancel_requested", { mode: "boolean" }).notNull().default(false),
    /** How many times a worker has started this job (a restart after a crash adds one). */
    attempts: integer("attempts").notNull().default(0),
    workerPid: integer("worker_pid"),
    heartbeatAt: integer("heartbeat_at"),
    projectId: integer("project_id").references(() => projects.id, { onDelete: "set null" }),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull().default(now),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("jobs_status").on(t.status, t.id)],
);

/** Scalar metrics a job logs as it runs (loss curves and the like), TRL names. */
export const jobMetrics = sqliteTable(
  "job_metrics",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    jobId: integer("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    step: integer("step").notNull(),
    name: text("name").notNull(),
    value: real("value").notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("job_metrics_job").on(t.jobId, t.id)],
);

/** The running log of a job: one row per message, shown live on the job page. */
export const jobEvents = sqliteTable(
  "job_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    jobId: integer("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    level: text("level", { enum: ["info", "warn", "error"] })
      .notNull()
      .default("info"),
    text: text("text").notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("job_events_job").on(t.jobId, t.id)],
);

/**
 * Structured outputs a job publishes while it runs, by name, the latest value only (a PPO run's
 * latest evaluation with its sample table, for instance); shown on the job page.
 */
export const jobOutputs = sqliteTable(
  "job_outputs",
  {
    jobId: integer("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    value: text("value", { mode: "json" }).$type<unknown>().notNull(),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.name] })],
);

export const MODEL_KINDS = ["policy", "reward", "reference"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
export const MODEL_SOURCES = ["palate", "openai"] as const;
export type ModelSource = (typeof MODEL_SOURCES)[number];

/**
 * The model registry: Palate model directories and OpenAI-compatible endpoints, with lineage
 * (the parent model and the job that produced it). The API key never leaves the server.
 */
export const models = sqliteTable("models", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  kind: text("kind", { enum: MODEL_KINDS }).notNull(),
  source: text("source", { enum: MODEL_SOURCES }).notNull(),
  /** A Palate model directory: absolute, or relative to the project root. */
  path: text("path"),
  /** An OpenAI-compatible server: base URL (e.g. http://127.0.0.1:8000/v1), model name, API key. */
  baseUrl: text("base_url"),
  remoteModel: text("remote_model"),
  apiKey: text("api_key"),
  parentId: integer("parent_id").references((): AnySQLiteColumn => models.id, { onDelete: "set null" }),
  jobId: integer("job_id").references(() => jobs.id, { onDelete: "set null" }),
  projectId: integer("project_id").references(() => projects.id, { onDelete: "set null" }),
  description: text("description"),
  /** Lineage and metrics (training set hash, final metrics, calibration, …). */
  metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
  createdAt: integer("created_at").notNull().default(now),
});

/**
 * A reward model's score of a completion (the scalar GPT2ForSequenceClassification reads at
 * the last token of prompt + completion). Written by the "score" job; one row per model and
 * completion, replaced when the model scores it again.
 */
export const completionScores = sqliteTable(
  "completion_scores",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    completionId: integer("completion_id")
      .notNull()
      .references(() => completions.id, { onDelete: "cascade" }),
    modelId: integer("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    score: real("score").notNull(),
    jobId: integer("job_id").references(() => jobs.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("completion_scores_completion_model").on(t.completionId, t.modelId), index("completion_scores_model").on(t.modelId)],
);
