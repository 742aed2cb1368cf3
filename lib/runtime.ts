import "server-only";
import { createKeyCache, type KeyCache } from "@/lib/api-keys/cache";
import { createInvalidationBus, type InvalidationBus } from "@/lib/api-keys/invalidation";
import { createLastUsedBuffer, type LastUsedBuffer } from "@/lib/api-keys/last-used";
import { createRequestCounts, requestCountsConfig, type RequestCounts } from "@/lib/api-keys/request-counts";
import { createVerifier, type Verifier } from "@/lib/api-keys/verify";
import { createAuthFailures, type AuthFailures } from "@/lib/api/auth-failures";
import { createLoginLimiters, type LoginLimiters } from "@/lib/auth/login-throttle";
import { createDatabase, type Database } from "@/lib/db";
import { errorMessage } from "@/lib/db/errors";
import { env as processEnv, type Env } from "@/lib/env";

/**
 * Everything a server process holds between requests, in one object: the database, the key
 * verification cache, the invalidation listener, the last-used buffer, the failed-auth and sign-in
 * limiters, a clock and a logger. `createRuntime` builds and wires the parts (the verifier receives
 * its cache, database, listener and clock, as Unkey's key service receives its cache, database and
 * rate limiter); `runtime()` is the process's one instance; `close()` is the one shutdown.
 *
 * Tests build isolated runtimes (two on one PostgreSQL database are two instances of the app).
 * lib/env stays a module-level memo: it is a pure function of process.env, holds no resource, and
 * proxy.ts reads it without opening a database.
 */

export type Clock = { now(): number };
export type Logger = { info(message: string): void; error(message: string): void };

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
  /** Requests per key per minute, counted in memory and written in batches (lib/api-keys/request-counts.ts). */
  readonly requestCounts: RequestCounts;
  readonly authFailures: AuthFailures;
  /** Built on first use: on PostgreSQL they need the database's pool. */
  readonly loginLimiters: LoginLimiters;
  /** Writes the pending last-used times and request counts, stops the listener and closes the database (reopened if used again). */
  close(): Promise<void>;
};

const systemClock: Clock = { now: () => Date.now() };
const consoleLogger: Logger = { info: (message) => console.log(message), error: (message) => console.error(message) };

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
