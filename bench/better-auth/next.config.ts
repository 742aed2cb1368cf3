import path from "node:path";
import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // bench/peer.ts builds into PEER_DIST_DIR (bench/better-auth/.next by default).
  distDir: process.env.PEER_DIST_DIR || ".next",
  // This folder is its own app, not part of the product around it.
  turbopack: { root: path.resolve(import.meta.dirname) },
  outputFileTracingRoot: path.resolve(import.meta.dirname),
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
