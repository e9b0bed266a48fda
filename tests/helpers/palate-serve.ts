// `palate serve` in a child process on a given port, for integration tests: resolves once it
// prints its URL; `stopped` waits for the child to exit.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

export const root = join(__dirname, "..", "..");
export const palate = join(root, "scripts", "palate.mjs");

export function serve(
  dir: string,
  port: number,
  name = "tiny",
  extra: { args?: string[]; env?: Record<string, string | undefined> } = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [palate, "serve", "--model", dir, "--port", String(port), "--name", name, ...(extra.args ?? [])], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...extra.env },
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /on (http:\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    child.once("exit", (code) => reject(new Error(`palate serve exited with ${code}: ${err}`)));
  });
}

export const stopped = (child: ChildProcess) =>
  new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once("exit", () => done())));
