import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, startTestApp, type TestApp } from "../helpers/app";

describe("sign-in over HTTP", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("the seeded accounts sign in and carry their role", async () => {
    for (const [email, role] of [
      ["admin@palate.local", "admin"],
      ["researcher@palate.local", "researcher"],
      ["annotator1@palate.local", "annotator"],
    ]) {
      const client = await new Client(app.url).signIn(email);
      const session = await (await client.fetch("/api/auth/session")).json();
      expect(session.user).toMatchObject({ email, role });
    }
  });

  it("a wrong password does not sign in", async () => {
    await expect(new Client(app.url).signIn("admin@palate.local", "wrong")).rejects.toThrow(/sign-in/);
  });

  it("anonymous page requests go to /login", async () => {
    const res = await new Client(app.url).fetch("/admin");
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toContain("/login");
  });
});
