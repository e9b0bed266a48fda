// The users API over HTTP: create, validation naming the field, role changes and disabling
// taking effect at the next request, and the admin lockout guard.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, startTestApp, type TestApp } from "../helpers/app";

interface UserJson {
  id: number;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
}

describe("users API", () => {
  let app: TestApp;
  let admin: Client;
  beforeAll(async () => {
    app = await startTestApp();
    admin = await new Client(app.url).signIn("admin@palate.local");
  });
  afterAll(async () => {
    await app?.stop();
  });

  async function create(body: Record<string, unknown>): Promise<Response> {
    return admin.json("/api/users", "POST", body);
  }

  it("creates a user who can then sign in, and lists it without any password hash", async () => {
    const res = await create({ email: "New.Person@Example.com", name: "New Person", role: "annotator", password: "secret1" });
    expect(res.status).toBe(201);
    const { user } = (await res.json()) as { user: UserJson };
    expect(user).toMatchObject({ email: "new.person@example.com", name: "New Person", role: "annotator", disabled: false });

    const list = (await (await admin.fetch("/api/users")).json()) as { users: Record<string, unknown>[] };
    const listed = list.users.find((u) => u.email === "new.person@example.com");
    expect(listed).toBeDefined();
    expect(Object.keys(listed!)).not.toContain("passwordHash");

    await new Client(app.url).signIn("new.person@example.com", "secret1");
  });

  it("a duplicate email answers 400 naming the field", async () => {
    const res = await create({ email: "annotator1@palate.local", name: "Twin", role: "annotator", password: "secret1" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; issues: { field: string }[] };
    expect(body.issues.map((i) => i.field)).toEqual(["email"]);
    expect(body.error).toMatch(/^email: /);
  });

  it("invalid fields answer 400 naming each of them", async () => {
    const res = await create({ email: "not-an-email", name: "", role: "boss", password: "x", extra: 1 });
    expect(res.status).toBe(400);
    const { issues } = (await res.json()) as { issues: { field: string }[] };
    expect(issues.map((i) => i.field).sort()).toEqual(["email", "extra", "name", "password", "role"]);
  });

  it("a body that is not JSON answers 400", async () => {
    const res = await admin.fetch("/api/users", { method: "POST", headers: { "content-type": "application/json" }, body: "{oops" });
    expect(res.status).toBe(400);
  });

  it("a role change ends the user's session; signed in again, the new role applies", async () => {
    await create({ email: "promoted@example.com", name: "Promoted", role: "annotator", password: "secret1" });
    const user = await new Client(app.url).signIn("promoted@example.com", "secret1");
    expect((await user.fetch("/api/projects")).status).toBe(403);
    expect((await user.fetch("/research")).status).toBe(403);

    const id = await idOf("promoted@example.com");
    const patched = await admin.json(`/api/users/${id}`, "PATCH", { role: "researcher" });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { user: UserJson }).user.role).toBe("researcher");

    // The old session cookie no longer works (session version bumped); a new sign-in carries the new role.
    expect((await user.fetch("/api/projects")).status).toBe(401);
    const again = await new Client(app.url).signIn("promoted@example.com", "secret1");
    expect((await again.fetch("/api/projects")).status).toBe(200);
    expect((await again.fetch("/research")).status).toBe(200);
    expect((await again.fetch("/annotate")).status).toBe(403);
  });

  it("a disabled user cannot sign in and their open session stops working; enabling restores access", async () => {
    await create({ email: "leaver@example.com", name: "Leaver", role: "researcher", password: "secret1" });
    const session = await new Client(app.url).signIn("leaver@example.com", "secret1");
    expect((await session.fetch("/api/projects")).status).toBe(200);

    const id = await idOf("leaver@example.com");
    expect((await admin.json(`/api/users/${id}`, "PATCH", { disabled: true })).status).toBe(200);

    expect((await session.fetch("/api/projects")).status).toBe(401);
    const page = await session.fetch("/research");
    expect(page.status).toBe(307);
    expect(page.headers.get("location")).toContain("/login");
    await expect(new Client(app.url).signIn("leaver@example.com", "secret1")).rejects.toThrow(/sign-in/);

    expect((await admin.json(`/api/users/${id}`, "PATCH", { disabled: false })).status).toBe(200);
    await new Client(app.url).signIn("leaver@example.com", "secret1");
  });

  it("a password change replaces the old password", async () => {
    await create({ email: "rotate@example.com", name: "Rotate", role: "annotator", password: "old-pass" });
    const id = await idOf("rotate@example.com");
    expect((await admin.json(`/api/users/${id}`, "PATCH", { password: "new-pass", name: "Rotated" })).status).toBe(200);
    await expect(new Client(app.url).signIn("rotate@example.com", "old-pass")).rejects.toThrow(/sign-in/);
    await new Client(app.url).signIn("rotate@example.com", "new-pass");
  });

  it("an admin cannot disable or demote their own account", async () => {
    const me = await idOf("admin@palate.local");
    const disable = await admin.json(`/api/users/${me}`, "PATCH", { disabled: true });
    expect(disable.status).toBe(400);
    expect(((await disable.json()) as { issues: { field: string }[] }).issues[0].field).toBe("disabled");
    const demote = await admin.json(`/api/users/${me}`, "PATCH", { role: "annotator" });
    expect(demote.status).toBe(400);
    expect(((await demote.json()) as { issues: { field: string }[] }).issues[0].field).toBe("role");
    expect((await admin.fetch("/api/users")).status).toBe(200);
  });

  it("PATCH validates the body and answers 404 for unknown ids", async () => {
    const id = await idOf("annotator2@palate.local");
    const bad = await admin.json(`/api/users/${id}`, "PATCH", { role: "owner", email: "x@y.z" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: { field: string }[] }).issues.map((i) => i.field).sort()).toEqual(["email", "role"]);
    expect((await admin.json("/api/users/999999", "PATCH", { name: "Ghost" })).status).toBe(404);
    expect((await admin.json("/api/users/abc", "PATCH", { name: "Ghost" })).status).toBe(404);
    expect((await admin.fetch("/api/users/999999")).status).toBe(404);
  });

  async function idOf(email: string): Promise<number> {
    const { users } = (await (await admin.fetch("/api/users")).json()) as { users: UserJson[] };
    const user = users.find((u) => u.email === email);
    if (!user) throw new Error(`no user ${email}`);
    return user.id;
  }
});
