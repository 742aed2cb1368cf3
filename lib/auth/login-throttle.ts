import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { createLimiter } from "@/lib/rate-limit";

// Failed sign-ins slow guessing down without ever locking the real user out (OWASP: back-off per
// account, not a hard lock). Failures are counted per account, per account and address, and per
// address, over WINDOW_SECONDS. A failure may put *that address* into a wait for *that account*:
// exponential in the address's own failures for the account, and in the account's failures from
// everywhere. So an address that has not failed for an account is never refused the right password,
// however many addresses (or forged ones) attack the account, and each attacking address gets one
// guess before it waits as long as the account's back-off says.
const WINDOW_SECONDS = 15 * 60;
/** Failures of one account from one address before that address waits: typos, a forgotten password. */
const FREE_FAILURES_PER_ADDRESS = 5;
/** Failures of one account from all addresses before every failing address waits. */
const FREE_FAILURES_PER_ACCOUNT = 10;
const MAX_WAIT_SECONDS = WINDOW_SECONDS;
/** Credential stuffing: failures from one address across all accounts, then that address is refused. */
const MAX_FAILURES_PER_ADDRESS = 100;

type Limiters = { account: RateLimiterAbstract; pair: RateLimiterAbstract; address: RateLimiterAbstract; wait: RateLimiterAbstract };

let limiters: Limiters | undefined;

function get(): Limiters {
  // The counters only count (penalty() never refuses); the waits are block()s on `wait`.
  const counter = (keyPrefix: string) => createLimiter({ keyPrefix, points: Number.MAX_SAFE_INTEGER, duration: WINDOW_SECONDS });
  limiters ??= {
    account: counter("login_account"),
    pair: counter("login_pair"),
    address: counter("login_address"),
    wait: createLimiter({ keyPrefix: "login_wait", points: 1, duration: 1 }),
  };
  return limiters;
}

function keys(email: string, ip: string) {
  const e = email.slice(0, 320);
  return { account: e, pair: `${e}|${ip}`, address: ip };
}

/** Seconds this address waits after a failure: 1, 2, 4… beyond the free failures, at most MAX_WAIT_SECONDS. */
export function backOffSeconds(pairFailures: number, accountFailures: number): number {
  const excess = Math.max(pairFailures - FREE_FAILURES_PER_ADDRESS, accountFailures - FREE_FAILURES_PER_ACCOUNT);
  return excess <= 0 ? 0 : Math.min(MAX_WAIT_SECONDS, 2 ** (excess - 1));
}

/** Milliseconds until this email may try again from this address, or 0. */
export async function loginBlockedFor(email: string, ip: string): Promise<number> {
  const { wait, address } = get();
  const k = keys(email, ip);
  const [waiting, fromAddress] = await Promise.all([wait.get(k.pair), address.get(k.address)]);
  let ms = 0;
  if (waiting && waiting.consumedPoints > 1) ms = Math.max(ms, waiting.msBeforeNext);
  if (fromAddress && fromAddress.consumedPoints >= MAX_FAILURES_PER_ADDRESS) ms = Math.max(ms, fromAddress.msBeforeNext);
  return ms;
}

export async function recordLoginFailure(email: string, ip: string): Promise<void> {
  const { account, pair, address, wait } = get();
  const k = keys(email, ip);
  const [forAccount, forPair] = await Promise.all([account.penalty(k.account), pair.penalty(k.pair), address.penalty(k.address)]);
  const seconds = backOffSeconds(forPair.consumedPoints, forAccount.consumedPoints);
  if (seconds > 0) await wait.block(k.pair, seconds);
}

/** After a successful sign-in from this address: its own failures for this account are forgiven. */
export async function clearLoginFailures(email: string, ip: string): Promise<void> {
  const { pair, wait } = get();
  const k = keys(email, ip);
  await Promise.all([pair.delete(k.pair), wait.delete(k.pair)]).catch(() => {});
}

export function tooManyAttemptsMessage(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `Too many attempts. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
