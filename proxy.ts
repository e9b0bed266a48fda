// The request edge (Next 16's proxy, formerly middleware): runs before every page and route
// handler and refuses, before the route sees them, writes whose body is over its cap or has no
// length, cross-origin writes and non-JSON bodies on JSON routes (lib/security/request-guard.ts).
// Security headers (CSP and the rest) are set for every answer in next.config.js.
//
// Why the matcher leaves some requests out: for any request with a body that the proxy sees,
// Next clones the body and reads it to the end before the route runs (up to
// experimental.proxyClientMaxBodySize in memory, the rest read and dropped), even when the proxy
// answers. A 100 MB upload would be read whole before its 413. So requests whose Content-Length
// is over the JSON cap, and chunked ones, do not come here: next.config.js rewrites them to
// /api/refused/[reason] (answered without reading the body), except those to the import route,
// which checks its own (run-time) cap and the same CSRF rules itself.
import { NextResponse, type NextRequest } from "next/server";
import { guardRequest } from "@/lib/security/request-guard";

export function proxy(request: NextRequest) {
  return guardRequest(request) ?? NextResponse.next();
}

export const config = {
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico|icon.svg).*)",
      missing: [
        // greaterThanPattern(JSON_BODY_MAX_BYTES) (lib/security/body-limits.ts); a unit test keeps them equal.
        {
          type: "header",
          key: "content-length",
          value: "0*(?:[1-9][0-9]{7,}|[2-9][0-9]{6}|1[1-9][0-9]{5}|10[5-9][0-9]{4}|1049[0-9]{3}|1048[6-9][0-9]{2}|10485[8-9][0-9]{1}|104857[7-9])",
        },
        { type: "header", key: "transfer-encoding" },
      ],
    },
  ],
};
