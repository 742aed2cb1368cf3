import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMBEDDED_EXTENSIONS, pgliteSql, poolSql, type Sql } from "@/lib/platform/db/database";
import { closeDatabase, ensureDatabase, sql } from "@/lib/platform/runtime";
import { migrate, readMigrations, type MigrationFile } from "@/lib/platform/db/migrate";

// Computed here from the files, not through lib/platform/db/migrate, so the test doesn't grade its own homework.
const migrationsDir = path.join(process.cwd(), "prisma", "migrations");
const folders = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const checksums = new Map(
  folders.map((name) => [name, createHash("sha256").update(readFileSync(path.join(migrationsDir, name, "migration.sql"))).digest("hex")]),
);

type MigrationRow = {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
};

function rows(q: Sql): Promise<MigrationRow[]> {
  return q.query<MigrationRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
}

async function tableExists(q: Sql, name: string): Promise<boolean> {
  const [row] = await q.query<{ exists: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS "exists"`, [`"${name}"`]);
  return row!.exists;
}

/** A database nobody has migrated: a new in-memory PGlite, or a throwaway PostgreSQL database. */
async function emptyDatabase(): Promise<{ sql: Sql; close(): Promise<void> }> {
  if (sql().kind === "pglite") {
    const pglite = new PGlite({ extensions: EMBEDDED_EXTENSIONS });
    const q = pgliteSql(pglite);
    return { sql: q, close: () => pglite.close() };
  }
  const base = process.env.TEST_POSTGRES_BASE_URL;
  if (!base) throw new Error("TEST_POSTGRES_BASE_URL is not set");
  const name = `paygentic_migrate_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 5 });
  const q = poolSql(pool);
  return {
    sql: q,
    async close() {
      await pool.end();
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

function expectRecordedLikePrisma(recorded: MigrationRow[]): void {
  expect(recorded.map((r) => r.migration_name)).toEqual(folders);
  for (const row of recorded) {
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row.checksum).toBe(checksums.get(row.migration_name));
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.started_at).toBeInstanceOf(Date);
    expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    expect(row.applied_steps_count).toBe(1);
    expect(row.rolled_back_at).toBeNull();
    expect(row.logs).toBeNull();
  }
}

beforeAll(async () => {
  await ensureDatabase();
});

afterAll(async () => {
  await closeDatabase();
});

