// Which address the login throttle counts an attempt under (lib/auth/client-address.ts).
import { describe, expect, it } from "vitest";
import { clientAddress, PEER_ADDRESS_HEADER, trustedProxyHops } from "@/lib/auth/client-address";

const headers = (init: Record<string, string>) => new Headers(init);

describe("clientAddress", () => {
  it("without a trusted proxy: the peer address the server stamped, never X-Forwarded-For", () => {
    const h = headers({ [PEER_ADDRESS_HEADER]: "::ffff:127.0.0.1", "x-forwarded-for": "203.0.113.9" });
    expect(clientAddress(h, {})).toBe("127.0.0.1");
    expect(clientAddress(headers({ "x-forwarded-for": "203.0.113.9" }), {})).toBeNull();
  });

  it("behind N trusted proxies: the N-th X-Forwarded-For entry from the right", () => {
    const h = headers({ "x-forwarded-for": "6.6.6.6, 198.51.100.4, 10.0.0.2", [PEER_ADDRESS_HEADER]: "10.0.0.9" });
    expect(clientAddress(h, { PALATE_TRUST_PROXY: "1" })).toBe("10.0.0.2");
    expect(clientAddress(h, { PALATE_TRUST_PROXY: "2" })).toBe("198.51.100.4");
    expect(clientAddress(h, { PALATE_TRUST_PROXY: "9" })).toBe("6.6.6.6");
    expect(clientAddress(headers({}), { PALATE_TRUST_PROXY: "1" })).toBeNull();
  });

  it("reads PALATE_TRUST_PROXY", () => {
    expect([undefined, "", "0", "false", "abc", "-1"].map((v) => trustedProxyHops({ PALATE_TRUST_PROXY: v }))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(["1", "true", "3"].map((v) => trustedProxyHops({ PALATE_TRUST_PROXY: v }))).toEqual([1, 1, 3]);
  });
});
