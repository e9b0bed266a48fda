// The client address that login throttling counts attempts under.
//
// Next's route handlers do not see the socket. `next start` fills `x-forwarded-for` with the
// socket's address only when the request has none (`??=` in next/dist/server/base-server.js),
// so without a proxy in front that header is whatever the client chose to send, and cannot be
// trusted. Hence:
//
// - PALATE_TRUST_PROXY=N (N ≥ 1, "1" for one proxy such as nginx or Caddy in front): each
//   trusted proxy appends the address it saw to x-forwarded-for, so the client is the N-th entry
//   from the right. Entries further left were written by the client and are ignored. Set it only
//   when the app cannot be reached except through those proxies.
// - otherwise: PEER_ADDRESS_HEADER, which `palate start`, `palate demo` and the test harness
//   make the server set to the socket's address on every request, replacing any value the client
//   sent (lib/auth/peer-address-preload.mjs, loaded through NODE_OPTIONS=--import by scripts/server.ts).
// - neither (a bare `next start` or `next dev`): null, and only the per-account throttle applies.

/** Set by lib/auth/peer-address-preload.mjs to the TCP peer's address (keep the two in step). */
export const PEER_ADDRESS_HEADER = "x-palate-peer-address";

/** The number of trusted proxies in front of the app (PALATE_TRUST_PROXY), 0 when none. */
export function trustedProxyHops(env: Record<string, string | undefined> = process.env): number {
  const value = env.PALATE_TRUST_PROXY?.trim().toLowerCase();
  if (!value || value === "0" || value === "false" || value === "no") return 0;
  if (value === "true" || value === "yes") return 1;
  const hops = Number(value);
  return Number.isInteger(hops) && hops > 0 ? hops : 0;
}

/** The client's address for throttling, or null when none can be trusted. */
export function clientAddress(headers: Headers, env: Record<string, string | undefined> = process.env): string | null {
  const hops = trustedProxyHops(env);
  if (hops > 0) {
    const chain = (headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    if (chain.length === 0) return null;
    return normalizeAddress(chain[Math.max(0, chain.length - hops)]);
  }
  const peer = headers.get(PEER_ADDRESS_HEADER)?.trim();
  return peer ? normalizeAddress(peer) : null;
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith("::ffff:") && lower.includes(".") ? lower.slice(7) : lower;
}
