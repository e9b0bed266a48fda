// Body limits decided from headers alone (lib/security/body-limits.ts), and the literal patterns
// that next.config.js and proxy.ts must carry (Next compares header values only by pattern).
import { describe, expect, it } from "vitest";
import type { NextConfig } from "next";
import { config as proxyConfig } from "@/proxy";
import { greaterThanPattern, importMaxBytes, IMPORT_MAX_BYTES_DEFAULT, JSON_BODY_MAX_BYTES, requestBodyRefusal } from "@/lib/security/body-limits";

const anchored = (n: number) => new RegExp(`^(?:${greaterThanPattern(n)})$`);

describe("greaterThanPattern", () => {
  it("matches exactly the whole numbers above n", () => {
    const ns = [0, 1, 9, 10, 99, 100, 909, 1000, 1048576, 999_999, 123_456_789, 2 ** 31];
    for (const n of ns) {
      const re = anchored(n);
      const probes = [0, 1, n - 1, n, n + 1, n + 9, n * 10, n + 10 ** String(n).length, Math.floor(n / 2)];
      for (let i = 0; i < 300; i++) probes.push(Math.floor(Math.random() * (n * 3 + 20)));
      for (const v of probes.filter((v) => v >= 0)) {
        expect(re.test(String(v)), `${v} > ${n}`).toBe(v > n);
        expect(re.test(`00${v}`), `00${v} > ${n}`).toBe(v > n);
      }
      expect(re.test("")).toBe(false);
      expect(re.test("12a")).toBe(false);
    }
  });

  it("is the pattern proxy.ts's matcher and next.config.js's rewrites carry for the JSON cap", async () => {
    const want = greaterThanPattern(JSON_BODY_MAX_BYTES);
    const missing: { key: string; value?: string }[] = proxyConfig.matcher[0].missing;
    expect(missing.find((m) => m.key === "content-length")?.value).toBe(want);
    expect(missing.some((m) => m.key === "transfer-encoding")).toBe(true);
    // next.config.js is plain JavaScript (no declarations): imported by a computed name.
    const nextConfig = ((await import("@/next.config.js" as string)) as { default: NextConfig }).default;
    const rewrites = (await nextConfig.rewrites!()) as { beforeFiles: { has?: { key: string; value?: string }[]; destination: string }[] };
    const tooLarge = rewrites.beforeFiles.find((r) => r.destination === "/api/refused/too-large");
    expect(tooLarge?.has?.[0]).toMatchObject({ key: "content-length", value: want });
    expect(nextConfig.experimental?.proxyClientMaxBodySize).toBe(JSON_BODY_MAX_BYTES);
  });
});

describe("requestBodyRefusal", () => {
  const req = (pathname: string, contentLength: string | null, transferEncoding: string | null = null) => ({
    method: "POST",
    pathname,
    contentLength,
    transferEncoding,
  });

  it("refuses a JSON route's body over 1 MiB (413) and a chunked one (411)", () => {
    expect(requestBodyRefusal(req("/api/projects", String(JSON_BODY_MAX_BYTES)))).toBeUndefined();
    expect(requestBodyRefusal(req("/api/projects", String(JSON_BODY_MAX_BYTES + 1)))?.status).toBe(413);
    expect(requestBodyRefusal(req("/api/auth/callback/credentials", "100000000"))?.status).toBe(413);
    expect(requestBodyRefusal(req("/api/projects", "99999999999999999999999"))?.status).toBe(413);
    expect(requestBodyRefusal(req("/api/projects", null, "chunked"))?.status).toBe(411);
    expect(requestBodyRefusal(req("/api/projects", "12x"))?.status).toBe(400);
    expect(requestBodyRefusal(req("/api/projects", null))).toBeUndefined();
  });

  it("gives the import route its own cap, from PALATE_IMPORT_MAX_BYTES, and lets it stream", () => {
    const path = "/api/projects/3/import";
    expect(requestBodyRefusal(req(path, String(50 * 1024 * 1024)), {})).toBeUndefined();
    expect(requestBodyRefusal(req(path, String(IMPORT_MAX_BYTES_DEFAULT + 1)), {})?.status).toBe(413);
    expect(requestBodyRefusal(req(path, "5000001"), { PALATE_IMPORT_MAX_BYTES: "5000000" })?.status).toBe(413);
    expect(requestBodyRefusal(req(path, null, "chunked"), {})).toBeUndefined();
    expect(importMaxBytes({ PALATE_IMPORT_MAX_BYTES: "nope" })).toBe(IMPORT_MAX_BYTES_DEFAULT);
    expect(importMaxBytes({ PALATE_IMPORT_MAX_BYTES: "1234" })).toBe(1234);
  });
});
