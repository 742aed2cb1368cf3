import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Sql } from "@/lib/platform/db/sql";
import { consoleLogger, type Logger } from "@/lib/platform/logger";

// The same lock id `prisma migrate deploy` takes, so our start-up and the CLI never interleave.
const PRISMA_MIGRATE_LOCK = 72707369;

export type MigrationFile = { name: string; sql: string; checksum: string };

export function migrationsDir(): string {
  return path.join(process.cwd(), "prisma", "migrations");
}

export function readMigrations(dir = migrationsDir()): MigrationFile[] {
  return readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(/*turbopackIgnore: true*/ path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * Applies prisma/migrations the way `prisma migrate deploy` does (same `_prisma_migrations`
 * table, checksums and advisory lock), because the Prisma CLI's schema engine cannot be
 * downloaded everywhere we run. `fresh` is true when the database had no migrations before.
 */
export function migrate(sql: Sql, files = readMigrations(), logger: Logger = consoleLogger): Promise<{ applied: string[]; fresh: boolean }> {
  return sql.session((connection) => migrateOn(connection, files, logger));
}

async function migrateOn(sql: Sql, files: MigrationFile[], logger: Logger): Promise<{ applied: string[]; fresh: boolean }> {
  await sql.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
  try {
    await sql.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const rows = await sql.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const done = new Map(rows.map((r) => [r.migration_name, r]));
    for (const row of rows) {
      if (!row.finished_at) {
        throw new Error(
          `Migration ${row.migration_name} started but never finished. Fix the database, then mark it ` +
            "rolled back (`prisma migrate resolve --rolled-back`) or delete its row in _prisma_migrations.",
        );
      }
    }
    const applied: string[] = [];
    for (const file of files) {
      const previous = done.get(file.name);
      if (previous) {
        if (previous.checksum !== file.checksum) {
          logger.error(`[db] migration ${file.name} was edited after it was applied (checksum differs)`);
        }
        continue;
      }
      const id = randomUUID();
      // One transaction per migration: a failure leaves neither half a schema nor a record of it.
      await sql.exec(
        `BEGIN;\n${file.sql}\n;INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) ` +
          `VALUES ('${id}', '${file.checksum}', '${file.name.replace(/'/g, "''")}', now(), now(), 1);\nCOMMIT;`,
      ).catch(async (error: unknown) => {
        await sql.exec("ROLLBACK").catch(() => {});
        throw new Error(`Migration ${file.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      });
      applied.push(file.name);
    }
    return { applied, fresh: done.size === 0 && applied.length > 0 };
  } finally {
    await sql.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]);
  }
}
