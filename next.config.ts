import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Lets parallel builds (e.g. two test runs on one machine) keep separate outputs.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // `npm run typecheck` (a stage of `npm test` and CI) checks types; building doesn't repeat it.
  typescript: { ignoreBuildErrors: true },
  // PGlite ships WebAssembly and data files that it loads from its own package folder at run time.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "@prisma/adapter-pg"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
      {
        // JSON, and next-auth's few plain HTML pages (sign-out confirmation, errors): nothing there
        // needs a script. Pages get their nonce-based policy from proxy.ts.
        source: "/api/:path*",
        headers: [
          {
            key: "Content-Security-Policy",
            value: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
          },
        ],
      },
      {
        // Served over HTTPS (directly or behind a TLS-terminating proxy): browsers stay on HTTPS.
        // Browsers ignore the header on plain HTTP, so a forged X-Forwarded-Proto gains nothing.
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }],
      },
    ];
  },
};

export default nextConfig;
