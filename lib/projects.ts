// Projects: name, guidelines, K completions per task, R annotators per task, the gold and review settings.
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { projects } from "../db/schema";

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
  })
  .strict();
export type ProjectSettings = z.infer<typeof projectSettingsSchema>;

export const newProjectSchema = projectSettingsSchema.partial().required({ name: true });

export class DuplicateProjectError extends Error {
  constructor(name: string) {
    super(`name: a project named "${name}" already exists`);
  }
}

export function createProject(db: Db, input: z.input<typeof newProjectSchema>): Project {
  const data = newProjectSchema.parse(input);
  if (getProjectByName(db, data.name)) throw new DuplicateProjectError(data.name);
  return db.insert(projects).values(data).returning().get();
}

export function updateProject(db: Db, id: number, input: Partial<ProjectSettings>): Project | undefined {
  const data = projectSettingsSchema.partial().parse(input);
  if (data.name !== undefined) {
    const other = getProjectByName(db, data.name);
    if (other && other.id !== id) throw new DuplicateProjectError(data.name);
  }
  if (Object.keys(data).length === 0) return getProject(db, id);
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
