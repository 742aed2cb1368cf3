import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { createLimiter, isRateLimited } from "@/lib/rate-limit";

// Failed authentications per client address. Generous enough for a misconfigured CI job's
// retries, tight enough that guessing keys (or hammering the database with unknown ones) stops.
const FAILURES = Number(process.env.API_AUTH_FAILURES_PER_MINUTE) || 100;
const WINDOW_SECONDS = 60;

let limiter: RateLimiterAbstract | undefined;
// Addresses known to be over the limit, checked synchronously so that the successful path never
// waits on the limiter's store (PostgreSQL when several instances share it).
const blocked = new Map<string, number>();

export function blockedForMs(ip: string, now = Date.now()): number {
  const until = blocked.get(ip);
  if (until === undefined) return 0;
  if (until <= now) {
    blocked.delete(ip);
    return 0;
  }
  return until - now;
}

/** Counts one failure; returns the milliseconds to wait when this address is now over the limit. */
export async function recordAuthFailure(ip: string): Promise<number> {
  limiter ??= createLimiter({ keyPrefix: "api_auth_fail", points: FAILURES, duration: WINDOW_SECONDS });
  try {
    await limiter.consume(ip);
    return 0;
  } catch (error) {
    if (!isRateLimited(error)) return 0;
    const wait = Math.max(1_000, error.msBeforeNext);
    blocked.set(ip, Date.now() + wait);
    if (blocked.size > 100_000) blocked.clear();
    return wait;
  }
}
