// lib/http.ts at the edge: JSON bodies read with a byte cap whatever Content-Length says, error
// lists capped, and SQLITE_BUSY (a real lock held by another connection) answered 503.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";
import { badRequest, fieldIssues, MAX_ISSUES, parseJsonBody, route } from "@/lib/http";
import { rankingSubmissionSchema } from "@/lib/labeling/submission";

/** A request whose body streams `total` bytes of JSON-ish text in 64 KiB chunks, with a Content-Length that lies. */
function streamingRequest(total: number, claimed: string): Request {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(65536, total - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
  return new Request("http://x/api/projects", { method: "POST", body, headers: { "content-length": claimed }, duplex: "half" } as RequestInit);
}

describe("parseJsonBody", () => {
  it("answers 413 once more than the cap arrived, whatever Content-Length claimed, without reading the rest", async () => {
    const answer = await parseJsonBody(streamingRequest(50 * 1024 * 1024, "10"), z.object({}));
    expect(answer).toBeInstanceOf(Response);
    expect((answer as Response).status).toBe(413);
    const small = await parseJsonBody(new Request("http://x", { method: "POST", body: '{"a":1}' }), z.object({ a: z.number() }));
    expect(small).toEqual({ a: 1 });
    const notJson = (await parseJsonBody(new Request("http://x", { method: "POST", body: "{" }), z.object({}))) as Response;
    expect(notJson.status).toBe(400);
  });
});

describe("error lists", () => {
  it("a huge groups array is refused by its length alone, in one short issue", async () => {
    const parsed = rankingSubmissionSchema.safeParse({ groups: Array.from({ length: 100_000 }, () => ["x"]) });
    expect(parsed.success).toBe(false);
    const text = await badRequest(fieldIssues(parsed.error!)).text();
    expect(text.length).toBeLessThan(2000);
    expect(JSON.parse(text)).toMatchObject({ error: expect.stringMatching(/^groups: at most 100 groups/) });
  });

  it("lists at most MAX_ISSUES issues and counts the rest", async () => {
    const parsed = rankingSubmissionSchema.safeParse({ groups: Array.from({ length: 100 }, () => ["x", "y"]) });
    const issues = fieldIssues(parsed.error!);
    expect(issues.length).toBe(200);
    const body = (await badRequest(issues).json()) as { issues: unknown[]; moreIssues: number; error: string };
    expect(body.issues).toHaveLength(MAX_ISSUES);
    expect(body.moreIssues).toBe(200 - MAX_ISSUES);
    expect(body.error).toMatch(/; and 180 more$/);
  });
});

describe("route(): SQLITE_BUSY → 503", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("answers 503 with Retry-After when another connection holds the write lock, and rethrows other errors", async () => {
    dir = mkdtempSync(join(tmpdir(), "palate-busy-"));
    const path = join(dir, "busy.db");
    const holder = new Database(path);
    holder.pragma("journal_mode = WAL");
    holder.exec("CREATE TABLE t (x INTEGER)");
    const web = new Database(path);
    web.pragma("busy_timeout = 0");
    holder.exec("BEGIN IMMEDIATE");
    const write = route(async () => {
      web.prepare("INSERT INTO t VALUES (1)").run();
      return Response.json({ ok: true }, { status: 201 });
    });
    const busy = await write();
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toMatch(/^[1-9][0-9]*$/);
    expect(((await busy.json()) as { error: string }).error).toMatch(/busy/);
    holder.exec("COMMIT");
    expect((await write()).status).toBe(201);
    await expect(route(() => Promise.reject(new Error("boom")))()).rejects.toThrow("boom");
    holder.close();
    web.close();
  });
});
