// Cross-site request forgery: which writes the app accepts, decided from the request's headers
// alone (proxy.ts applies it to every request it sees; the import route calls it itself).
//
// A write (POST, PUT, PATCH, DELETE) is refused with 403 when
// - it carries an Origin header naming another host than the one it was sent to (Host, or
//   X-Forwarded-Host behind a reverse proxy), or Origin "null"; or
// - it carries Sec-Fetch-Site with any value but "same-origin" or "none" (same-site pages, on
//   another port or subdomain, count as cross-origin).
// A write with neither header is allowed: browsers send Origin on every cross-origin POST, PUT,
// PATCH and DELETE (and Sec-Fetch-Site on every request), so only non-browser clients (curl,
// `palate simulate`, scripts) send neither, and those carry no victim's cookie.
//
// A write to /api/* with a body must say `Content-Type: application/json` (415 otherwise), so a
// plain HTML form or a "simple" cross-site fetch (text/plain, form-encoded) cannot reach a JSON
// route. Exempt: next-auth's own routes (/api/auth/*, form-encoded, guarded by next-auth's CSRF
// token) and the dataset import (multipart or the raw file).
import { IMPORT_PATH, type Refusal } from "./body-limits";

export const WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"] as const;

export interface WriteHeaders {
  method: string;
  pathname: string;
  host: string | null;
  forwardedHost: string | null;
  origin: string | null;
  secFetchSite: string | null;
  contentType: string | null;
  /** True when the request has a body (Content-Length over 0, or Transfer-Encoding). */
  hasBody: boolean;
}

export function isWrite(method: string): boolean {
  return (WRITE_METHODS as readonly string[]).includes(method.toUpperCase());
}

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

function hostOf(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" || url.protocol === "https:" ? url.host.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** The hosts the request was addressed to: Host and the first X-Forwarded-Host, lower case. */
function ownHosts(req: WriteHeaders): string[] {
  return [req.host, req.forwardedHost?.split(",")[0]].filter((h): h is string => !!h && h.trim() !== "").map((h) => h.trim().toLowerCase());
}

/** Exempt from the JSON content type: next-auth's routes and the import. */
export function acceptsAnyContentType(pathname: string): boolean {
  return pathname === "/api/auth" || pathname.startsWith("/api/auth/") || IMPORT_PATH.test(pathname);
}

/** The refusal of a cross-origin or non-JSON write, or undefined when it may go on. */
export function writeRequestRefusal(req: WriteHeaders): Refusal | undefined {
  if (!isWrite(req.method)) return undefined;
  if (req.origin !== null) {
    const from = hostOf(req.origin);
    if (from === undefined || !ownHosts(req).includes(from)) {
      return { status: 403, error: `cross-origin request refused: Origin ${req.origin} is not this site` };
    }
  }
  const site = req.secFetchSite?.trim().toLowerCase();
  if (site && site !== "same-origin" && site !== "none") {
    return { status: 403, error: `cross-origin request refused (Sec-Fetch-Site: ${site})` };
  }
  if (req.hasBody && req.pathname.startsWith("/api/") && !acceptsAnyContentType(req.pathname) && mediaType(req.contentType) !== "application/json") {
    return { status: 415, error: `the body must be JSON sent as Content-Type: application/json (got ${req.contentType ? `"${req.contentType}"` : "none"})` };
  }
  return undefined;
}

/** The facts writeRequestRefusal needs, from a Web Request. */
export function writeHeadersOf(request: Request): WriteHeaders {
  const h = request.headers;
  const length = h.get("content-length");
  const url = new URL(request.url);
  return {
    method: request.method,
    pathname: url.pathname,
    host: h.get("host") ?? url.host,
    forwardedHost: h.get("x-forwarded-host"),
    origin: h.get("origin"),
    secFetchSite: h.get("sec-fetch-site"),
    contentType: h.get("content-type"),
    hasBody: (length !== null && length.trim() !== "" && !/^0+$/.test(length.trim())) || h.has("transfer-encoding"),
  };
}
