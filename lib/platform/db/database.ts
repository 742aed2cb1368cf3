import "server-only";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Env } from "@/lib/platform/config";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { lockEmbeddedDatabase, prepareDatabaseDir, unlockEmbeddedDatabase } from "@/lib/platform/db/lock";
import { migrate } from "@/lib/platform/db/migrate";
import { seedDemoData } from "@/lib/platform/db/seed";
import type { Sql } from "@/lib/platform/db/sql";

export type { Sql };
import type { Logger } from "@/lib/platform/logger";

/** The contrib extensions the migrations create (PostgreSQL ships them; PGlite loads them on demand). */
export const EMBEDDED_EXTENSIONS = { pg_trgm };

/** Sql over a PGlite instance. */
export function pgliteSql(pglite: PGlite): Sql {
  // PGlite is one session already, and a session may re-take its own advisory locks: callers
  // that need a session (migrations) take turns instead.
  let queue: Promise<unknown> = Promise.resolve();
  const sql: Sql = {
    kind: "pglite",
    async query<T>(text: string, params?: unknown[]) {
      return (await pglite.query<T>(text, params)).rows;
    },
    async exec(text: string) {
      await pglite.exec(text);
    },
    session: (fn) => {
      const run = queue.then(() => fn(sql));
      queue = run.catch(() => {});
      return run;
    },
  };
  return sql;
}

/**
 * Limits on every PostgreSQL connection of the pool, so that a database that stops answering
 * (frozen, overloaded, or behind a network path that silently drops packets) ends each request
 * within seconds, as a 503, instead of holding it for as long as the database is gone.
 */
export const DATABASE_TIMEOUTS = {
  /** Opening a connection, and also waiting for a free one when the pool is full (pg-pool). */
  connectMs: 5_000,
  /** Server side: a statement running longer is cancelled (SQLSTATE 57014); the connection survives. */
  statementMs: 5_000,
  /**
   * Client side, for a server that doesn't answer at all. A little longer than statementMs, so a
   * slow but live server cancels the statement itself first and the connection is kept.
   */
  queryMs: 6_000,
  /** The server ends a transaction left idle this long (its client hung or vanished), freeing its locks. */
  idleInTransactionMs: 10_000,
  /** TCP keep-alive probes start after this much silence, instead of the OS default of 2 hours. */
  keepAliveInitialDelayMs: 5_000,
  /**
   * Sessions run migrations, which may legitimately take minutes (an index on a big table) or wait
   * for another instance's migration lock. They are bounded too, but far more loosely.
   */
  sessionMs: 10 * 60_000,
} as const;

/** Sql over a pg pool; `session` checks out one connection, with the session limits. */
export function poolSql(pool: pg.Pool): Sql {
  const sql: Sql = {
    ...clientSql(pool),
    async session(fn) {
      const client = await pool.connect();
      try {
        await client.query(`SET statement_timeout = ${DATABASE_TIMEOUTS.sessionMs}`);
        const onClient: Sql = { ...clientSql(client, DATABASE_TIMEOUTS.sessionMs + 1_000), session: (inner) => inner(onClient) };
        return await fn(onClient);
      } finally {
        // Closed rather than pooled: its longer statement timeout must not leak to requests.
        client.release(true);
      }
    },
  };
  return sql;
}

function clientSql(client: pg.Pool | pg.PoolClient, queryTimeoutMs?: number): Omit<Sql, "session"> {
  // pg reads query_timeout from a query's config too; @types/pg doesn't declare it there.
  const config = (text: string, values?: unknown[]) => ({ text, values, ...(queryTimeoutMs ? { query_timeout: queryTimeoutMs } : {}) }) as pg.QueryConfig;
  return {
    kind: "postgres",
    async query<T>(text: string, params?: unknown[]) {
      return (await client.query(config(text, params))).rows as T[];
    },
    async exec(text: string) {
      await client.query(config(text));
    },
  };
}

/**
 * A query that timed out on the client is still running on its connection (pg can't take it
 * back), and the next query sent there would wait behind it. pg-pool closes a connection released
 * with an error, but Prisma's transactions release theirs without one: close those here too.
 */
function closeIfQueryInFlight(_error: Error | undefined, client: pg.PoolClient): void {
  const inFlight = (client as unknown as { _getActiveQuery?: () => unknown })._getActiveQuery?.();
  if (inFlight) client.end().catch(() => {});
}

type Connection = {
  prisma: PrismaClient;
  sql: Sql;
  pool?: pg.Pool;
  close(): Promise<void>;
};

function open(config: Env): Connection {
  if (process.env.NEXT_PHASE === "phase-production-build") {
    throw new Error("The database must not be opened while `next build` runs.");
  }
  if (config.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.poolSize,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: DATABASE_TIMEOUTS.connectMs,
      statement_timeout: DATABASE_TIMEOUTS.statementMs,
      query_timeout: DATABASE_TIMEOUTS.queryMs,
      idle_in_transaction_session_timeout: DATABASE_TIMEOUTS.idleInTransactionMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: DATABASE_TIMEOUTS.keepAliveInitialDelayMs,
    });
    // An idle client losing its connection (database restart) must not crash the process;
    // the next query gets a fresh connection or a clear error.
    pool.on("error", () => {});
    pool.on("release", closeIfQueryInFlight);
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return {
      prisma,
      sql: poolSql(pool),
      pool,
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  const onDisk = !config.pgliteDir.startsWith("memory://");
  // Locked and opened by its real path: any other name of the folder (a symlink, a file:// URL)
  // then finds the same lock.
  const dataDir = onDisk ? prepareDatabaseDir(config.pgliteDir) : config.pgliteDir;
  if (onDisk) lockEmbeddedDatabase(dataDir);
  const pglite = new PGlite(dataDir, { extensions: EMBEDDED_EXTENSIONS });
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    sql: pgliteSql(pglite),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      if (onDisk) unlockEmbeddedDatabase(dataDir);
    },
  };
}

/** A runtime's database (lib/platform/runtime.ts): opened on first use, reopened on use after close(). */
export type Database = {
  prisma(): PrismaClient;
  sql(): Sql;
  /** The PostgreSQL pool when DATABASE_URL is set (shared state across instances), else undefined. */
  pool(): pg.Pool | undefined;
  /**
   * Migrates (and, for the embedded database, seeds on first start) exactly once. A failure is not
   * cached: the next caller tries again, so a database that was down at start-up doesn't leave the
   * process broken until restart.
   */
  ensure(): Promise<void>;
  close(): Promise<void>;
};

export function createDatabase(config: Env, logger: Logger): Database {
  let connection: Connection | undefined;
  let ready: Promise<void> | undefined;
  const current = () => (connection ??= open(config));
  return {
    prisma: () => current().prisma,
    sql: () => current().sql,
    pool: () => current().pool,
    ensure() {
      const c = current();
      ready ??= (async () => {
        const { applied, fresh } = await migrate(c.sql, undefined, logger);
        if (applied.length > 0) logger.info(`[db] applied migrations: ${applied.join(", ")}`);
        const seed = config.seedDemoData;
        if (seed === "always" || (seed === "first-start" && fresh)) {
          await seedDemoData(c.prisma);
          logger.info("[db] seeded demo data");
        }
      })().catch((error: unknown) => {
        if (connection === c) ready = undefined;
        throw error;
      });
      return ready;
    },
    async close() {
      const c = connection;
      connection = undefined;
      ready = undefined;
      await c?.close();
    },
  };
}
