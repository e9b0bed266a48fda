// One credentials sign-in attempt over HTTP, with the headers a test chooses (a proxy's
// X-Forwarded-For, a forged peer header), and whether it signed in.
import { Client } from "@/tests/helpers/app";

export interface Attempt {
  res: Response;
  /** The cookie jar the attempt used: signed in when `signedIn`. */
  client: Client;
  signedIn: boolean;
}

export async function attempt(url: string, email: string, password: string, headers: Record<string, string> = {}): Promise<Attempt> {
  const client = new Client(url);
  const csrf = await client.fetch("/api/auth/csrf", { headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await client.fetch("/api/auth/callback/credentials", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: url, ...headers },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(),
  });
  const session = (await (await client.fetch("/api/auth/session", { headers })).json()) as { user?: { email?: string } } | null;
  return { res, client, signedIn: session?.user?.email === email };
}
