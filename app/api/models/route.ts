// GET /api/models: the model registry (admin, researcher); API keys never leave the server,
// only `hasApiKey`. Registers the embedded default model first when its directory exists.
// POST /api/models: register a model (admin): {name, kind, source: "palate", path} or
// {name, kind, source: "openai", baseUrl, remoteModel, apiKey?} (+ description?, parentId?).
import { ADMIN, STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { badRequest, parseJsonBody, route } from "@/lib/http";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DuplicateModelError, ensureDefaultModel, getModelRow, listModels, modelDir, newModelSchema, registerModel } from "@/lib/models/registry";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const db = getDb();
  ensureDefaultModel(db);
  return Response.json({ models: listModels(db) });
});

export const POST = route(async (request: Request) => {
  const user = await authorize(ADMIN);
  if (user instanceof Response) return user;
  const input = await parseJsonBody(request, newModelSchema);
  if (input instanceof Response) return input;
  const db = getDb();
  if (input.source === "palate" && !existsSync(join(/*turbopackIgnore: true*/ modelDir({ path: input.path }), "config.json"))) {
    return badRequest("no Palate model directory there (config.json not found)", "path");
  }
  if (input.parentId != null && !getModelRow(db, input.parentId)) return badRequest("no such model", "parentId");
  try {
    return Response.json({ model: registerModel(db, input) }, { status: 201 });
  } catch (err) {
    if (err instanceof DuplicateModelError) return badRequest("a model with this name is already registered", "name");
    throw err;
  }
});
