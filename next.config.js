/** @type {import('next').NextConfig} */
const nextConfig = {
  // NEXT_DIST_DIR lets parallel checkouts or tests keep separate builds; default .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  serverExternalPackages: ["better-sqlite3", "onnxruntime-node", "@huggingface/tokenizers"],
  experimental: { authInterrupts: true },
  poweredByHeader: false,
};

export default nextConfig;
