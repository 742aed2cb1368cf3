import type pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

export { RateLimiterRes };

export type LimiterOptions = { keyPrefix: string; points: number; duration: number; blockDuration?: number };

/**
 * With a shared PostgreSQL database the counters live there, so a limit holds across instances;
 * the in-memory insurance limiter keeps limiting (per instance) if that table can't be reached.
 * On the embedded database there is one instance, and memory is enough. `pool` is the runtime's
 * database pool (undefined on the embedded database).
 */
export function createLimiter(options: LimiterOptions, pool: pg.Pool | undefined): RateLimiterAbstract {
  const memory = new RateLimiterMemory(options);
  if (!pool) return memory;
  return new RateLimiterPostgres({
    ...options,
    storeClient: pool,
    tableName: "rate_limits",
    // The table comes from our migrations (model RateLimit), not from the limiter at run time.
    tableCreated: true,
    insuranceLimiter: memory,
    clearExpiredByTimeout: true,
  });
}

export function isRateLimited(error: unknown): error is RateLimiterRes {
  return error instanceof RateLimiterRes;
}
