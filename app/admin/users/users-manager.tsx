"use client";

// The admin's user list: create an account, change a role, disable or enable one.
// Every change goes through the /api/users route handlers.
import { useState } from "react";
import type { UserSummary } from "@/lib/users";
import { isImportedIdentityEmail } from "@/lib/auth/imported-identity";
import { callApi } from "@/app/components/api-client";
import { DataTable } from "@/app/components/data-table";

const ROLES = ["admin", "researcher", "reviewer", "annotator"] as const;

export function UsersManager({ initialUsers, currentUserId }: { initialUsers: UserSummary[]; currentUserId: number }) {
  const [users, setUsers] = useState(initialUsers);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setPending(true);
    setError(null);
    setNotice(null);
    const result = await callApi<{ user: UserSummary }>("/api/users", "POST", {
      email: String(form.get("email") ?? ""),
      name: String(form.get("name") ?? ""),
      role: String(form.get("role") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    setPending(false);
    if (!result.ok) return setError(result.error);
    setUsers((list) => [...list, result.data.user]);
    setNotice(`Created ${result.data.user.email}.`);
    formElement.reset();
  }

  async function patch(user: UserSummary, update: Partial<Pick<UserSummary, "role" | "disabled">>) {
    setError(null);
    setNotice(null);
    const result = await callApi<{ user: UserSummary }>(`/api/users/${user.id}`, "PATCH", update);
    if (!result.ok) return setError(`${user.email}: ${result.error}`);
    setUsers((list) => list.map((u) => (u.id === user.id ? result.data.user : u)));
    setNotice(`Updated ${user.email}.`);
  }

  return (
    <div className="flex flex-col gap-6">
      <form onSubmit={create} className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-5" aria-label="Create a user">
        <label className="flex flex-col gap-1 text-sm">
          Email
          <input name="email" type="email" required className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Name
          <input name="name" required className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Role
          <select name="role" defaultValue="annotator" className="rounded border border-slate-300 px-2 py-1">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Password
          <input name="password" type="password" required minLength={4} autoComplete="new-password" className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <button
          type="submit"
          disabled={pending}
          className="self-end rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
        >
          Create user
        </button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="text-sm text-emerald-700">
          {notice}
        </p>
      )}
      <DataTable testId="users-table" headers={["Email", "Name", "Role", "Status", null]}>
        {users.map((u) => {
          const self = u.id === currentUserId;
          // An imported rankings file's annotator: an identity of its projects, never signed in as.
          const imported = isImportedIdentityEmail(u.email);
          return (
            <tr key={u.id} className="border-t border-slate-100" data-testid={`user-${u.email}`}>
              <td className="py-1 pr-3">
                {u.email}
                {self && <span className="ml-1 text-slate-400">(you)</span>}
              </td>
              <td className="pr-3">{u.name}</td>
              <td className="pr-3">
                <select
                  aria-label={`Role of ${u.email}`}
                  value={u.role}
                  disabled={self || imported}
                  onChange={(e) => void patch(u, { role: e.target.value as UserSummary["role"] })}
                  className="rounded border border-slate-300 px-1 py-0.5"
                >
                  {ROLES.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </td>
              <td className="pr-3">
                {imported ? (
                  <span className="text-slate-500" title="Annotator of imported rankings: cannot sign in">
                    imported
                  </span>
                ) : u.disabled ? (
                  <span className="text-red-700">disabled</span>
                ) : (
                  "active"
                )}
              </td>
              <td className="pr-3">
                {!self && !imported && (
                  <button
                    type="button"
                    onClick={() => void patch(u, { disabled: !u.disabled })}
                    className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100"
                  >
                    {u.disabled ? "Enable" : "Disable"}
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </DataTable>
    </div>
  );
}
