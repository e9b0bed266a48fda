// GET /api/projects/[id]/tasks?offset=&limit=: a page of the project's tasks with ranking counts (admin, researcher).
import { z } from "zod";
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { notFound, parseId, parseQuery } from "@/lib/http";
import { listProjectTasks } from "@/lib/labeling/browse";
import { getProject } from "@/lib/projects";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  if (id === undefined || !getProject(db, id)) return notFound("no such project");
  const query = parseQuery(request.url, querySchema);
  if (query instanceof Response) return query;
  return Response.json(listProjectTasks(db, id, query));
}
