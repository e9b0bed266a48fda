import { ANNOTATOR } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function AnnotatePage() {
  const user = await requirePageRole(ANNOTATOR, "/annotate");
  return <h1 className="text-xl font-semibold">My queue — {user.name}</h1>;
}
