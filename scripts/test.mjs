// `npm test`: lint, types, unit + integration (PGlite, and PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is
// set), the Playwright suites against a production build, then `npm run bench -- --smoke`.
// Stops at the first failing stage.
import { spawnSync } from "node:child_process";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const stages = [
  ["lint", ["node_modules/eslint/bin/eslint.js", "."]],
  ["typecheck", ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "."]],
  ["vitest", ["node_modules/vitest/vitest.mjs", "run"]],
  ["playwright", ["node_modules/@playwright/test/cli.js", "test"]],
  // The benchmarks' short mode, so the scripts never rot (numbers don't count here: see bench/).
  ["bench-smoke", ["node_modules/tsx/dist/cli.mjs", "bench/run.ts", "--smoke"]],
];

const only = process.argv[2];
for (const [name, args] of stages) {
  if (only && only !== name) continue;
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(process.execPath, args, { stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`\n${name} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
}
