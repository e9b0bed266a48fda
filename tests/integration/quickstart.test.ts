// The README's quick start, as a user runs it: `palate demo` on an empty database (migrate, seed
// the demo accounts and project, sample its completions, serve the built app with a worker), then
// a demo annotator signs in over HTTP and gets the demo project's next task; and `palate start`
// on a database whose admin was made with `palate users add`, that admin signing in. Each command
// is one process group (the CLI, next start, the worker), ended with SIGTERM — and SIGKILL for
// anything left. The build is the one npm test makes (or $NEXT_DIST_DIR's).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, DEMO_PROJECT } from "@/lib/demo/seed";
import { freePort, projectRoot } from "@/scripts/server";
import { Client } from "@/tests/helpers/app";
import { palate } from "@/tests/helpers/cli";

interface Served {
  url: string;
  output(): string;
}

/** Runs `palate <args>` in its own process group; resolves once the app answers on 127.0.0.1. */
async function serve(args: string[], dbPath: string, started: ChildProcess[]): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(projectRoot, "scripts", "palate.mjs"), ...args, "--port", String(port)], {
    cwd: projectRoot,
    env: { ...process.env, PALATE_DB: dbPath, PALATE_DATA_DIR: join(dbPath, ".."), NEXTAUTH_SECRET: "" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  started.push(child);
  let out = "";
  child.stdout!.on("data", (d) => (out = (out + d).slice(-20_000)));
  child.stderr!.on("data", (d) => (out = (out + d).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`palate ${args[0]} exited (${child.exitCode ?? child.signalCode}):\n${out}`);
    if (Date.now() > deadline) throw new Error(`palate ${args[0]} did not answer on ${url}:\n${out}`);
    // Ready once it says so (the app answers and, for the demo, the worker is up).
    if (/Palate is running at/.test(out)) {
      const res = await fetch(`${url}/login`).catch(() => null);
      if (res && res.status === 200) return { url, output: () => out };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** SIGTERM to the process group (the CLI stops its app and worker), then SIGKILL to what is left. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid!;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    // the group is gone already
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // nothing left
  }
  await exited;
}

describe("the README's quick start", () => {
  const started: ChildProcess[] = [];
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "palate-quickstart-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const child of started.splice(0)) await stopGroup(child);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("`palate demo` on an empty database: a demo annotator signs in and gets the demo project's next task", async () => {
    const dbPath = join(tempDir(), "palate.db");
    const app = await serve(["demo"], dbPath, started);
    expect(app.output()).toMatch(/Seeded .*palate\.db: project "Demo: capitals, sums and words"/);
    expect(app.output()).toContain("annotator1@palate.local");

    const annotator = await new Client(app.url).signIn("annotator1@palate.local", DEMO_PASSWORD);
    const { body: list } = await annotator.call<{ projects: { projectId: number; name: string }[] }>("GET", "/api/annotate/projects", undefined);
    const project = list!.projects.find((p) => p.name === DEMO_PROJECT);
    expect(project, JSON.stringify(list)).toBeDefined();
    const { body: next } = await annotator.call<{ task: { projectId: number; messages: unknown[]; completions: { text: string }[] } }>(
      "POST",
      "/api/annotate/next",
      { projectId: project!.projectId },
    );
    expect(next!.task.projectId).toBe(project!.projectId);
    expect(next!.task.messages.length).toBeGreaterThan(0);
    expect(next!.task.completions).toHaveLength(4);
    for (const c of next!.task.completions) expect(c.text.length).toBeGreaterThan(0);
  }, 300_000);

  it("`palate start` with an admin made by `palate users add`: the admin signs in and sees the admin pages", async () => {
    const dbPath = join(tempDir(), "palate.db");
    const added = await palate(dbPath, ["users", "add", "--email", "owner@example.com", "--name", "Owner", "--role", "admin", "--password", "correct horse"]);
    expect(added.status, added.stderr).toBe(0);
    const app = await serve(["start"], dbPath, started);

    const admin = await new Client(app.url).signIn("owner@example.com", "correct horse");
    const { body } = await admin.call<{ users: { email: string; role: string }[] }>("GET", "/api/users", undefined);
    expect(body!.users.map((u) => [u.email, u.role])).toEqual([["owner@example.com", "admin"]]);
    const page = await admin.fetch("/admin");
    expect(page.status).toBe(200);
    await page.body?.cancel();
    // No demo data in a production start.
    const { body: projects } = await admin.call<{ projects: unknown[] }>("GET", "/api/projects", undefined);
    expect(projects!.projects).toEqual([]);
  }, 300_000);
});
