// HTTP to OpenAI-compatible servers: a JSON POST with a timeout per attempt, retries with
// exponential backoff on 429, 5xx, timeouts and network errors (never on other 4xx), and
// errors that name the URL, the status and the server's own message.

export interface RetryPolicy {
  /** Milliseconds before one attempt is abandoned. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff; doubles each retry. */
  backoffMs: number;
  /** Upper bound of one backoff (and of a server's Retry-After). */
  maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { timeoutMs: 120_000, retries: 3, backoffMs: 500, maxBackoffMs: 10_000 };

/** A request that failed for good: `status` is the HTTP status, absent when the server could not be reached. */
export class EndpointError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
    readonly retryable = false,
  ) {
    super(message);
    this.name = "EndpointError";
  }
}

/** Backoff before retry `retry` (0-based): backoffMs · 2^retry, or the server's Retry-After, capped. */
export function backoffDelay(retry: number, policy: Pick<RetryPolicy, "backoffMs" | "maxBackoffMs">, retryAfter?: string | null): number {
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
    if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, policy.maxBackoffMs);
  }
  return Math.min(policy.backoffMs * 2 ** retry, policy.maxBackoffMs);
}

/** Whether a status is worth retrying: 408, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The server's message from an error body: OpenAI's {error: {message}}, TGI / llama.cpp's {error: "…"}, vLLM's {detail} or {message}, else the text. */
export function serverMessage(body: string): string {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const error = json.error;
    if (typeof error === "string") return error;
    if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") return (error as { message: string }).message;
    if (typeof json.message === "string") return json.message;
    if (typeof json.detail === "string") return json.detail;
    if (json.detail !== undefined) return JSON.stringify(json.detail);
  } catch {
    // not JSON
  }
  const text = body.trim();
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function origin(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return url;
  }
}

function networkCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export interface PostJsonOptions {
  headers?: Record<string, string>;
  policy?: Partial<RetryPolicy>;
  /** Cancels the request and any pending retry. */
  signal?: AbortSignal;
  /** Told before each retry (for logs). */
  onRetry?: (error: EndpointError, retry: number, delayMs: number) => void;
}

/** One attempt: the parsed JSON body of a 2xx answer, or an EndpointError. */
async function attempt(
  url: string,
  body: unknown,
  options: PostJsonOptions,
  timeoutMs: number,
): Promise<{ json: unknown } | { error: EndpointError; retryAfter: string | null }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...options.headers },
      body: JSON.stringify(body),
      signal,
      // A redirect is answered as the error it is, never followed: it could lead to an address the
      // registry refuses (a metadata service) with the API key attached.
      redirect: "manual",
    });
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) return { error: new EndpointError(`POST ${url}: no answer within ${timeoutMs} ms`, url, undefined, true), retryAfter: null };
    return { error: new EndpointError(`cannot reach ${origin(url)} (${networkCause(err)})`, url, undefined, true), retryAfter: null };
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    return {
      error: new EndpointError(`POST ${url}: the connection broke while reading the answer (${networkCause(err)})`, url, res.status, true),
      retryAfter: null,
    };
  }
  if (!res.ok) {
    const message = serverMessage(text);
    const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
    return {
      error: new EndpointError(`POST ${url}: ${status}${message ? `: ${message}` : ""}`, url, res.status, isRetryableStatus(res.status)),
      retryAfter: res.headers.get("retry-after"),
    };
  }
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return { error: new EndpointError(`POST ${url}: the answer is not JSON: ${serverMessage(text)}`, url, res.status), retryAfter: null };
  }
}

/** POSTs JSON and returns the parsed answer, retrying transient failures (see the module comment). */
export async function postJson(url: string, body: unknown, options: PostJsonOptions = {}): Promise<unknown> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  for (let retry = 0; ; retry++) {
    const result = await attempt(url, body, options, policy.timeoutMs);
    if ("json" in result) return result.json;
    const { error } = result;
    if (!error.retryable || retry >= policy.retries) {
      if (retry > 0) error.message += ` (after ${retry + 1} attempts)`;
      throw error;
    }
    const delay = backoffDelay(retry, policy, result.retryAfter);
    options.onRetry?.(error, retry + 1, delay);
    await sleep(delay, options.signal);
  }
}
