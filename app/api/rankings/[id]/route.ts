// GET /api/rankings/[id]: one ranking with flags and annotator. Admins and researchers read
// any; an annotator reads only their own (another's answers 404, as an unknown id does).
import { ANYONE } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { notFound, parseId } from "@/lib/http";
import { getRanking } from "@/lib/labeling/browse";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await authorize(ANYONE);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const ranking = id === undefined ? undefined : getRanking(getDb(), id);
  if (!ranking || (user.role === "annotator" && ranking.userId !== user.id)) return notFound("no such ranking");
  return Response.json({ ranking });
}
