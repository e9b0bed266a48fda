// Running the real `palate` CLI from tests: as a child process (the user's path, tsx start-up
// included), or its dispatcher in this process (fast, for the failures).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { vi } from "vitest";
import { projectRoot } from "@/scripts/server";

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `node scripts/palate.mjs ARGS` with PALATE_DB set; resolves when it exits. */
export function palate(dbPath: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(projectRoot, "scripts", "palate.mjs"), ...args], {
      cwd: projectRoot,
      env: { ...process.env, PALATE_DB: dbPath, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.once("error", fail);
    child.once("close", (status) => done({ status, stdout, stderr }));
  });
}

/** The same CLI in this process: exit code and what it printed through console.log / console.error. */
export async function palateInProcess(dbPath: string | null, args: string[]): Promise<Run> {
  const saved = process.env.PALATE_DB;
  if (dbPath !== null) process.env.PALATE_DB = dbPath;
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const error = vi.spyOn(console, "error").mockImplementation(() => {});
  try {
    // By path: an extensionless import would resolve to palate.mjs, the entry that runs at once.
    const { main } = (await import(pathToFileURL(join(projectRoot, "scripts", "palate.ts")).href)) as { main(argv: string[]): Promise<number> };
    const status = await main(args);
    const text = (spy: typeof log) => spy.mock.calls.map((c) => c.join(" ") + "\n").join("");
    return { status, stdout: text(log), stderr: text(error) };
  } finally {
    log.mockRestore();
    error.mockRestore();
    if (saved === undefined) delete process.env.PALATE_DB;
    else process.env.PALATE_DB = saved;
  }
}

/** The JSON object a command prints on its last line. */
export function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

/** Runs the CLI and returns its last-line JSON; throws with stderr when it fails. */
export async function palateJson(dbPath: string, args: string[]): Promise<Record<string, unknown>> {
  const run = await palate(dbPath, args);
  if (run.status !== 0) throw new Error(`palate ${args[0]} exited ${run.status}: ${run.stderr}`);
  return lastJson(run.stdout);
}
