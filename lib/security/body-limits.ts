// Request body limits, decided from the headers alone so a body over the cap is refused before
// a byte of it is read. JSON routes take at most JSON_BODY_MAX_BYTES; the dataset import route
// (app/api/projects/[id]/import) takes up to PALATE_IMPORT_MAX_BYTES (200 MiB by default).
//
// Where each check runs (the proxy alone cannot do it: Next reads the whole body of any request
// the proxy sees before it answers, see proxy.ts):
// - next.config.js rewrites a request whose Content-Length is over the JSON cap (anywhere but the
//   import route), or that has a chunked body, to /api/refused/[reason], which answers 413/411
//   without reading; proxy.ts's matcher leaves those requests out;
// - proxy.ts repeats the same decision (requestBodyRefusal) for the requests it does see;
// - parseJsonBody (lib/http.ts) counts the bytes it reads, in case the headers lied;
// - the import route checks its own cap, at run time, with importMaxBytes().

/** The most a JSON body may hold: 1 MiB. */
export const JSON_BODY_MAX_BYTES = 1024 * 1024;

/** The import route's default cap: 200 MiB. */
export const IMPORT_MAX_BYTES_DEFAULT = 200 * 1024 * 1024;

/** The path of the dataset import route (multipart or raw file, its own cap). */
export const IMPORT_PATH = /^\/api\/projects\/[^/]+\/import\/?$/;

/** The import cap: `PALATE_IMPORT_MAX_BYTES` (a positive whole number of bytes) or 200 MiB. */
export function importMaxBytes(env: Record<string, string | undefined> = process.env): number {
  const raw = env.PALATE_IMPORT_MAX_BYTES?.trim();
  if (raw && /^[1-9][0-9]{0,15}$/.test(raw) && Number.isSafeInteger(Number(raw))) return Number(raw);
  return IMPORT_MAX_BYTES_DEFAULT;
}

/** The cap for a request to `pathname`. */
export function bodyMaxBytes(pathname: string, env: Record<string, string | undefined> = process.env): number {
  return IMPORT_PATH.test(pathname) ? importMaxBytes(env) : JSON_BODY_MAX_BYTES;
}

/**
 * A regular expression (source, to be anchored by the caller: Next anchors `has`/`missing` header
 * values as `^…$`) matching the decimal integers greater than `n`, leading zeros allowed. Used in
 * next.config.js rewrites and proxy.ts's matcher, which can compare header values only by pattern.
 */
export function greaterThanPattern(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`greaterThanPattern: ${n} is not a whole number`);
  const s = String(n);
  const alternatives = [`[1-9][0-9]{${s.length},}`];
  for (let i = 0; i < s.length; i++) {
    const digit = Number(s[i]);
    if (digit === 9) continue;
    const rest = s.length - i - 1;
    const next = digit + 1 === 9 ? "9" : `[${digit + 1}-9]`;
    // A longer number never starts with 0 here: the first position's digit is at least 1 after the leading zeros.
    alternatives.push(`${s.slice(0, i)}${next}${rest > 0 ? `[0-9]{${rest}}` : ""}`);
  }
  return `0*(?:${alternatives.join("|")})`;
}

export interface BodyHeaders {
  method: string;
  pathname: string;
  contentLength: string | null;
  transferEncoding: string | null;
}

/** Why a request is refused before its body is read: 413 over the cap, 411 a body without a length. */
export interface Refusal {
  status: number;
  error: string;
  headers?: Record<string, string>;
}

/** The answer to a request whose body is over its cap, or undefined. */
export function tooLarge(max: number): Refusal {
  return { status: 413, error: `the request body is larger than ${max} bytes, the most this route accepts`, headers: { connection: "close" } };
}

export function lengthRequired(): Refusal {
  return { status: 411, error: "a request body needs a Content-Length header (chunked bodies are not accepted here)", headers: { connection: "close" } };
}

/**
 * The refusal for a request's body, decided from its headers: over the route's cap → 413; a body
 * without Content-Length (chunked) → 411, except on the import route, which counts the bytes of a
 * streamed upload itself. Undefined when the body may be read.
 */
export function requestBodyRefusal(req: BodyHeaders, env: Record<string, string | undefined> = process.env): Refusal | undefined {
  const max = bodyMaxBytes(req.pathname, env);
  const length = req.contentLength?.trim();
  if (length !== undefined && length !== "") {
    if (!/^[0-9]+$/.test(length)) return { status: 400, error: "the Content-Length header is not a whole number" };
    // Compare as text when the number is past what a double holds exactly.
    const value = length.replace(/^0+(?=.)/, "");
    if (value.length > 15 || Number(value) > max) return tooLarge(max);
    return undefined;
  }
  if (req.transferEncoding && !IMPORT_PATH.test(req.pathname)) return lengthRequired();
  return undefined;
}
