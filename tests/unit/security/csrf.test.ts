// The CSRF rules (lib/security/csrf.ts): which writes pass, from the request's headers alone.
import { describe, expect, it } from "vitest";
import { writeRequestRefusal, type WriteHeaders } from "@/lib/security/csrf";
import { requestRefusal } from "@/lib/security/request-guard";

const base: WriteHeaders = {
  method: "POST",
  pathname: "/api/users",
  host: "127.0.0.1:3000",
  forwardedHost: null,
  origin: null,
  secFetchSite: null,
  contentType: "application/json",
  hasBody: true,
};
const status = (over: Partial<WriteHeaders>) => writeRequestRefusal({ ...base, ...over })?.status;

describe("writeRequestRefusal", () => {
  it("lets same-origin JSON writes and clients that send neither Origin nor Sec-Fetch-Site through", () => {
    expect(status({ origin: "http://127.0.0.1:3000", secFetchSite: "same-origin" })).toBeUndefined();
    expect(status({ origin: "https://127.0.0.1:3000" })).toBeUndefined();
    expect(status({})).toBeUndefined();
    expect(status({ contentType: "application/json; charset=utf-8", secFetchSite: "same-origin" })).toBeUndefined();
    expect(status({ origin: "https://palate.example", forwardedHost: "palate.example" })).toBeUndefined();
  });

  it("refuses cross-origin writes (403), same-site ones on another port included", () => {
    expect(status({ origin: "http://evil.example" })).toBe(403);
    expect(status({ origin: "http://127.0.0.1:3001" })).toBe(403);
    expect(status({ origin: "null" })).toBe(403);
    expect(status({ origin: "file:///x" })).toBe(403);
    expect(status({ secFetchSite: "cross-site" })).toBe(403);
    expect(status({ secFetchSite: "same-site" })).toBe(403);
    expect(status({ origin: "http://evil.example", pathname: "/api/auth/callback/credentials", contentType: "application/x-www-form-urlencoded" })).toBe(403);
    for (const method of ["PUT", "PATCH", "DELETE"]) expect(status({ method, origin: "http://evil.example" })).toBe(403);
  });

  it("wants application/json on JSON routes (415), except next-auth's forms and the import", () => {
    expect(status({ contentType: "text/plain" })).toBe(415);
    expect(status({ contentType: null })).toBe(415);
    expect(status({ contentType: "application/x-www-form-urlencoded" })).toBe(415);
    expect(status({ contentType: "multipart/form-data; boundary=x" })).toBe(415);
    expect(status({ contentType: null, hasBody: false })).toBeUndefined();
    expect(status({ pathname: "/api/auth/callback/credentials", contentType: "application/x-www-form-urlencoded" })).toBeUndefined();
    expect(status({ pathname: "/api/projects/4/import", contentType: "multipart/form-data; boundary=x" })).toBeUndefined();
    expect(status({ pathname: "/api/projects/4/import", contentType: "application/octet-stream" })).toBeUndefined();
  });

  it("leaves reads alone", () => {
    expect(status({ method: "GET", origin: "http://evil.example", contentType: null })).toBeUndefined();
    expect(status({ method: "HEAD", secFetchSite: "cross-site" })).toBeUndefined();
  });
});

describe("requestRefusal (a Web Request)", () => {
  it("answers the body limit first, then the CSRF rules", () => {
    const post = (headers: Record<string, string>, path = "/api/users") => new Request(`http://127.0.0.1:3000${path}`, { method: "POST", headers });
    expect(requestRefusal(post({ "content-length": "2000000", "content-type": "application/json" }))?.status).toBe(413);
    expect(requestRefusal(post({ "content-length": "20", "content-type": "text/plain", origin: "http://evil.example" }))?.status).toBe(403);
    expect(requestRefusal(post({ "content-length": "20", "content-type": "text/plain" }))?.status).toBe(415);
    expect(requestRefusal(post({ "content-length": "20", "content-type": "application/json", origin: "http://127.0.0.1:3000" }))).toBeUndefined();
  });
});
