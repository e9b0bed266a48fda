// GET /api/rankings/[id]: one ranking (its current version) with flags and annotator, and
// `revisions`: its earlier versions, oldest first (the audit trail of edits; empty when never
// edited). Admins and researchers read any; an annotator reads only their own (another's answers
// 404, as an unknown id does).
import { ANYONE, seesOnlyOwnWork } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { notFound, parseId, route } from "@/lib/http";
import { getRanking } from "@/lib/labeling/browse";
import { rankingRevisionsOf } from "@/lib/labeling/ranking-edit";

export const dynamic = "force-dynamic";

export const GET = route(async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(ANYONE);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  const ranking = id === undefined ? undefined : getRanking(db, id);
  if (!ranking || (seesOnlyOwnWork(user.role) && ranking.userId !== user.id)) return notFound("no such ranking");
  return Response.json({ ranking, revisions: rankingRevisionsOf(db, [ranking.id]).get(ranking.id) ?? [] });
});
