// GET /api/annotate/projects (annotators): every project with the caller's own counters.
import { getDb } from "@/db/client";
import { ANNOTATOR } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { queueProjects } from "@/lib/labeling/queue";
import { route } from "@/lib/http";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const user = await authorize(ANNOTATOR);
  if (user instanceof Response) return user;
  return Response.json({ projects: queueProjects(getDb(), user.id) });
});
