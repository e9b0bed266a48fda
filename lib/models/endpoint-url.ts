// Which endpoint URLs the registry accepts, and which addresses generation may connect to.
//
// - Only http: and https: (no file:, data:, ftp:, gopher: …), and no user:password@ in the URL
//   (a key belongs in the API key field, which is encrypted at rest; the URL is shown to staff).
// - Never a link-local or "this host" address: 169.254.0.0/16 (where every cloud's instance
//   metadata service answers, 169.254.169.254), fe80::/10, 0.0.0.0/8 and ::, nor the other
//   known metadata addresses and names (fd00:ec2::254, 100.100.100.200,
//   metadata.google.internal, …). IPv4-mapped IPv6 forms and the numeric spellings the URL
//   parser normalises (http://2852039166/ is 169.254.169.254) are caught the same way.
// - Loopback (127.0.0.0/8, ::1, localhost) and private ranges (10/8, 172.16/12, 192.168/16,
//   fc00::/7) are allowed on purpose: a vLLM or `palate serve` on the same machine, or a GPU box
//   on the lab's network, is what an endpoint model usually is, and only admins register models.
//
// A host name is checked as written at registration and, at use, through the addresses DNS gives
// for it (`checkEndpointAddresses`), so a name that resolves to a metadata address is refused too.
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

const blocked = new BlockList();
blocked.addSubnet("169.254.0.0", 16, "ipv4");
blocked.addSubnet("0.0.0.0", 8, "ipv4");
blocked.addAddress("100.100.100.200", "ipv4");
blocked.addSubnet("fe80::", 10, "ipv6");
blocked.addAddress("::", "ipv6");
blocked.addAddress("fd00:ec2::254", "ipv6");

const BLOCKED_NAMES = new Set(["metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"]);

/** Why an IP address may not be an endpoint's, or null. */
export function blockedAddressProblem(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return null;
  if (!blocked.check(address, family === 4 ? "ipv4" : "ipv6")) return null;
  return `${address} is a link-local, unspecified or cloud-metadata address`;
}

/** Why `url` may not be registered as an endpoint's base URL, or null when it may. */
export function endpointUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "expected a URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return `only http and https URLs are allowed, not ${parsed.protocol.slice(0, -1)}`;
  if (parsed.username || parsed.password) return "must not carry a user name or password; give the key as apiKey";
  const host = parsed.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (host === "") return "expected a host";
  if (BLOCKED_NAMES.has(host)) return `${host} is a cloud-metadata host`;
  return blockedAddressProblem(host);
}

/** Throws when `url` is not allowed or its host resolves to a blocked address; a name DNS does not know is left to the request to report. */
export async function checkEndpointAddresses(url: string): Promise<void> {
  const problem = endpointUrlProblem(url);
  if (problem) throw new Error(`endpoint ${url}: ${problem}`);
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    return;
  }
  for (const { address } of addresses) {
    const bad = blockedAddressProblem(address);
    if (bad) throw new Error(`endpoint ${url}: ${host} resolves to ${bad}`);
  }
}
