// `palate start` (and `palate demo`, through the same startApp) listens on 127.0.0.1 unless
// --host says otherwise: read from the kernel's table of listening sockets, not from our own logs.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, projectRoot, startApp, type AppServer } from "@/scripts/server";
import { tempDb } from "@/tests/helpers/app";

/** The local addresses listening on `port` (IPv4 and IPv6), from /proc/net/tcp{,6}. */
function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.trim().split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [hexAddress, hexPort] = local.split(":");
      if (state !== "0A" || parseInt(hexPort, 16) !== port) continue; // 0A: LISTEN
      found.push(decodeAddress(hexAddress));
    }
  }
  return found;
}

function decodeAddress(hex: string): string {
  if (hex.length === 8) return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join(".");
  if (/^0{32}$/.test(hex)) return "::";
  if (hex === "00000000000000000000000001000000") return "::1";
  if (hex.startsWith("0000000000000000FFFF0000")) return `::ffff:${decodeAddress(hex.slice(24))}`;
  return hex;
}

describe("the address the app listens on", () => {
  const temp = tempDb();
  let app: AppServer | undefined;
  afterAll(async () => {
    await app?.stop();
    temp.cleanup();
  });

  it("startApp without a host (what `palate demo` and `palate start` use by default) binds 127.0.0.1 only", async () => {
    const port = await freePort();
    app = await startApp({ dbPath: temp.path, port, quiet: true });
    expect(listeningAddresses(port)).toEqual(["127.0.0.1"]);
    expect(app.url).toBe(`http://127.0.0.1:${port}`);
    await app.stop();
    app = undefined;
  });

  it("`palate start` says where it listens and binds 127.0.0.1; --host 0.0.0.0 opens every interface", async () => {
    for (const [args, expected] of [
      [[], ["127.0.0.1"]],
      [["--host", "0.0.0.0"], ["0.0.0.0"]],
    ] as const) {
      const port = await freePort();
      const child = spawn(process.execPath, [join(projectRoot, "scripts", "palate.mjs"), "start", "--port", String(port), ...args], {
        cwd: projectRoot,
        env: { ...process.env, PALATE_DB: temp.path },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      try {
        const deadline = Date.now() + 150_000;
        while (!/Palate is running at/.test(out)) {
          if (child.exitCode !== null || Date.now() > deadline) throw new Error(`palate start did not come up:\n${out}`);
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(out).toContain(`listening on ${args.length ? "0.0.0.0" : "127.0.0.1"}`);
        expect(listeningAddresses(port)).toEqual(expected);
      } finally {
        const exited = new Promise((r) => child.once("exit", r));
        process.kill(-child.pid!, "SIGTERM");
        await exited;
      }
    }
  }, 320_000);
});
