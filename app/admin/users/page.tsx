import { getDb } from "@/db/client";
import { ADMIN } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listUsers } from "@/lib/users";
import { UsersManager } from "./users-manager";

import { AdminNav } from "../admin-nav";

export const dynamic = "force-dynamic";

export default async function AdminUsersPage() {
  const me = await requirePageRole(ADMIN, "/admin/users");
  return (
    <div className="flex flex-col gap-4">
      <AdminNav current="/admin/users" />
      <h1 className="text-xl font-semibold">Users</h1>
      <UsersManager initialUsers={listUsers(getDb())} currentUserId={me.id} />
    </div>
  );
}
