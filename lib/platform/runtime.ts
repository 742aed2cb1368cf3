import "server-only";
import { createKeyCache, type KeyCache } from "@/lib/domain/api-keys/cache";
import { createInvalidationBus, type InvalidationBus } from "@/lib/domain/api-keys/invalidation";
import { createLastUsedBuffer, type LastUsedBuffer } from "@/lib/domain/api-keys/last-used";
import { createRequestCounts, requestCountsConfig, type RequestCounts } from "@/lib/domain/api-keys/request-counts";
import { createVerifier, type Verifier } from "@/lib/domain/api-keys/verify";
import { createAuthFailures, type AuthFailures } from "@/lib/platform/auth-failures";
import type pg from "pg";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { createLoginLimiters, type LoginLimiters } from "@/lib/auth/login-limiters";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { env as processEnv, type Env } from "@/lib/platform/config";
import { createDatabase, type Database } from "@/lib/platform/db/database";
import { errorMessage } from "@/lib/platform/db/errors";
import type { Sql } from "@/lib/platform/db/sql";
import { consoleLogger, systemClock, type Clock, type Logger } from "@/lib/platform/logger";
import { createLimiter, type LimiterOptions } from "@/lib/platform/rate-limit";
import { addressKey } from "@/lib/platform/request-info";

/**
 * The composition root. Everything a server process holds between requests is one object: the
 * database, the key verification cache, the invalidation listener, the last-used buffer, the request
 * counts, the rate limiters, other per-process caches (`memo`), a clock and a logger. `createRuntime` builds and wires the parts, each
 * factory receiving what it needs (none of them imports this file); `runtime()` is the process's one
 * instance; `close()` is the one shutdown. The shortcuts at the end (`db()`, `verifyApiKey()`…) are
 * the only way the rest of the code reaches the process's instance.
 *
 * Tests build isolated runtimes (two on one PostgreSQL database are two instances of the app).
 * The configuration (lib/platform/config.ts) stays a module-level memo: a pure function of
 * process.env that holds no resource, read by proxy.ts without opening a database.
 */

export type { Clock, Logger };

export type RuntimeOptions = { env?: Env; clock?: Clock; logger?: Logger };

export type Runtime = {
  readonly env: Env;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly database: Database;
  readonly keyCache: KeyCache;
  readonly invalidation: InvalidationBus;
  readonly verifier: Verifier;
  readonly lastUsed: LastUsedBuffer;
  /** Requests per key per minute, counted in memory and written in batches (lib/domain/api-keys/request-counts.ts). */
  readonly requestCounts: RequestCounts;
  readonly authFailures: AuthFailures;
  /** Built on first use: on PostgreSQL they need the database's pool. */
  readonly loginLimiters: LoginLimiters;
  /** A rate limiter, one per key prefix for the runtime's life (counted in PostgreSQL when there is one). */
  limiter(options: LimiterOptions): RateLimiterAbstract;
  /** A per-runtime object made on first use under `name` (e.g. the key page's activity cache): state lib code would otherwise keep in a module-level map. */
  memo<T>(name: string, create: () => T): T;
  /** Writes the pending last-used times and request counts, stops the listener and closes the database (reopened if used again). */
  close(): Promise<void>;
};


