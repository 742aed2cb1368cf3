import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Lets parallel builds (e.g. two test runs on one machine) keep separate outputs.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // `npm run typecheck` (a stage of `npm test` and CI) checks types; building doesn't repeat it.
  typescript: { ignoreBuildErrors: true },
  // PGlite ships WebAssembly and data files that it loads from its own package folder at run time.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "@prisma/adapter-pg"],
  experimental: {
    serverActions: {
      // SERVER_ACTION_BODY_LIMIT in lib/http/server-action-request.ts (proxy.ts refuses larger bodies with a
      // 413 first; Next's own refusal is a 500). Every action of ours takes a few KB.
      bodySizeLimit: 256 * 1024,
    },
    // What proxy.ts sees of a body (Next buffers a copy for it; default 10 MB). A longer body is cut
    // to under this, which is still well past the action limit above: proxy.ts refuses it all the same.
    proxyClientMaxBodySize: 1024 * 1024,
  },
  // The security headers are set by scripts/server.mjs (lib/http/security-headers.mjs): `headers()`
  // rules cost ~30 µs of CPU on every request.
};

export default nextConfig;
