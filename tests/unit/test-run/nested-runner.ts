// Runs the project's own vitest or Playwright, as child processes, on small test files written
// to a temp directory: how the tests of the test run get real runner output (reports, exit codes).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { projectRoot } from "@/scripts/server";

export const bin = (name: string) => join(projectRoot, "node_modules", ".bin", name);
/** Playwright's test API by absolute path: spec files in /tmp cannot resolve the bare name. */
export const playwrightTestModule = join(projectRoot, "node_modules", "@playwright", "test", "index.js");

export interface Ran {
  status: number | null;
  output: string;
}

/** A temp directory holding `files` (name → contents); `cleanup` removes it. */
export function fixtureDir(files: Record<string, string>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "palate-runner-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a command to its end, in an environment without this vitest's own variables or CI (whose defaults differ). */
export function runCommand(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const childEnv: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(childEnv)) if (k.startsWith("VITEST") || ["TEST", "NODE_ENV", "CI"].includes(k)) delete childEnv[k];
  Object.assign(childEnv, env);
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: projectRoot, env: childEnv as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.once("error", fail);
    child.once("close", (status) => done({ status, output }));
  });
}
