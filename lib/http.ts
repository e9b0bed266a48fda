// Small helpers for route handlers: validation errors that name the field, JSON bodies, ids.
// Web-standard Request/Response only, so lib/ stays framework-free.
import type { z } from "zod";

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

/** One line naming every bad field: `email: Invalid email address; role: …`. */
export function describeIssues(issues: FieldIssue[]): string {
  return issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join("; ");
}

/** A 400 answer `{error, issues}`. */
export function badRequest(issues: FieldIssue[] | string, field = ""): Response {
  const list = typeof issues === "string" ? [{ field, message: issues }] : issues;
  return Response.json({ error: describeIssues(list), issues: list }, { status: 400 });
}

export function notFound(what = "not found"): Response {
  return Response.json({ error: what }, { status: 404 });
}

/** The request's JSON body validated by `schema`, or the 400 answer naming the bad fields. */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S> | Response> {
  let body: unknown;
  try {
    body = await request.json();
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
