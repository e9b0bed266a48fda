// Ending sessions over HTTP against the built app: a signed-in cookie stops working as soon as the
// user's password or role changes or the account is disabled (through the API or the CLI), while
// other users' sessions go on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, startTestApp, type TestApp } from "@/tests/helpers/app";
import { palate } from "@/tests/helpers/cli";

describe("session revocation", () => {
  let app: TestApp;
  let admin: Client;
  let bystander: Client;
  beforeAll(async () => {
    app = await startTestApp();
    admin = await new Client(app.url).signIn("admin@palate.local");
    bystander = await new Client(app.url).signIn("researcher@palate.local");
  });
  afterAll(async () => {
    await app?.stop();
  });

  async function newResearcher(email: string): Promise<{ id: number; session: Client }> {
    const res = await admin.json("/api/users", "POST", { email, name: email, role: "researcher", password: "first-pass" });
    expect(res.status).toBe(201);
    const { user } = (await res.json()) as { user: { id: number } };
    const session = await new Client(app.url).signIn(email, "first-pass");
    expect((await session.fetch("/api/projects")).status).toBe(200);
    return { id: user.id, session };
  }

  async function expectEnded(session: Client): Promise<void> {
    expect((await session.fetch("/api/projects")).status).toBe(401);
    const page = await session.fetch("/research");
    expect(page.status).toBe(307);
    expect(page.headers.get("location")).toContain("/login");
    const state = (await (await session.fetch("/api/auth/session")).json()) as { user?: unknown };
    expect(state.user).toBeUndefined();
  }

  it("a password change ends the user's open sessions (all of them); the new password signs in", async () => {
    const { id, session } = await newResearcher("pw-change@example.org");
    const second = await new Client(app.url).signIn("pw-change@example.org", "first-pass");
    expect((await admin.json(`/api/users/${id}`, "PATCH", { password: "second-pass" })).status).toBe(200);
    await expectEnded(session);
    await expectEnded(second);
    const fresh = await new Client(app.url).signIn("pw-change@example.org", "second-pass");
    expect((await fresh.fetch("/api/projects")).status).toBe(200);
    expect((await bystander.fetch("/api/projects")).status).toBe(200);
  });

  it("a role change ends the user's sessions; a rename does not", async () => {
    const { id, session } = await newResearcher("role-change@example.org");
    expect((await admin.json(`/api/users/${id}`, "PATCH", { name: "Renamed" })).status).toBe(200);
    expect((await session.fetch("/api/projects")).status).toBe(200);
    expect((await admin.json(`/api/users/${id}`, "PATCH", { role: "annotator" })).status).toBe(200);
    await expectEnded(session);
    expect((await bystander.fetch("/api/projects")).status).toBe(200);
  });

  it("disabling ends the sessions, and enabling does not bring the old cookie back", async () => {
    const { id, session } = await newResearcher("disable@example.org");
    expect((await admin.json(`/api/users/${id}`, "PATCH", { disabled: true })).status).toBe(200);
    await expectEnded(session);
    expect((await admin.json(`/api/users/${id}`, "PATCH", { disabled: false })).status).toBe(200);
    await expectEnded(session);
    await new Client(app.url).signIn("disable@example.org", "first-pass");
  });

  it("`palate users set-role` on the same database ends the sessions of the running app's user", async () => {
    const { session } = await newResearcher("cli-role@example.org");
    const run = await palate(app.dbPath, ["users", "set-role", "--email", "cli-role@example.org", "--role", "annotator"]);
    expect(run.status, run.stderr).toBe(0);
    await expectEnded(session);
  });
});
