// GET /api/projects/[id]/stats: progress, per-annotator counts and agreement (admin, researcher).
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { notFound, parseId, route } from "@/lib/http";
import { projectStats } from "@/lib/labeling/project-stats";

export const dynamic = "force-dynamic";

export const GET = route(async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const stats = id === undefined ? undefined : projectStats(getDb(), id);
  return stats ? Response.json(stats) : notFound("no such project");
});