describe("migrations", () => {
  it("has migration folders, each with migration.sql, in Prisma's layout", () => {
    expect(folders.length).toBeGreaterThan(0);
    for (const name of folders) expect(name).toMatch(/^\d{14}_[a-z0-9_]+$/);
    expect(readFileSync(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toMatch(/provider\s*=\s*"postgresql"/);
    expect(readMigrations().map((m) => [m.name, m.checksum])).toEqual(folders.map((f) => [f, checksums.get(f)]));
  });

  it("records every applied migration in _prisma_migrations exactly as Prisma does", async () => {
    expectRecordedLikePrisma(await rows(sql()));
    const columns = await sql().query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name::text, data_type::text, is_nullable::text FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    // The table Prisma's schema engine creates.
    expect(columns.map((c) => `${c.column_name} ${c.data_type} ${c.is_nullable}`)).toEqual([
      "id character varying NO",
      "checksum character varying NO",
      "finished_at timestamp with time zone YES",
      "migration_name character varying NO",
      "logs text YES",
      "rolled_back_at timestamp with time zone YES",
      "started_at timestamp with time zone NO",
      "applied_steps_count integer NO",
    ]);
  });

  it("applies nothing when run again", async () => {
    const before = await rows(sql());
    expect(await migrate(sql())).toEqual({ applied: [], fresh: false });
    expect(await rows(sql())).toEqual(before);
  });

  it("applies everything to an empty database and reports it fresh", async () => {
    const empty = await emptyDatabase();
    try {
      expect(await migrate(empty.sql)).toEqual({ applied: folders, fresh: true });
      expectRecordedLikePrisma(await rows(empty.sql));
      expect(await migrate(empty.sql)).toEqual({ applied: [], fresh: false });
    } finally {
      await empty.close();
    }
  });

  describe("a failing migration", () => {
    // Sorts after every real migration; unique per run because PostgreSQL test files share a database.
    const suffix = randomBytes(4).toString("hex");
    const names: string[] = [];
    const badFile = (kind: string, body: (name: string) => string): MigrationFile => {
      const name = `99999999999999_bad_${kind}_${suffix}`;
      names.push(name);
      const text = body(name);
      return { name, sql: text, checksum: createHash("sha256").update(text).digest("hex") };
    };

    afterAll(async () => {
      // Only does something if the transaction guarantee is broken; keeps other test files unaffected.
      await sql().query(`DELETE FROM "_prisma_migrations" WHERE migration_name = ANY($1)`, [names]);
      for (const name of names) await sql().exec(`DROP TABLE IF EXISTS "partial_${name}"`);
    });

    it("with a syntax error throws naming it and leaves no row", async () => {
      const bad = badFile("syntax", () => "CREATE TABLE x (;");
      await expect(migrate(sql(), [...readMigrations(), bad])).rejects.toThrow(new RegExp(`Migration ${bad.name} failed: .*syntax`));
      expect((await rows(sql())).map((r) => r.migration_name)).toEqual(folders);
    });

    it("that fails half-way leaves no row and no partial table", async () => {
      const bad = badFile(
        "runtime",
        (name) => `CREATE TABLE "partial_${name}" ("id" TEXT NOT NULL);\nINSERT INTO "partial_${name}" VALUES ('a');\nSELECT 1 / 0;`,
      );
      await expect(migrate(sql(), [...readMigrations(), bad])).rejects.toThrow(new RegExp(`Migration ${bad.name} failed: division by zero`));
      expect((await rows(sql())).map((r) => r.migration_name)).toEqual(folders);
      expect(await tableExists(sql(), `partial_${bad.name}`)).toBe(false);
      // The connection is usable afterwards (not left inside an aborted transaction) and the lock was released.
      expect(await migrate(sql())).toEqual({ applied: [], fresh: false });
      const [state] = await sql().session((s) =>
        s.query<{ locks: number }>(`SELECT count(*)::int AS locks FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`),
      );
      expect(state!.locks).toBe(0);
    });

    it("stops at the failure: later migrations are not applied", async () => {
      const bad = badFile("first", () => "SELECT 1 / 0;");
      const later = badFile("later", (name) => `CREATE TABLE "partial_${name}" ("id" TEXT);`);
      await expect(migrate(sql(), [...readMigrations(), bad, later])).rejects.toThrow(`Migration ${bad.name} failed`);
      expect((await rows(sql())).map((r) => r.migration_name)).toEqual(folders);
      expect(await tableExists(sql(), `partial_${later.name}`)).toBe(false);
    });
  });

  it("concurrent migrate() calls on a migrated database don't fail", async () => {
    const results = await Promise.all([migrate(sql()), migrate(sql()), migrate(sql())]);
    expect(results).toEqual([
      { applied: [], fresh: false },
      { applied: [], fresh: false },
      { applied: [], fresh: false },
    ]);
    expect((await rows(sql())).map((r) => r.migration_name)).toEqual(folders);
  });

  async function concurrentOnEmptyDatabase() {
    const empty = await emptyDatabase();
    try {
      const results = await Promise.all([migrate(empty.sql), migrate(empty.sql), migrate(empty.sql)]);
      expect(results.flatMap((r) => r.applied)).toEqual(folders);
      expect(results.filter((r) => r.fresh)).toHaveLength(1);
      expectRecordedLikePrisma(await rows(empty.sql));
    } finally {
      await empty.close();
    }
  }

  it("concurrent migrate() calls on an empty database apply each migration exactly once", concurrentOnEmptyDatabase);
});
