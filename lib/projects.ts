// Projects: name, guidelines, K completions per task, R annotators per task, the gold and review
// settings, the answering mode (ranking, pairwise or demonstration) and the task order.
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { PROJECT_MODES, TASK_ORDERS, projects } from "../db/schema";

export type Project = typeof projects.$inferSelect;

export const projectSettingsSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    guidelines: z.string().max(100_000),
    completionsPerTask: z.number().int().min(2).max(9),
    redundancy: z.number().int().min(1).max(50),
    assignmentTimeoutSeconds: z
      .number()
      .int()
      .min(10)
      .max(7 * 24 * 3600),
    /** Gold tasks (lib/quality/gold-serving.ts, gold-match.ts): the chance a new task is gold, and the pause rule. */
    goldShare: z.number().min(0).max(1),
    goldAccuracyThreshold: z.number().min(0).max(1),
    goldMinAnswers: z.number().int().min(1).max(10_000),
    /** Tasks whose rankings agree less than this (mean pairwise agreement) go to the review queue. */
    reviewAgreementThreshold: z.number().min(0).max(1),
    /** Rank every completion, or compare two with a strength (lib/labeling/pairwise.ts); pairwise needs completionsPerTask = 2. */
    mode: z.enum(PROJECT_MODES),
    /** Which eligible task an annotator gets first (lib/labeling/task-order.ts). */
    taskOrder: z.enum(TASK_ORDERS),
    /** Demonstration mode: show the task's completions as starting points (lib/demonstrations/). */
    showCompletions: z.boolean(),
  })
  .strict();
export type ProjectSettings = z.infer<typeof projectSettingsSchema>;

export const newProjectSchema = projectSettingsSchema.partial().required({ name: true });

export class DuplicateProjectError extends Error {
  constructor(name: string) {
    super(`name: a project named "${name}" already exists`);
  }
}

/** Settings that do not go together; `field` names the one to change. */
export class ProjectSettingsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Pairwise mode shows two completions per task, so the project's K must be 2 (lib/labeling/pairwise.ts). */
function checkModeAndK(settings: { mode?: string; completionsPerTask?: number }): void {
  const k = settings.completionsPerTask ?? 4;
  if (settings.mode === "pairwise" && k !== 2)
    throw new ProjectSettingsError("mode", `pairwise mode compares two completions per task; set completionsPerTask to 2 (it is ${k})`);
}

export function createProject(db: Db, input: z.input<typeof newProjectSchema>): Project {
  const data = newProjectSchema.parse(input);
  if (getProjectByName(db, data.name)) throw new DuplicateProjectError(data.name);
  checkModeAndK(data);
  // A demonstration project asks one demonstration per prompt unless told otherwise (R is the count).
  const redundancy = data.redundancy ?? (data.mode === "demonstration" ? 1 : undefined);
  return db
    .insert(projects)
    .values({ ...data, ...(redundancy !== undefined && { redundancy }) })
    .returning()
    .get();
}

export function updateProject(db: Db, id: number, input: Partial<ProjectSettings>): Project | undefined {
  const data = projectSettingsSchema.partial().parse(input);
  if (data.name !== undefined) {
    const other = getProjectByName(db, data.name);
    if (other && other.id !== id) throw new DuplicateProjectError(data.name);
  }
  if (Object.keys(data).length === 0) return getProject(db, id);
  const current = getProject(db, id);
  if (current) checkModeAndK({ mode: data.mode ?? current.mode, completionsPerTask: data.completionsPerTask ?? current.completionsPerTask });
  return db.update(projects).set(data).where(eq(projects.id, id)).returning().get();
}

export function getProject(db: Db, id: number): Project | undefined {
  return db.select().from(projects).where(eq(projects.id, id)).get();
}

export function getProjectByName(db: Db, name: string): Project | undefined {
  return db.select().from(projects).where(eq(projects.name, name.trim())).get();
}

/** The project of that name, created with default settings when missing. */
export function ensureProject(db: Db, name: string): Project {
  return getProjectByName(db, name) ?? createProject(db, { name });
}

export function listProjects(db: Db): Project[] {
  return db.select().from(projects).orderBy(asc(projects.id)).all();
}
