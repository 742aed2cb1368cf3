// Whether a production build is newer than every source it was built from: `npm start` and the
// benchmarks rebuild only when it isn't.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const SOURCES = ["app", "components", "lib", "prisma/schema.prisma", "proxy.ts", "instrumentation.ts", "next.config.ts", "package-lock.json", "postcss.config.mjs"];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === "generated" || entry.endsWith(".test.ts")) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/**
 * @param {string} distDir the build folder (e.g. ".next"), relative to `root`
 * @param {string} [root] the project folder
 * @returns {boolean}
 */
export function buildIsFresh(distDir, root = process.cwd()) {
  const buildId = path.join(root, distDir, "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  return !SOURCES.some((source) => newestMtime(path.join(root, source)) > built);
}
