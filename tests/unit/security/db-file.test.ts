// db/client.ts: the database file and the folder it creates are owner-only; the busy wait per process.
import { mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { busyTimeoutMs, DEFAULT_BUSY_TIMEOUT_MS, openDb, WEB_BUSY_TIMEOUT_MS } from "@/db/client";

const mode = (p: string) => statSync(p).mode & 0o777;

describe("openDb file modes", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("creates the folder 0700 and the database (and its WAL) 0600, whatever the umask", () => {
    dir = mkdtempSync(join(tmpdir(), "palate-modes-"));
    const old = process.umask(0o022);
    try {
      const path = join(dir, "nested", "data", "palate.db");
      const db = openDb(path);
      db.$client.prepare("SELECT 1").get();
      expect(mode(join(dir, "nested", "data"))).toBe(0o700);
      expect(mode(join(dir, "nested"))).toBe(0o700);
      expect(mode(path)).toBe(0o600);
      expect(mode(`${path}-wal`)).toBe(0o600);
      db.$client.close();
    } finally {
      process.umask(old);
    }
  });

  it("tightens an existing world-readable database file", () => {
    dir = mkdtempSync(join(tmpdir(), "palate-modes-"));
    const path = join(dir, "palate.db");
    writeFileSync(path, "");
    chmodSync(path, 0o644);
    openDb(path).$client.close();
    expect(mode(path)).toBe(0o600);
  });
});

describe("busyTimeoutMs", () => {
  it("is short in the Next server, longer elsewhere, and PALATE_BUSY_TIMEOUT_MS wins", () => {
    expect(busyTimeoutMs({})).toBe(DEFAULT_BUSY_TIMEOUT_MS);
    expect(busyTimeoutMs({ NEXT_RUNTIME: "nodejs" })).toBe(WEB_BUSY_TIMEOUT_MS);
    expect(busyTimeoutMs({ NEXT_RUNTIME: "nodejs", PALATE_BUSY_TIMEOUT_MS: "250" })).toBe(250);
    expect(WEB_BUSY_TIMEOUT_MS).toBeLessThanOrEqual(2000);
    const db = openDb(":memory:", { busyTimeoutMs: 1234 });
    expect(db.$client.pragma("busy_timeout", { simple: true })).toBe(1234);
    db.$client.close();
  });
});
