// POST /api/projects/[id]/gold/unpause {userId} (admin): the annotator may work on the project
// again; their gold count starts again from now (answers before do not count), so the pause rule
// applies afresh after the project's minimum number of new gold answers. 200 {userId, resetAt};
// 400 naming the field; 404 no such project or user.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { ADMIN } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseId, parseJsonBody, route } from "@/lib/http";
import { getProject } from "@/lib/projects";
import { unpauseAnnotator } from "@/lib/quality/gold-store";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ userId: z.number().int().positive() }).strict();

export const POST = route(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(ADMIN);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (!project) return notFound("no such project");
  const body = await parseJsonBody(request, bodySchema);
  if (body instanceof Response) return body;
  if (!db.select({ id: users.id }).from(users).where(eq(users.id, body.userId)).get()) return notFound(`no user ${body.userId}`);
  const resetAt = Date.now();
  unpauseAnnotator(db, project.id, body.userId, user.id, resetAt);
  return Response.json({ userId: body.userId, resetAt });
});
