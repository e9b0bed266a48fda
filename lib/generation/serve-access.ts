// Who may use `palate serve`: the Host check and the bearer key, as pure functions of a request's
// headers (openai-server.ts answers 403 / 401 in OpenAI's error shape).
//
// The Host check defends against DNS rebinding: a web page on evil.example whose name is made to
// resolve to 127.0.0.1 reaches the server with `Host: evil.example`. By default the Host must be
// localhost, 127.0.0.1 or [::1] (any port); a specific bind address (`--host 192.168.1.5`) is added;
// binding every interface (0.0.0.0, ::) adds every IP literal, as clients then use whichever
// address reaches the machine (a rebinding attack needs a name, never an IP literal); more names
// come from `--allowed-hosts`, and `--allowed-hosts any` turns the check off.
import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];
const WILDCARD_BINDS = new Set(["0.0.0.0", "::", "[::]", ""]);

export interface HostPolicy {
  /** Host names (lower case, IPv6 in brackets) accepted; null accepts every Host. */
  names: ReadonlySet<string> | null;
  /** Accept any IP literal (the server listens on every interface). */
  anyIp: boolean;
}

/** The host name of a Host header value (lower case, no port, no trailing dot; IPv6 in brackets), or null when it is not one. */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  try {
    const url = new URL(`http://${header}`);
    if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return null;
    return url.hostname.toLowerCase().replace(/\.$/, "");
  } catch {
    return null;
  }
}

/** The Host policy of a server bound to `bind`, with the extra names of `--allowed-hosts` ("any" or "*" turns the check off). */
export function hostPolicy(bind: string, allowed: readonly string[] = []): HostPolicy {
  if (allowed.some((h) => h === "any" || h === "*")) return { names: null, anyIp: true };
  const names = new Set(LOOPBACK_HOSTS);
  const bound = bind.trim().toLowerCase();
  if (!WILDCARD_BINDS.has(bound)) names.add(isIP(bound) === 6 ? `[${bound}]` : bound);
  for (const h of allowed) {
    const name = hostName(h.trim());
    if (name) names.add(name);
  }
  return { names, anyIp: WILDCARD_BINDS.has(bound) };
}

/** Whether a request's Host header is accepted. */
export function hostAllowed(policy: HostPolicy, header: string | undefined): boolean {
  if (policy.names === null) return true;
  const name = hostName(header);
  if (name === null) return false;
  if (policy.names.has(name)) return true;
  return policy.anyIp && isIP(name.replace(/^\[|\]$/g, "")) !== 0;
}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** "missing" or "wrong" when an Authorization header does not carry `Bearer <key>`, null when it does (compared in constant time). */
export function bearerProblem(key: string, header: string | undefined): "missing" | "wrong" | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) return "missing";
  return timingSafeEqual(digest(match[1]), digest(key)) ? null : "wrong";
}
