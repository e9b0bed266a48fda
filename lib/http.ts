// Small helpers for route handlers: validation errors that name the field, JSON bodies, ids.
// Web-standard Request/Response only, so lib/ stays framework-free.
import type { z } from "zod";
import { isSqliteBusy } from "../db/client";
import { JSON_BODY_MAX_BYTES } from "./security/body-limits";

export interface FieldIssue {
  /** Dotted path of the offending field ("" for the body as a whole). */
  field: string;
  message: string;
}

/** Zod issues as `{field, message}`; unknown keys are reported under their own names. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ field: base ? `${base}.${key}` : key, message: "unknown field" }));
    }
    return [{ field: base, message: issue.message }];
  });
}

/** The most issues an answer lists; the rest are counted (a bad 1 MB body must not produce a 30 MB answer). */
export const MAX_ISSUES = 20;

/** One line naming the bad fields: `email: Invalid email address; role: …` (the first MAX_ISSUES, then how many more). */
export function describeIssues(issues: FieldIssue[]): string {
  const shown = issues.slice(0, MAX_ISSUES).map((i) => (i.field ? `${i.field}: ${i.message}` : i.message));
  if (issues.length > MAX_ISSUES) shown.push(`and ${issues.length - MAX_ISSUES} more`);
  return shown.join("; ");
}

/** At most MAX_ISSUES issues, and how many were left out (`moreIssues`, only when some were). */
export function cappedIssues(issues: FieldIssue[]): { issues: FieldIssue[]; moreIssues?: number } {
  return issues.length > MAX_ISSUES ? { issues: issues.slice(0, MAX_ISSUES), moreIssues: issues.length - MAX_ISSUES } : { issues };
}

/** A 400 answer `{error, issues, moreIssues?}` listing at most MAX_ISSUES issues. */
export function badRequest(issues: FieldIssue[] | string, field = ""): Response {
  const list = typeof issues === "string" ? [{ field, message: issues }] : issues;
  return Response.json({ error: describeIssues(list), ...cappedIssues(list) }, { status: 400 });
}

/** A 413 answer: the body is over `max` bytes. */
export function payloadTooLarge(max: number): Response {
  return Response.json(
    { error: `the request body is larger than ${max} bytes, the most this route accepts` },
    { status: 413, headers: { connection: "close" } },
  );
}

/** The request's body as text, or undefined once more than `max` bytes arrived (whatever Content-Length said). */
export async function readBodyText(request: Request, max: number): Promise<string | undefined> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

export function notFound(what = "not found"): Response {
  return Response.json({ error: what }, { status: 404 });
}

/**
 * The request's JSON body validated by `schema`, or the answer: 400 naming the bad fields, 413 when
 * the body is over `max` bytes (counted while reading, so a lying Content-Length does not matter).
 */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S, max = JSON_BODY_MAX_BYTES): Promise<z.infer<S> | Response> {
  let body: unknown;
  try {
    const text = await readBodyText(request, max);
    if (text === undefined) return payloadTooLarge(max);
    body = JSON.parse(text);
  } catch {
    return badRequest("the body must be JSON");
  }
  const parsed = schema.safeParse(body);
  return parsed.success ? parsed.data : badRequest(fieldIssues(parsed.error));
}

/** A positive integer id from a path segment, or undefined (callers answer 404). */
export function parseId(value: string | undefined): number | undefined {
  if (value === undefined || !/^[1-9][0-9]{0,15}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Query parameters validated by `schema` (absent keys stay undefined), or the 400 answer. */
export function parseQuery<S extends z.ZodType>(url: string, schema: S): z.infer<S> | Response {
  const params = Object.fromEntries(new URL(url).searchParams);
  const parsed = schema.safeParse(params);
  return parsed.success ? parsed.data : badRequest(fieldIssues(parsed.error));
}

/** How long a client should wait before retrying after a 503 for a busy database, in seconds. */
export const BUSY_RETRY_AFTER_SECONDS = 2;

/** The 503 answer for a database whose write lock another process holds. */
export function databaseBusy(): Response {
  return Response.json(
    { error: "the database is busy (another process holds its write lock: a backup, an import, a job); try again in a moment" },
    { status: 503, headers: { "retry-after": String(BUSY_RETRY_AFTER_SECONDS) } },
  );
}

/**
 * Wraps a route handler: SQLITE_BUSY (the web connection's short busy_timeout ran out, see
 * db/client.ts) answers 503 with Retry-After instead of a bare 500. Every export of app/api goes
 * through it: `export const POST = route(async (request) => …)`.
 */
export function route<A extends unknown[]>(handler: (...args: A) => Response | Promise<Response>): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (err) {
      if (isSqliteBusy(err)) return databaseBusy();
      throw err;
    }
  };
}
