import { RateLimiterMemory, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Database } from "@/lib/platform/db/database";
import { createLimiter, isRateLimited } from "@/lib/platform/rate-limit";
import type { Clock } from "@/lib/platform/logger";

// Failed authentications per client address. Generous enough for a misconfigured CI job's
// retries, tight enough that guessing keys (or hammering the database with unknown ones) stops.
const FAILURES = Number(process.env.API_AUTH_FAILURES_PER_MINUTE) || 100;
const WINDOW_SECONDS = 60;
// Shared counts (PostgreSQL) are updated in the background, batched per address: a failed request
// never waits on the database (a malformed key costs no I/O at all), and the limit still holds
// across instances, at most this much later than on the instance that saw the failures.
const SHARED_FLUSH_MS = 200;

export type AuthFailures = {
  /**
   * Counts one failure; returns the milliseconds to wait when this address is now over the limit
   * (by this instance's count at once, by all instances' within SHARED_FLUSH_MS).
   */
  record(ip: string): Promise<number>;
  /** Synchronous, so that the successful path never waits on the limiter at all. */
  blockedForMs(ip: string, now?: number): number;
  /** Pushes the pending shared counts now. */
  flush(): Promise<void>;
};

export function createAuthFailures(deps: { database: Database; clock: Clock }): AuthFailures {
  const { database, clock } = deps;
  // Addresses known to be over the limit, and until when.
  const blocked = new Map<string, number>();
  const pending = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  // Built on first use: the shared limiter needs the database's pool.
  let limiters: { local: RateLimiterAbstract; shared: RateLimiterAbstract | null } | undefined;
  const get = () => {
    if (limiters) return limiters;
    const pool = database.pool();
    limiters = {
      local: new RateLimiterMemory({ keyPrefix: "api_auth_fail_local", points: FAILURES, duration: WINDOW_SECONDS }),
      shared: pool ? createLimiter({ keyPrefix: "api_auth_fail", points: FAILURES, duration: WINDOW_SECONDS }, pool) : null,
    };
    return limiters;
  };

  function block(ip: string, ms: number): number {
    const wait = Math.max(1_000, ms);
    blocked.set(ip, clock.now() + wait);
    if (blocked.size > 100_000) blocked.clear();
    return wait;
  }

  function blockedForMs(ip: string, now = clock.now()): number {
    const until = blocked.get(ip);
    if (until === undefined) return 0;
    if (until <= now) {
      blocked.delete(ip);
      return 0;
    }
    return until - now;
  }

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const { shared } = get();
    if (!shared || pending.size === 0) return;
    const batch = [...pending];
    pending.clear();
    await Promise.all(
      batch.map(async ([ip, count]) => {
        try {
          await shared.consume(ip, count);
        } catch (error) {
          if (isRateLimited(error)) block(ip, error.msBeforeNext);
        }
      }),
    );
  }

  async function record(ip: string): Promise<number> {
    const { local, shared } = get();
    if (shared) {
      pending.set(ip, (pending.get(ip) ?? 0) + 1);
      if (!timer) {
        timer = setTimeout(() => void flush(), SHARED_FLUSH_MS);
        timer.unref();
      }
    }
    try {
      await local.consume(ip);
      return 0;
    } catch (error) {
      return isRateLimited(error) ? block(ip, error.msBeforeNext) : 0;
    }
  }

  return { record, blockedForMs, flush };
}
