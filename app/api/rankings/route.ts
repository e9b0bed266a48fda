// GET /api/rankings?projectId=&taskId=&userId=&offset=&limit=: rankings with flags and annotator.
// Admins and researchers read every ranking; an annotator reads only their own (asking for
// another user's answers 403).
import { z } from "zod";
import { ANYONE, seesOnlyOwnWork } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { parseQuery, route } from "@/lib/http";
import { listRankings } from "@/lib/labeling/browse";

export const dynamic = "force-dynamic";

const id = z.coerce.number().int().positive();
const querySchema = z
  .object({
    projectId: id.optional(),
    taskId: id.optional(),
    userId: id.optional(),
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const GET = route(async (request: Request) => {
  const user = await authorize(ANYONE);
  if (user instanceof Response) return user;
  const query = parseQuery(request.url, querySchema);
  if (query instanceof Response) return query;
  if (seesOnlyOwnWork(user.role)) {
    if (query.userId !== undefined && query.userId !== user.id) {
      return Response.json({ error: "annotators read only their own rankings" }, { status: 403 });
    }
    query.userId = user.id;
  }
  return Response.json(listRankings(getDb(), query));
});
