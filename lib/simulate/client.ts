// A small HTTP client for the Palate app: a cookie jar and next-auth's credentials sign-in
// (GET /api/auth/csrf, POST /api/auth/callback/credentials form-encoded, then
// GET /api/auth/session to check who we are). Used by `palate simulate` and the test harness.

/** The app did not answer at all (connection refused, DNS, …). */
export class UnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    const code = (cause as { cause?: { code?: string } })?.cause?.code ?? (cause as Error)?.message ?? String(cause);
    super(`cannot reach ${url} (${code})`);
  }
}

/** Sign-in refused: wrong email or password, a disabled account, … */
export class SignInError extends Error {
  constructor(
    readonly email: string,
    status: number,
  ) {
    super(`sign-in as ${email} failed (callback answered ${status}; check the email and password)`);
  }
}

/** An answer with an unexpected status: names the request and quotes the app's error. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    what: string,
    body: string,
  ) {
    let reason = body.slice(0, 300);
    try {
      const parsed = JSON.parse(body) as { error?: unknown };
      if (typeof parsed.error === "string") reason = parsed.error;
    } catch {
      // not JSON: keep the text
    }
    super(`${what} answered ${status}${reason ? `: ${reason}` : ""}`);
  }
}

export class AppClient {
  private cookies = new Map<string, string>();
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  /** fetch() on the app with this client's cookies; redirects are not followed. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, { ...init, headers, redirect: "manual" });
    } catch (err) {
      throw new UnreachableError(this.baseUrl, err);
    }
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }

  /** A request with a JSON body. */
  json(path: string, method: string, body: unknown): Promise<Response> {
    return this.fetch(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  }

  /** Signs in through next-auth's credentials provider; throws SignInError naming the account. */
  async signIn(email: string, password: string): Promise<this> {
    const csrf = await this.fetch("/api/auth/csrf");
    if (!csrf.ok) throw new HttpError(csrf.status, "GET /api/auth/csrf", await csrf.text());
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const res = await this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(),
    });
    await res.body?.cancel();
    const session = (await (await this.fetch("/api/auth/session")).json()) as { user?: { email?: string } } | null;
    if (session?.user?.email?.toLowerCase() !== email.toLowerCase()) throw new SignInError(email, res.status);
    return this;
  }

  /** A JSON request that must answer one of the expected statuses; resolves to status and body. */
  async call<T>(method: string, path: string, body: unknown, expected: readonly number[] = [200]): Promise<{ status: number; body: T | null }> {
    const res = body === undefined ? await this.fetch(path, { method }) : await this.json(path, method, body);
    const text = await res.text();
    if (!expected.includes(res.status)) throw new HttpError(res.status, `${method} ${path}`, text);
    return { status: res.status, body: text ? (JSON.parse(text) as T) : null };
  }
}
