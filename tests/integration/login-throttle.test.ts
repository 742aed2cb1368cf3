import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { authorizeCredentials } from "@/lib/auth/options";
import { backOffSeconds, recordLoginFailure } from "@/lib/auth/login-throttle";
import { db } from "@/lib/platform/runtime";
import { randomIp, setupTestDatabase, suffix } from "../helpers/fixtures";

setupTestDatabase();

const PASSWORD = "correct horse battery staple";
// Cost 4: these users do sign in, and each test makes dozens of comparisons.
const HASH = bcrypt.hashSync(PASSWORD, 4);

async function createSignInUser(): Promise<{ id: string; email: string }> {
  const s = suffix();
  return db().user.create({ data: { name: `Sign-in ${s}`, email: `signin-${s}@example.test`, passwordHash: HASH }, select: { id: true, email: true } });
}

/** The user on success, null for a wrong password, or the refusal's message. */
async function signIn(email: string, password: string, ip: string): Promise<string | null | { id: string }> {
  try {
    return await authorizeCredentials({ email, password }, ip);
  } catch (error) {
    return (error as Error).message;
  }
}

/** The limiters (rate-limiter-flexible, in memory and in PostgreSQL) read Date.now(): move it on instead of sleeping. */
function advanceClock(ms: number): void {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  vi.setSystemTime(Date.now() + ms);
}

describe("sign-in throttling", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("60 wrong passwords from many addresses don't lock the real user out of a fresh address", async () => {
    const user = await createSignInUser();
    for (let i = 0; i < 60; i++) {
      // Each attacking address gets at most a guess or two before it has to wait.
      await signIn(user.email, `guess-${i}`, `198.18.${i >> 2}.${(i % 4) + 1}`);
    }
    expect(await signIn(user.email, PASSWORD, randomIp())).toMatchObject({ id: user.id });
  });

  it("an attacking address is refused with the time to wait once the account is under attack", async () => {
    const user = await createSignInUser();
    for (let i = 0; i < 20; i++) await signIn(user.email, `guess-${i}`, `198.18.100.${i + 1}`);
    const attacker = "198.18.101.1";
    expect(await signIn(user.email, "another guess", attacker)).toBeNull();
    expect(await signIn(user.email, "yet another guess", attacker)).toMatch(/^Too many attempts\. Try again in \d+ seconds?\.$/);
    // Each further failure of that address doubles its wait, up to the account's full back-off.
    for (let i = 0; i < 6; i++) await recordLoginFailure(user.email, attacker);
    expect(await signIn(user.email, "a later guess", attacker)).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/);
  });

  it("with the account under attack, the real user's typo costs seconds, not a lock-out", async () => {
    const user = await createSignInUser();
    for (let i = 0; i < 30; i++) await recordLoginFailure(user.email, `198.18.102.${i + 1}`);
    const own = randomIp();
    expect(await signIn(user.email, "typo", own)).toBeNull();
    expect(await signIn(user.email, PASSWORD, own)).toBe("Too many attempts. Try again in 2 seconds.");
    advanceClock(1_900);
    expect(await signIn(user.email, PASSWORD, own)).toMatch(/^Too many attempts/);
    advanceClock(200);
    expect(await signIn(user.email, PASSWORD, own)).toMatchObject({ id: user.id });
  });

  it("password checks sent in parallel from one address don't slip past the back-off", async () => {
    const user = await createSignInUser();
    const ip = randomIp();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(user.email, `parallel-${i}`, ip)));
    // One is checked; the others are refused while it runs.
    expect(results.filter((r) => r === null)).toHaveLength(1);
    expect(results.filter((r) => typeof r === "string" && /^Too many attempts/.test(r))).toHaveLength(19);
  });

  it("an IPv6 client counts by its /64: rotating addresses inside it gains nothing", async () => {
    const user = await createSignInUser();
    for (let i = 0; i < 6; i++) expect(await signIn(user.email, `guess-${i}`, `2001:db8:7:1::${(i + 1).toString(16)}`)).toBeNull();
    expect(await signIn(user.email, "next guess", "2001:db8:7:1:ffff::9")).toMatch(/^Too many attempts/);
    expect(await signIn(user.email, PASSWORD, "2001:db8:7:2::1")).toMatchObject({ id: user.id });
  });

  it("repeated failures from one address are slowed down, then the right password works after the wait", async () => {
    const user = await createSignInUser();
    const ip = randomIp();
    for (let i = 0; i < 5; i++) expect(await signIn(user.email, `typo-${i}`, ip)).toBeNull();
    // The sixth failure starts the back-off: one second, then two, four…
    expect(await signIn(user.email, "typo-5", ip)).toBeNull();
    const refused = await signIn(user.email, PASSWORD, ip);
    expect(refused).toBe("Too many attempts. Try again in 1 second.");
    // Another address is not slowed by this one's failures.
    expect(await signIn(user.email, PASSWORD, randomIp())).toMatchObject({ id: user.id });
    advanceClock(900);
    expect(await signIn(user.email, PASSWORD, ip)).toBe("Too many attempts. Try again in 1 second.");
    advanceClock(200);
    expect(await signIn(user.email, PASSWORD, ip)).toMatchObject({ id: user.id });
    // A successful sign-in forgives that address's failures: the next typo is free again.
    expect(await signIn(user.email, "typo-again", ip)).toBeNull();
    expect(await signIn(user.email, PASSWORD, ip)).toMatchObject({ id: user.id });
  });

  it("one address failing across many accounts (credential stuffing) is refused for every account", async () => {
    const user = await createSignInUser();
    const ip = randomIp();
    // Recorded directly: 100 sign-ins for unknown emails would cost 100 full-cost bcrypt comparisons.
    for (let i = 0; i < 100; i++) await recordLoginFailure(`stuffed-${suffix()}@example.test`, ip);
    expect(await signIn(user.email, PASSWORD, ip)).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/);
    expect(await signIn(user.email, PASSWORD, randomIp())).toMatchObject({ id: user.id });
  });
});

describe("backOffSeconds", () => {
  it("is free for the first failures, then doubles, and never exceeds 15 minutes", () => {
    expect(backOffSeconds(5, 10)).toBe(0);
    expect([6, 7, 8, 9].map((n) => backOffSeconds(n, 0))).toEqual([1, 2, 4, 8]);
    expect(backOffSeconds(1, 11)).toBe(1);
    // An address that has failed only a few times waits at most 2^n seconds for the account's sake.
    expect([1, 2, 3, 4].map((n) => backOffSeconds(n, 60))).toEqual([2, 4, 8, 16]);
    expect(backOffSeconds(5, 60)).toBe(15 * 60);
    expect(backOffSeconds(10_000, 10_000)).toBe(15 * 60);
  });
});
