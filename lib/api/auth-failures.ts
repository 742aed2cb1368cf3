import { RateLimiterMemory, type RateLimiterAbstract } from "rate-limiter-flexible";
import { postgresPool } from "@/lib/db";
import { createLimiter, isRateLimited } from "@/lib/rate-limit";

// Failed authentications per client address. Generous enough for a misconfigured CI job's
// retries, tight enough that guessing keys (or hammering the database with unknown ones) stops.
const FAILURES = Number(process.env.API_AUTH_FAILURES_PER_MINUTE) || 100;
const WINDOW_SECONDS = 60;
// Shared counts (PostgreSQL) are updated in the background, batched per address: a failed request
// never waits on the database (a malformed key costs no I/O at all), and the limit still holds
// across instances, at most this much later than on the instance that saw the failures.
const SHARED_FLUSH_MS = 200;

type State = {
  local: RateLimiterAbstract;
  shared: RateLimiterAbstract | null;
  pending: Map<string, number>;
  timer: NodeJS.Timeout | null;
};

// One per process (on globalThis: Next gives each route bundle its own copy of this module).
// `blocked` holds addresses known to be over the limit, checked synchronously so that the
// successful path never waits on the limiter at all.
const store = globalThis as typeof globalThis & {
  __paygenticAuthFailures?: { state: State | undefined; blocked: Map<string, number> };
};
const shared = (store.__paygenticAuthFailures ??= { state: undefined, blocked: new Map() });
const blocked = shared.blocked;

function get(): State {
  shared.state ??= {
    local: new RateLimiterMemory({ keyPrefix: "api_auth_fail_local", points: FAILURES, duration: WINDOW_SECONDS }),
    shared: postgresPool() ? createLimiter({ keyPrefix: "api_auth_fail", points: FAILURES, duration: WINDOW_SECONDS }) : null,
    pending: new Map(),
    timer: null,
  };
  return shared.state;
}

function block(ip: string, ms: number): number {
  const wait = Math.max(1_000, ms);
  blocked.set(ip, Date.now() + wait);
  if (blocked.size > 100_000) blocked.clear();
  return wait;
}

export function blockedForMs(ip: string, now = Date.now()): number {
  const until = blocked.get(ip);
  if (until === undefined) return 0;
  if (until <= now) {
    blocked.delete(ip);
    return 0;
  }
  return until - now;
}

async function flushShared(): Promise<void> {
  const s = get();
  s.timer = null;
  if (!s.shared || s.pending.size === 0) return;
  const batch = [...s.pending];
  s.pending.clear();
  await Promise.all(
    batch.map(async ([ip, count]) => {
      try {
        await s.shared!.consume(ip, count);
      } catch (error) {
        if (isRateLimited(error)) block(ip, error.msBeforeNext);
      }
    }),
  );
}

/**
 * Counts one failure; returns the milliseconds to wait when this address is now over the limit
 * (by this instance's count at once, by all instances' within SHARED_FLUSH_MS).
 */
export async function recordAuthFailure(ip: string): Promise<number> {
  const s = get();
  if (s.shared) {
    s.pending.set(ip, (s.pending.get(ip) ?? 0) + 1);
    if (!s.timer) {
      s.timer = setTimeout(() => void flushShared(), SHARED_FLUSH_MS);
      s.timer.unref();
    }
  }
  try {
    await s.local.consume(ip);
    return 0;
  } catch (error) {
    return isRateLimited(error) ? block(ip, error.msBeforeNext) : 0;
  }
}

/** For tests: push the pending shared counts now. */
export async function flushAuthFailures(): Promise<void> {
  const s = get();
  if (s.timer) clearTimeout(s.timer);
  await flushShared();
}
