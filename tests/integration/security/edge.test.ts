// The HTTP request edge against the built app (proxy.ts, next.config.js, lib/security, lib/http.ts):
// bodies refused before they are read, CSRF, security headers, a held write lock answered 503,
// and page offsets that cannot break a page.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projects, tasks, users } from "@/db/schema";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import { projectRoot } from "@/scripts/server";
import { Client, startTestApp, type TestApp } from "../../helpers/app";

let app: TestApp;
let admin: Client;
let projectId: number;

beforeAll(async () => {
  app = await startTestApp();
  admin = await new Client(app.url).signIn("admin@palate.local");
  projectId = app.db.select().from(projects).where(eq(projects.name, DEMO_PROJECT)).get()!.id;
});
afterAll(async () => {
  await app?.stop();
});

/** Sends only the request's head over a raw socket; resolves with the status line and how long it took (null: no answer in time). */
function headOnly(path: string, headers: Record<string, string>, waitMs = 10_000): Promise<{ status: number | null; ms: number; rssAfter?: number }> {
  const { port, hostname } = new URL(app.url);
  return new Promise((resolve) => {
    const t0 = Date.now();
    const socket = net.connect(Number(port), hostname);
    let text = "";
    const done = (status: number | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ status, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => done(null), waitMs);
    socket.on("data", (d) => {
      text += d.toString("latin1");
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (m) done(Number(m[1]));
    });
    socket.on("error", () => done(null));
    const lines = [`POST ${path} HTTP/1.1`, `Host: ${new URL(app.url).host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    socket.write(lines.join("\r\n") + "\r\n\r\n");
  });
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

describe("body limits, before the body is read", () => {
  it("answers 413 to a 100 MB anonymous sign-in callback from its headers alone, and the server does not grow", async () => {
    const pid = app.server.process.pid!;
    const before = rssOf(pid);
    const res = await headOnly("/api/auth/callback/credentials", {
      "Content-Type": "application/x-www-form-urlencoded",
      "Content-Length": String(100 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
    // The body was never sent, so the answer cannot have waited for it; nothing was buffered either.
    expect(rssOf(pid) - before).toBeLessThan(50 * 1024 * 1024);
  });

  it("answers 413 to a JSON route over 1 MiB and 411 to a chunked body, and still serves small bodies", async () => {
    expect((await headOnly("/api/projects", { "Content-Type": "application/json", "Content-Length": "2000000" })).status).toBe(413);
    expect((await headOnly("/api/users", { "Content-Type": "application/json", "Transfer-Encoding": "chunked" })).status).toBe(411);
    const big = await admin.fetch("/api/projects", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x".repeat(1_100_000) }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toMatch(/larger than 1048576 bytes/);
    const ok = await admin.json("/api/projects", "POST", { name: "edge small body" });
    expect(ok.status).toBe(201);
  });

  it("a ranking with a huge groups array gets a short 400", async () => {
    const annotator = await new Client(app.url).signIn("annotator1@palate.local");
    const next = (await (await annotator.json("/api/annotate/next", "POST", { projectId })).json()) as { task: { id: number } };
    const groups = Array.from({ length: 100_000 }, (_, i) => [i + 1]);
    const res = await annotator.json(`/api/tasks/${next.task.id}/ranking`, "POST", { groups });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text.length).toBeLessThan(5000);
    expect(JSON.parse(text)).toMatchObject({ error: expect.stringMatching(/^groups: at most/) });
  });
});

describe("CSRF", () => {
  const victim = { email: "csrf-victim@palate.local", name: "Mallory", role: "admin", password: "secret-pass" };
  const created = () => app.db.select().from(users).where(eq(users.email, victim.email)).get();

  it("refuses, with an admin's cookie, a text/plain POST from another origin: 403 and no account", async () => {
    for (const origin of ["http://evil.example", `http://127.0.0.1:${Number(new URL(app.url).port) + 1}`]) {
      const res = await admin.fetch("/api/users", { method: "POST", headers: { "content-type": "text/plain", origin }, body: JSON.stringify(victim) });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(/cross-origin/);
    }
    const fetchMeta = await admin.fetch("/api/users", {
      method: "POST",
      headers: { "content-type": "application/json", "sec-fetch-site": "same-site" },
      body: JSON.stringify(victim),
    });
    expect(fetchMeta.status).toBe(403);
    const plain = await admin.fetch("/api/users", { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify(victim) });
    expect(plain.status).toBe(415);
    expect(created()).toBeUndefined();
  });

  it("still takes same-origin JSON writes, and sign-in's form post", async () => {
    const res = await admin.fetch("/api/users", {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.url, "sec-fetch-site": "same-origin" },
      body: JSON.stringify(victim),
    });
    expect(res.status).toBe(201);
    expect(created()?.role).toBe("admin");
    await new Client(app.url).signIn("researcher@palate.local");
  });
});

