import { ADMIN } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function AdminPage() {
  await requirePageRole(ADMIN, "/admin");
  return <h1 className="text-xl font-semibold">Admin</h1>;
}
