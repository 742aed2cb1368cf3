import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/platform/runtime";
import { setupTestDatabase } from "@/tests/helpers/fixtures";

setupTestDatabase();

const postgresUrl = process.env.DATABASE_URL;

// `npm run db:seed` against PostgreSQL signs nothing, so it must not demand AUTH_SECRET.
describe.runIf(postgresUrl)("npm run db:seed on PostgreSQL", () => {
  it("seeds the demo data without AUTH_SECRET", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: postgresUrl };
    delete env.AUTH_SECRET;
    delete env.NEXTAUTH_SECRET;
    const run = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/db.ts", "seed"], {
      env,
      encoding: "utf8",
      timeout: 90_000,
    });
    expect(run.stderr).not.toMatch(/AUTH_SECRET/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Demo data is in place");
    expect(await db().user.count({ where: { email: "alice@acme.test" } })).toBe(1);
  }, 120_000);
});
