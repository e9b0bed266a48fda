import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, startTestApp, type TestApp } from "@/tests/helpers/app";

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

  it("after sign-in, callbackUrl leads only to a path on this site (no open redirect)", async () => {
    const client = await new Client(app.url).signIn("admin@palate.local");
    const origin = new URL(app.url).origin;
    for (const evil of [
      "/%5Cevil.example",
      "/%5C%2Fevil.example",
      "//evil.example",
      "/\\evil.example",
      "https://evil.example",
      "/%09/evil.example",
      "/.//evil.example",
    ]) {
      const res = await client.fetch(`/login?callbackUrl=${evil.startsWith("/%") ? evil : encodeURIComponent(evil)}`);
      expect(res.status, evil).toBe(307);
      const target = new URL(res.headers.get("location")!, app.url);
      expect(target.origin, `${evil} → ${res.headers.get("location")}`).toBe(origin);
    }
    const ok = await client.fetch(`/login?callbackUrl=${encodeURIComponent("/research?tab=1")}`);
    expect(ok.headers.get("location")).toMatch(/\/research\?tab=1$/);
  });

  it("anonymous page requests go to /login", async () => {
    const res = await new Client(app.url).fetch("/admin");
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toContain("/login");
  });
});
