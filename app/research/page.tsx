import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function ResearchPage() {
  await requirePageRole(STAFF, "/research");
  return <h1 className="text-xl font-semibold">Research</h1>;
}
