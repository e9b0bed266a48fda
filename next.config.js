// Next.js configuration. The request edge's limits and headers live here and in proxy.ts; their
// reasons are in lib/security/body-limits.ts and lib/security/csrf.ts.

/** Content-Length values over 1 MiB (greaterThanPattern(JSON_BODY_MAX_BYTES), kept equal by tests/unit/security). */
const OVER_JSON_CAP = "0*(?:[1-9][0-9]{7,}|[2-9][0-9]{6}|1[1-9][0-9]{5}|10[5-9][0-9]{4}|1049[0-9]{3}|1048[6-9][0-9]{2}|10485[8-9][0-9]{1}|104857[7-9])";
/** Every path but the dataset import route (which takes large and streamed uploads and checks its own cap). */
const ALL_BUT_IMPORT = "/:path((?!api/projects/[^/]+/import/?$).*)";

/**
 * Content Security Policy. Nothing loads from another origin. Scripts: 'self' plus 'unsafe-inline',
 * because Next's App Router inlines its bootstrap and flight-data scripts and several pages are
 * prerendered (static HTML cannot carry a per-request nonce); every page's markdown is sanitised
 * (no raw HTML), and inline event handlers stay blocked by React. Styles: inline style attributes
 * (charts, progress bars) need 'unsafe-inline'.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join("; ");

export const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: CSP },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // NEXT_DIST_DIR lets parallel checkouts or tests keep separate builds; default .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  serverExternalPackages: ["better-sqlite3", "onnxruntime-node", "@huggingface/tokenizers"],
  experimental: {
    authInterrupts: true,
    // What the proxy may buffer of a body it sees: only bodies within the JSON cap reach it (proxy.ts's matcher).
    proxyClientMaxBodySize: 1024 * 1024,
  },
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
  async rewrites() {
    return {
      // Before the proxy would see them (it does not: its matcher leaves these out) and before any route reads the body.
      beforeFiles: [
        { source: ALL_BUT_IMPORT, has: [{ type: "header", key: "content-length", value: OVER_JSON_CAP }], destination: "/api/refused/too-large" },
        { source: ALL_BUT_IMPORT, has: [{ type: "header", key: "transfer-encoding" }], destination: "/api/refused/length-required" },
      ],
      afterFiles: [],
      fallback: [],
    };
  },
};

export default nextConfig;
