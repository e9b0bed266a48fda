// Login throttling over HTTP against the built app: per account and per client address, 429 with
// Retry-After before the password is checked; the client address is the TCP peer (a forged
// X-Forwarded-For changes nothing) unless PALATE_TRUST_PROXY says a proxy in front sets it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_RULE, ADDRESS_RULE } from "@/lib/auth/login-throttle";
import { seedDemo } from "@/lib/demo/seed";
import { freePort, startApp, type AppServer } from "@/scripts/server";
import { DEMO_PASSWORD, tempDb } from "@/tests/helpers/app";
import { attempt } from "./throttle-helpers";

async function expectThrottled(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  const seconds = Number(res.headers.get("retry-after"));
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(((await res.json()) as { error: string }).error).toMatch(/too many/i);
}

async function startOn(env: Record<string, string> = {}): Promise<{ app: AppServer; cleanup(): void }> {
  const temp = tempDb();
  await seedDemo(temp.db);
  const app = await startApp({ dbPath: temp.path, port: await freePort(), host: "127.0.0.1", quiet: true, env: { ...process.env, ...env } });
  return { app, cleanup: temp.cleanup };
}

describe("login throttle, no proxy: the TCP peer is the client address", () => {
  let server: Awaited<ReturnType<typeof startOn>>;
  beforeAll(async () => {
    server = await startOn({ PALATE_TRUST_PROXY: "" });
  });
  afterAll(async () => {
    await server?.app.stop();
    server?.cleanup();
  });

  it("after the free failures on one account, even the right password answers 429 with Retry-After; another account still signs in", async () => {
    const url = server.app.url;
    for (let i = 0; i < ACCOUNT_RULE.free; i++) {
      const failed = await attempt(url, "annotator1@palate.local", "wrong");
      expect(failed.res.status).not.toBe(429);
      expect(failed.signedIn).toBe(false);
    }
    const blocked = await attempt(url, "annotator1@palate.local", DEMO_PASSWORD);
    expect(blocked.signedIn).toBe(false);
    await expectThrottled(blocked.res);
    // Same address, well below its threshold: a correct sign-in to another account works.
    expect((await attempt(url, "researcher@palate.local", DEMO_PASSWORD)).signedIn).toBe(true);
  });

  it("after the free failures from one address, every account is refused from it, whatever X-Forwarded-For claims", async () => {
    const url = server.app.url;
    // The address has ACCOUNT_RULE.free failures from the test above; unknown emails, one each, fill it up.
    let failures = ACCOUNT_RULE.free;
    for (let i = 0; failures < ADDRESS_RULE.free; i++, failures++) {
      const res = (await attempt(url, `nobody-${i}@example.org`, "guess")).res;
      expect(res.status).not.toBe(429);
    }
    const spoofed = await attempt(url, "admin@palate.local", DEMO_PASSWORD, { "x-forwarded-for": "198.51.100.77", "x-palate-peer-address": "198.51.100.78" });
    expect(spoofed.signedIn).toBe(false);
    await expectThrottled(spoofed.res);
  });
});

describe("login throttle behind a trusted proxy (PALATE_TRUST_PROXY=1): X-Forwarded-For names the client", () => {
  let server: Awaited<ReturnType<typeof startOn>>;
  beforeAll(async () => {
    server = await startOn({ PALATE_TRUST_PROXY: "1" });
  });
  afterAll(async () => {
    await server?.app.stop();
    server?.cleanup();
  });

  it("throttles the address that failed and not another one", async () => {
    const url = server.app.url;
    const from = (ip: string) => ({ "x-forwarded-for": `6.6.6.6, ${ip}` });
    for (let i = 0; i < ADDRESS_RULE.free; i++) {
      expect((await attempt(url, `nobody-${i}@example.org`, "guess", from("203.0.113.5"))).res.status).not.toBe(429);
    }
    await expectThrottled((await attempt(url, "admin@palate.local", DEMO_PASSWORD, from("203.0.113.5"))).res);
    expect((await attempt(url, "admin@palate.local", DEMO_PASSWORD, from("203.0.113.6"))).signedIn).toBe(true);
  });
});
