import { FREE_FAILURES_PER_ACCOUNT, FREE_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_ADDRESS, MAX_WAIT_SECONDS } from "@/lib/auth/login-limiters";
import { addressKey } from "@/lib/platform/request-info";
import { runtime } from "@/lib/platform/runtime";

// The sign-in throttle's rules, on the runtime's limiters (lib/auth/login-limiters.ts says how
// failures are counted and why nobody is ever locked out).
const get = () => runtime().loginLimiters;

function keys(email: string, ip: string) {
  const e = email.slice(0, 320);
  const address = addressKey(ip);
  return { account: e, pair: `${e}|${address}`, address };
}

/**
 * Seconds this address waits after a failure: 1, 2, 4… beyond its own free failures. The account's
 * failures from everywhere count too, but for an address that has itself failed only a few times
 * they add at most 2^n seconds (n = its own failures): with an account under attack, a real user's
 * typo costs 2 s, not the 15 minutes an attacker could otherwise renew at will.
 */
export function backOffSeconds(pairFailures: number, accountFailures: number): number {
  const own = pairFailures - FREE_FAILURES_PER_ADDRESS;
  const shared = accountFailures - FREE_FAILURES_PER_ACCOUNT;
  const ownWait = own > 0 ? 2 ** (own - 1) : 0;
  let sharedWait = shared > 0 ? 2 ** (shared - 1) : 0;
  if (pairFailures < FREE_FAILURES_PER_ADDRESS) sharedWait = Math.min(sharedWait, 2 ** pairFailures);
  return Math.min(MAX_WAIT_SECONDS, Math.max(ownWait, sharedWait));
}

/**
 * Runs one password check for this email and address, or refuses at once while another is in
 * flight on this instance: checks sent in parallel would all pass the back-off check before any of
 * them had counted its failure.
 */
export async function oneAttemptAtATime<T>(email: string, ip: string, check: () => Promise<T>): Promise<T> {
  const { inFlight } = get();
  const { pair } = keys(email, ip);
  if (inFlight.has(pair)) throw new Error(tooManyAttemptsMessage(1_000));
  inFlight.add(pair);
  try {
    return await check();
  } finally {
    inFlight.delete(pair);
  }
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
