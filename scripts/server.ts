// Starting the web app: the auth secret, a production build when sources changed, `next start`.
// Used by `palate demo`, `palate start` and the integration / end-to-end test harness.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createServer } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { serverSecret } from "../lib/security/secrets";

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const nextBin = join(projectRoot, "node_modules", ".bin", "next");

/** The next-auth secret kept beside the database (created once, never committed): lib/security/secrets.ts, shared with the CLI and job children. */
export function ensureAuthSecret(dbPath: string): string {
  return serverSecret(dbPath);
}

const SOURCES = ["app", "lib", "db", "types", "proxy.ts", "next.config.js", "postcss.config.mjs", "package.json", "tsconfig.json"];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when `.next` is missing or older than any source file. */
export function buildIsStale(): boolean {
  const buildId = join(projectRoot, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(projectRoot, s)) > built);
}

/** Runs `next build` when the build is stale. Throws when the build fails. */
export function buildIfNeeded(log: (line: string) => void = console.log): void {
  if (!buildIsStale()) return;
  log("Building the app (next build)…");
  const result = spawnSync(nextBin, ["build"], {
    cwd: projectRoot,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
}

export interface AppServer {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now (for a server started next). */
export function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** The interface `palate start` and `palate demo` listen on unless --host says otherwise: this machine only. */
export const DEFAULT_HOST = "127.0.0.1";

const PEER_ADDRESS_PRELOAD = join(projectRoot, "lib", "auth", "peer-address-preload.mjs");

/** A host as it stands in a URL reaching it from this machine (an any-address bind is reached on loopback). */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "[::]") return "127.0.0.1";
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** Starts `next start` on the given database and port; resolves once it answers HTTP. */
export async function startApp(options: {
  dbPath: string;
  port: number;
  /** Interface to listen on; default 127.0.0.1 (this machine only). "0.0.0.0" or "::" opens it to the network. */
  host?: string;
  env?: NodeJS.ProcessEnv;
  quiet?: boolean;
}): Promise<AppServer> {
  const secret = ensureAuthSecret(options.dbPath);
  const host = options.host ?? DEFAULT_HOST;
  const args = ["start", "-p", String(options.port), "-H", host];
  const child = spawn(nextBin, args, {
    cwd: projectRoot,
    stdio: ["ignore", options.quiet ? "ignore" : "inherit", "inherit"],
    env: {
      ...process.env,
      ...options.env,
      PALATE_DB: resolve(options.dbPath),
      PORT: String(options.port),
      NEXTAUTH_SECRET: secret,
      AUTH_TRUST_HOST: "true",
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      // Stamps each request with its TCP peer's address for the login throttle (lib/auth/client-address.ts).
      NODE_OPTIONS: [options.env?.NODE_OPTIONS ?? process.env.NODE_OPTIONS, `--import ${JSON.stringify(pathToFileURL(PEER_ADDRESS_PRELOAD).href)}`]
        .filter(Boolean)
        .join(" "),
    },
  });
  const url = `http://${urlHost(host)}:${options.port}`;
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`next start exited with ${code}`))));
  exited.catch(() => {});
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await Promise.race([fetch(`${url}/login`), exited]);
      if (res.status < 500) break;
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        throw err instanceof Error ? err : new Error(String(err));
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port: options.port,
    process: child,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}

/** Starts `palate worker` on the same database (the job runner that goes with the app). */
export function startWorker(options: { dbPath: string; env?: NodeJS.ProcessEnv; quiet?: boolean; pipeStdout?: boolean }): ChildProcess {
  return spawn(process.execPath, [join(projectRoot, "scripts", "palate.mjs"), "worker"], {
    cwd: projectRoot,
    stdio: ["ignore", options.pipeStdout ? "pipe" : options.quiet ? "ignore" : "inherit", "inherit"],
    env: { ...process.env, ...options.env, PALATE_DB: resolve(options.dbPath) },
  });
}

/** Serves the app and its worker until SIGINT/SIGTERM or until the app exits. */
export async function serveUntilStopped(app: AppServer, worker: ChildProcess): Promise<void> {
  await new Promise<void>((done) => {
    const stop = () => {
      worker.kill("SIGTERM");
      void app.stop().then(done);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    app.process.once("exit", () => {
      worker.kill("SIGTERM");
      done();
    });
  });
}