describe("security headers", () => {
  const expectHeaders = (res: Response) => {
    const csp = res.headers.get("content-security-policy") ?? "";
    for (const d of ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'"]) expect(csp).toContain(d);
    expect(csp).not.toMatch(/https?:\/\//);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
  };

  it("are on pages, API answers and refusals", async () => {
    const anonymous = new Client(app.url);
    expectHeaders(await anonymous.fetch("/login"));
    expectHeaders(await admin.fetch(`/admin/projects/${projectId}`));
    expectHeaders(await anonymous.fetch("/api/projects"));
    expectHeaders(await admin.fetch("/api/projects"));
    expectHeaders(
      await admin.fetch("/api/users", { method: "POST", headers: { "content-type": "application/json", origin: "http://evil.example" }, body: "{}" }),
    );
  });
});

describe("page offsets", () => {
  const text = async (path: string) => {
    const res = await admin.fetch(path);
    return { status: res.status, text: (await res.text()).replace(/<!-- -->/g, "") };
  };

  it("a malformed offset on a project page shows the first page instead of failing", async () => {
    const total = app.db.select().from(tasks).where(eq(tasks.projectId, projectId)).all().length;
    const shown = Math.min(total, 50);
    for (const offset of ["1.5", "1e300", "-5", "abc", "99999999999999999999"]) {
      const admin = await text(`/admin/projects/${projectId}?offset=${offset}`);
      expect(admin.status, `admin ?offset=${offset}`).toBe(200);
      expect(admin.text, `admin ?offset=${offset}`).toContain(`1–${shown} of ${total}`);
      const research = await text(`/research/projects/${projectId}?offset=${offset}`);
      expect(research.status, `research ?offset=${offset}`).toBe(200);
    }
  });

  it("the API answers 400 naming the parameter", async () => {
    for (const q of ["offset=1.5", "offset=1e300", "offset=-1", "limit=1e300", "limit=abc"]) {
      const rankings = await admin.fetch(`/api/rankings?${q}`);
      expect(rankings.status, `/api/rankings?${q}`).toBe(400);
      const list = await admin.fetch(`/api/projects/${projectId}/tasks?${q}`);
      expect(list.status, `/api/projects/[id]/tasks?${q}`).toBe(400);
    }
  });
});

describe("a write lock held by another process", () => {
  it("answers 503 with Retry-After within a few seconds, then succeeds once the lock is gone", async () => {
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const db = new (require("better-sqlite3"))(process.argv[1]); db.pragma("busy_timeout = 5000"); db.exec("BEGIN IMMEDIATE");
         console.log("locked"); setTimeout(() => { db.exec("COMMIT"); db.close(); }, 8000);`,
        app.dbPath,
      ],
      { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] },
    );
    const exited = new Promise<number | null>((done) => holder.once("exit", (code) => done(code)));
    await new Promise<void>((done, fail) => {
      holder.stdout!.on("data", (d: Buffer) => d.toString().includes("locked") && done());
      holder.once("exit", (code) => fail(new Error(`lock holder exited (${code}) before locking`)));
    });
    const t0 = Date.now();
    const busy = await admin.json("/api/projects", "POST", { name: "edge under lock" });
    const ms = Date.now() - t0;
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toMatch(/^[1-9][0-9]*$/);
    expect(((await busy.json()) as { error: string }).error).toMatch(/busy/);
    expect(ms, "the web side waits only briefly for the lock").toBeLessThan(6000);
    expect(await exited).toBe(0);
    const after = await admin.json("/api/projects", "POST", { name: "edge under lock" });
    expect(after.status).toBe(201);
  }, 60_000);
});
