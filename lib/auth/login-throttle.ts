import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { createLimiter } from "@/lib/rate-limit";

const WINDOW_SECONDS = 15 * 60;
const MAX_FAILURES_PER_EMAIL_AND_IP = 10;
// A client can claim any X-Forwarded-For when no proxy overwrites it, so one email also gets a
// looser limit of its own across all addresses.
const MAX_FAILURES_PER_EMAIL = 50;

let limiters: { pair: RateLimiterAbstract; email: RateLimiterAbstract } | undefined;

function get() {
  limiters ??= {
    pair: createLimiter({ keyPrefix: "login_ip", points: MAX_FAILURES_PER_EMAIL_AND_IP, duration: WINDOW_SECONDS }),
    email: createLimiter({ keyPrefix: "login_email", points: MAX_FAILURES_PER_EMAIL, duration: WINDOW_SECONDS }),
  };
  return limiters;
}

function keys(email: string, ip: string) {
  const e = email.slice(0, 320);
  return { pair: `${e}|${ip}`, email: e };
}

/** Milliseconds until this email may try again from this IP, or 0. */
export async function loginBlockedFor(email: string, ip: string): Promise<number> {
  const { pair, email: emailLimiter } = get();
  const k = keys(email, ip);
  const [a, b] = await Promise.all([pair.get(k.pair), emailLimiter.get(k.email)]);
  let wait = 0;
  if (a && a.consumedPoints >= MAX_FAILURES_PER_EMAIL_AND_IP) wait = Math.max(wait, a.msBeforeNext);
  if (b && b.consumedPoints >= MAX_FAILURES_PER_EMAIL) wait = Math.max(wait, b.msBeforeNext);
  return wait;
}

export async function recordLoginFailure(email: string, ip: string): Promise<void> {
  const { pair, email: emailLimiter } = get();
  const k = keys(email, ip);
  // consume() rejects once the points are used up; that is the signal, not an error.
  await Promise.allSettled([pair.consume(k.pair), emailLimiter.consume(k.email)]);
}

export async function clearLoginFailures(email: string, ip: string): Promise<void> {
  const { pair } = get();
  await pair.delete(keys(email, ip).pair).catch(() => {});
}

export function tooManyAttemptsMessage(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
