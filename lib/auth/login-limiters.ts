import type pg from "pg";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { createLimiter } from "@/lib/platform/rate-limit";

// Failed sign-ins slow guessing down without ever locking the real user out (OWASP: back-off per
// account, not a hard lock). Failures are counted per account, per account and address, and per
// address, over WINDOW_SECONDS. A failure may put *that address* into a wait for *that account*:
// exponential in the address's own failures for the account, and in the account's failures from
// everywhere. So an address that has not failed for an account is never refused the right password,
// however many addresses (or forged ones) attack the account, and each attacking address gets one
// guess before it waits as long as the account's back-off says.
export const WINDOW_SECONDS = 15 * 60;
/** Failures of one account from one address before that address waits: typos, a forgotten password. */
export const FREE_FAILURES_PER_ADDRESS = 5;
/** Failures of one account from all addresses before every failing address waits. */
export const FREE_FAILURES_PER_ACCOUNT = 10;
export const MAX_WAIT_SECONDS = WINDOW_SECONDS;
/** Credential stuffing: failures from one address across all accounts, then that address is refused. */
export const MAX_FAILURES_PER_ADDRESS = 100;

export type LoginLimiters = {
  account: RateLimiterAbstract;
  pair: RateLimiterAbstract;
  address: RateLimiterAbstract;
  wait: RateLimiterAbstract;
  /** email|address pairs with a password check under way on this instance. */
  inFlight: Set<string>;
};

/** One set per runtime (lib/platform/runtime.ts), on its database's pool when it has one. */
export function createLoginLimiters(pool: pg.Pool | undefined): LoginLimiters {
  // The counters only count (penalty() never refuses); the waits are block()s on `wait`.
  const counter = (keyPrefix: string) => createLimiter({ keyPrefix, points: Number.MAX_SAFE_INTEGER, duration: WINDOW_SECONDS }, pool);
  return {
    account: counter("login_account"),
    pair: counter("login_pair"),
    address: counter("login_address"),
    wait: createLimiter({ keyPrefix: "login_wait", points: 1, duration: 1 }, pool),
    inFlight: new Set(),
  };
}
