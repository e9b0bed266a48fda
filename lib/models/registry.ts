// The model registry: Palate model directories and OpenAI-compatible endpoints by name.
// Public views never carry the API key; only the server-side generation code reads it.
// The API key is stored encrypted or as an environment-variable reference (api-key.ts); endpoint
// URLs are http(s) only and never link-local or metadata hosts (endpoint-url.ts); a directory
// named by a person must lie under a model root (model-roots.ts).
import { existsSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { MODEL_KINDS, models } from "../../db/schema";
import { apiKeyInputSchema, sealClearApiKeys, storedApiKey } from "./api-key";
import { endpointUrlProblem } from "./endpoint-url";
import { modelNameSchema } from "./model-name";
import { modelPathProblem } from "./model-roots";
import { projectRoot } from "./project-root";

export { projectRoot };

export type ModelRow = typeof models.$inferSelect;
/** A registry entry as pages and APIs show it: no API key, only whether one is set. */
export type ModelView = Omit<ModelRow, "apiKey"> & { hasApiKey: boolean };

const base = {
  name: modelNameSchema,
  kind: z.enum(MODEL_KINDS),
  description: z.string().max(10_000).optional(),
  parentId: z.number().int().positive().nullable().optional(),
  jobId: z.number().int().positive().nullable().optional(),
  projectId: z.number().int().positive().nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
};

const baseUrlSchema = z
  .string()
  .trim()
  .url()
  .superRefine((url, ctx) => {
    const problem = endpointUrlProblem(url);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** A registry entry as code writes it (training jobs register the directories they wrote). */
export const modelEntrySchema = z.discriminatedUnion("source", [
  z.object({ ...base, source: z.literal("palate"), path: z.string().trim().min(1).max(4096) }).strict(),
  z
    .object({
      ...base,
      source: z.literal("openai"),
      baseUrl: baseUrlSchema,
      remoteModel: z.string().trim().min(1),
      /** The key itself (stored encrypted) or `env:NAME` (read from the environment at use). */
      apiKey: apiKeyInputSchema.optional(),
    })
    .strict(),
]);

/** A registration as a person asks for it (POST /api/models, `palate models add`): a directory must also lie under a model root. */
export const newModelSchema = modelEntrySchema.superRefine((entry, ctx) => {
  if (entry.source !== "palate") return;
  const problem = modelPathProblem(entry.path);
  if (problem) ctx.addIssue({ code: "custom", path: ["path"], message: problem });
});
export type NewModel = z.input<typeof modelEntrySchema>;

export class DuplicateModelError extends Error {
  constructor(name: string) {
    super(`name: a model named "${name}" is already registered`);
  }
}

/** A registry path made absolute. */
export function modelDir(row: Pick<ModelRow, "path">): string {
  if (!row.path) throw new Error("model has no directory");
  return isAbsolute(row.path) ? row.path : join(/*turbopackIgnore: true*/ projectRoot(), row.path);
}

/** A path as the registry stores it: relative to the project root when inside it. */
export function registryPath(dir: string): string {
  const rel = relative(/*turbopackIgnore: true*/ projectRoot(), dir);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) && !rel.split(sep).includes("..") ? rel : dir;
}

/** A project name as part of a default model name: lower-case, runs of other characters as "-". */
export function nameSlug(name: string, fallback = "project"): string {
  const slug = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^\w]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return slug || fallback;
}

export function toView(row: ModelRow): ModelView {
  const { apiKey, ...rest } = row;
  return { ...rest, hasApiKey: !!apiKey };
}

/** Writes a registry entry (checked with modelEntrySchema; callers facing people parse newModelSchema first). */
export function registerModel(db: Db, input: NewModel): ModelView {
  const data = modelEntrySchema.parse(input);
  if (getModelByName(db, data.name)) throw new DuplicateModelError(data.name);
  const row = db
    .insert(models)
    .values({
      name: data.name,
      kind: data.kind,
      source: data.source,
      path: data.source === "palate" ? data.path : null,
      baseUrl: data.source === "openai" ? data.baseUrl.replace(/\/+$/, "") : null,
      remoteModel: data.source === "openai" ? data.remoteModel : null,
      apiKey: data.source === "openai" ? storedApiKey(data.apiKey) : null,
      parentId: data.parentId ?? null,
      jobId: data.jobId ?? null,
      projectId: data.projectId ?? null,
      description: data.description ?? null,
      metadata: data.metadata ?? null,
    })
    .returning()
    .get();
  return toView(row);
}

/** The full row, API key included: for server-side generation code only. */
export function getModelRow(db: Db, id: number): ModelRow | undefined {
  return db.select().from(models).where(eq(models.id, id)).get();
}

export function getModelByName(db: Db, name: string): ModelRow | undefined {
  return db.select().from(models).where(eq(models.name, name.trim())).get();
}

/** The model a job registered (a training job's output), if any. */
export function modelOfJob(db: Db, jobId: number): ModelView | undefined {
  const row = db.select().from(models).where(eq(models.jobId, jobId)).orderBy(asc(models.id)).get();
  return row ? toView(row) : undefined;
}

export function listModels(db: Db): ModelView[] {
  return db.select().from(models).orderBy(asc(models.id)).all().map(toView);
}

export const DEFAULT_MODEL_NAME = "default-sft";
export const DEFAULT_MODEL_PATH = "models/default-sft";

/**
 * Registry upkeep whenever it is opened (`palate start`, the models pages and API): seals API keys
 * stored in clear by earlier versions, and registers the embedded default SFT model when its
 * directory exists and it is not registered yet.
 */
export function ensureDefaultModel(db: Db): ModelView | undefined {
  sealClearApiKeys(db);
  const existing = getModelByName(db, DEFAULT_MODEL_NAME);
  if (existing) return toView(existing);
  if (!existsSync(join(/*turbopackIgnore: true*/ projectRoot(), DEFAULT_MODEL_PATH, "config.json"))) return undefined;
  return registerModel(db, {
    name: DEFAULT_MODEL_NAME,
    kind: "policy",
    source: "palate",
    path: DEFAULT_MODEL_PATH,
    description: "The embedded default SFT model (see models/default-sft/MODEL_CARD.md).",
  });
}