/** Builds a runtime; nothing is opened or connected until it is used. */
export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const env = options.env ?? processEnv();
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? consoleLogger;
  const database = createDatabase(env, logger);
  const keyCache = createKeyCache();
  const invalidation = createInvalidationBus({ databaseUrl: env.databaseUrl, database, keyCache, logger });
  const verifier = createVerifier({ database, keyCache, invalidation, clock, hashSecret: env.apiKeyHashSecret });
  const lastUsed = createLastUsedBuffer({ database, clock, logger });
  const requestCounts = createRequestCounts({ database, clock, logger, config: requestCountsConfig() });
  const authFailures = createAuthFailures({ database, clock });
  let loginLimiters: LoginLimiters | undefined;
  const limiters = new Map<string, RateLimiterAbstract>();
  const memos = new Map<string, unknown>();
  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    // A rolling restart must not lose the last-used times, and must leave the embedded database
    // cleanly closed (and its lock released).
    await lastUsed.flush({ force: true }).catch(() => 0);
    lastUsed.stop();
    // And the request counts, the current minute included (failures are logged inside).
    await requestCounts.flush({ force: true });
    requestCounts.stop();
    await invalidation.stop();
    await database.close().catch((error: unknown) => logger.error(`[db] close failed: ${errorMessage(error)}`));
  }
  return {
    env,
    clock,
    logger,
    database,
    keyCache,
    invalidation,
    verifier,
    lastUsed,
    requestCounts,
    authFailures,
    get loginLimiters() {
      loginLimiters ??= createLoginLimiters(database.pool());
      return loginLimiters;
    },
    limiter(options) {
      let limiter = limiters.get(options.keyPrefix);
      if (!limiter) {
        limiter = createLimiter(options, database.pool());
        limiters.set(options.keyPrefix, limiter);
      }
      return limiter;
    },
    memo<T>(name: string, create: () => T): T {
      if (!memos.has(name)) memos.set(name, create());
      return memos.get(name) as T;
    },
    close() {
      // Concurrent calls (SIGTERM, then SIGINT) share one close; a later call closes again.
      closing ??= close().finally(() => (closing = undefined));
      return closing;
    },
  };
}

// The one globalThis in lib/: Next bundles route handlers, server actions, pages and
// instrumentation separately, each with its own copy of every module, and they must share one
// process's state (a revoke in the dashboard clears the cache the API reads; one PGlite instance
// per data directory). It also survives dev-mode module reloads.
const processState = globalThis as typeof globalThis & { __paygenticRuntime?: Runtime };

/** The process's runtime, created on first use. */
export function runtime(): Runtime {
  processState.__paygenticRuntime ??= createRuntime();
  return processState.__paygenticRuntime;
}

// The process's services, for the code that just needs them: thin calls into the one runtime.

/** The Prisma client. Call `ensureDatabase()` once before the first query of a process. */
export const db = (): PrismaClient => runtime().database.prisma();
export const sql = (): Sql => runtime().database.sql();
export const ensureDatabase = (): Promise<void> => runtime().database.ensure();
export const postgresPool = (): pg.Pool | undefined => runtime().database.pool();
export const closeDatabase = (): Promise<void> => runtime().database.close();

/** Verifies a bearer key (lib/domain/api-keys/verify.ts, createVerifier). */
export const verifyApiKey: Verifier["verify"] = (token, now) => runtime().verifier.verify(token, now);

/** After a committed change to keys or memberships: forget the affected keys here and on every instance. */
export const publishInvalidation: InvalidationBus["publish"] = (invalidation) => runtime().invalidation.publish(invalidation);
export const ensureInvalidationListener = (): void => runtime().invalidation.ensureListener();
/** For tests and the failure drill: the process's subscription connection, if any. */
export const invalidationListenerClient = (): pg.Client | null => runtime().invalidation.client();

export const recordKeyUse: LastUsedBuffer["record"] = (keyId, ip, userAgent, at) => runtime().lastUsed.record(keyId, ip, userAgent, at);
export const flushLastUsed: LastUsedBuffer["flush"] = (options) => runtime().lastUsed.flush(options);
export const countRequest: RequestCounts["record"] = (keyId, status, code) => runtime().requestCounts.record(keyId, status, code);
export const flushRequestCounts: RequestCounts["flush"] = (options) => runtime().requestCounts.flush(options);

/** Failed API authentications per client address (an IPv6 client counts by its /64). */
export const recordAuthFailure = (ip: string): Promise<number> => runtime().authFailures.record(addressKey(ip));
export const blockedForMs = (ip: string, now?: number): number => runtime().authFailures.blockedForMs(addressKey(ip), now);
/** For tests: push the pending shared counts now. */
export const flushAuthFailures = (): Promise<void> => runtime().authFailures.flush();
