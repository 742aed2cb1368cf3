import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
const postgresUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
const integration = ["tests/integration/**/*.test.ts"];
const testEnv = { AUTH_SECRET: "vitest-auth-secret-0123456789", SEED_DEMO_DATA: "false", NEXT_TELEMETRY_DISABLED: "1" };

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // Vitest is not a React Server Components environment; the guard itself is Next's business.
      "server-only": path.join(root, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["lib/**/*.test.ts", "tests/unit/**/*.test.ts"], env: testEnv },
      },
      {
        extends: true,
        test: {
          name: "pglite",
          include: integration,
          // Each test file gets its own in-memory embedded database, migrated from scratch.
          env: { ...testEnv, DATABASE_URL: "", PGLITE_DIR: "memory://" },
        },
      },
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: "postgres",
                include: integration,
                // It spawns processes around the embedded database's lock: no PostgreSQL in it, so it runs once, under pglite.
                exclude: ["tests/integration/db-lock.test.ts"],
                // One fresh database per run (created and dropped by the global setup).
                globalSetup: ["tests/setup/postgres-global.ts"],
                setupFiles: ["tests/setup/postgres-file.ts"],
                env: { ...testEnv, TEST_POSTGRES_BASE_URL: postgresUrl },
              },
            },
          ]
        : []),
    ],
  },
});
