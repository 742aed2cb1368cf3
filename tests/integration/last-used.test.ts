import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { GET as ping } from "@/app/api/v1/ping/route";
import { db, flushLastUsed, recordKeyUse, sql } from "@/lib/platform/runtime";
import { call, createKey, createMember, createOrganization, TEST_USER_AGENT, setupTestDatabase, waitFor, type TestMember, type TestOrganization } from "@/tests/helpers/fixtures";

// The background flush runs on setInterval; faking only that keeps it from writing between a
// test's steps (the database drivers' own timers stay real). Installed before the first use.
vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });

setupTestDatabase();

afterAll(() => {
  vi.useRealTimers();
});

let org: TestOrganization;
let member: TestMember;

beforeAll(async () => {
  org = await createOrganization("Last Used Org");
  member = await createMember(org.id, "developer");
});

beforeEach(async () => {
  // Nothing left over from the previous test.
  await flushLastUsed({ force: true });
});

async function lastUse(id: string) {
  const row = await db().apiKey.findUniqueOrThrow({ where: { id }, select: { lastUsedAt: true, lastUsedIp: true, lastUsedUserAgent: true } });
  return { at: row.lastUsedAt?.toISOString() ?? null, ip: row.lastUsedIp, userAgent: row.lastUsedUserAgent };
}

const iso = (ms: number) => new Date(ms).toISOString();
// Whole seconds in the past, so that "now" never has to be faked for the database.
const base = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;

describe("recordKeyUse + flushLastUsed", () => {
  it("writes lastUsedAt, IP and user agent of several keys in one flush", async () => {
    const a = await createKey(org.id, member.id);
    const b = await createKey(org.id, member.id);
    recordKeyUse(a.id, "198.51.100.1", "agent-a/1", base + 123);
    recordKeyUse(b.id, "198.51.100.2", null, base + 456);
    expect(await lastUse(a.id)).toEqual({ at: null, ip: null, userAgent: null });

    expect(await flushLastUsed({ now: base + 1_000 })).toBe(2);
    expect(await lastUse(a.id)).toEqual({ at: iso(base + 123), ip: "198.51.100.1", userAgent: "agent-a/1" });
    expect(await lastUse(b.id)).toEqual({ at: iso(base + 456), ip: "198.51.100.2", userAgent: null });
    expect(await flushLastUsed({ now: base + 1_000 })).toBe(0);
  });

  it("writes a key at most once a minute; uses in between wait for the next due flush", async () => {
    const key = await createKey(org.id, member.id);
    recordKeyUse(key.id, "192.0.2.1", "first", base);
    expect(await flushLastUsed({ now: base })).toBe(1);

    recordKeyUse(key.id, "192.0.2.2", "second", base + 1_000);
    expect(await flushLastUsed({ now: base + 1_000 })).toBe(0);
    expect(await flushLastUsed({ now: base + 59_999 })).toBe(0);
    expect(await lastUse(key.id)).toEqual({ at: iso(base), ip: "192.0.2.1", userAgent: "first" });

    recordKeyUse(key.id, "192.0.2.3", "third", base + 2_000);
    expect(await flushLastUsed({ now: base + 60_000 })).toBe(1);
    expect(await lastUse(key.id)).toEqual({ at: iso(base + 2_000), ip: "192.0.2.3", userAgent: "third" });
  });

  it("keeps the newest of several pending uses", async () => {
    const key = await createKey(org.id, member.id);
    recordKeyUse(key.id, "192.0.2.30", "newest", base + 3_000);
    recordKeyUse(key.id, "192.0.2.10", "older", base + 1_000);
    await flushLastUsed({ force: true });
    expect(await lastUse(key.id)).toEqual({ at: iso(base + 3_000), ip: "192.0.2.30", userAgent: "newest" });
  });

  it("only moves values forward: an older use written later doesn't rewind time, IP or user agent", async () => {
    const key = await createKey(org.id, member.id);
    recordKeyUse(key.id, "192.0.2.50", "newer", base + 50_000);
    expect(await flushLastUsed({ force: true })).toBe(1);

    recordKeyUse(key.id, "192.0.2.40", "older", base + 40_000);
    await flushLastUsed({ force: true });
    expect(await lastUse(key.id)).toEqual({ at: iso(base + 50_000), ip: "192.0.2.50", userAgent: "newer" });

    // Another instance wrote a newer use in the meantime: ours, older, doesn't overwrite it.
    await sql().query(`UPDATE "ApiKey" SET "lastUsedAt" = $1::timestamptz AT TIME ZONE 'UTC', "lastUsedIp" = 'other-instance' WHERE id = $2`, [
      iso(base + 90_000),
      key.id,
    ]);
    recordKeyUse(key.id, "192.0.2.60", "ours", base + 60_000);
    await flushLastUsed({ force: true });
    expect(await lastUse(key.id)).toMatchObject({ at: iso(base + 90_000), ip: "other-instance" });

    // A newer use does move it forward.
    recordKeyUse(key.id, "192.0.2.99", "newest", base + 99_000);
    await flushLastUsed({ force: true });
    expect(await lastUse(key.id)).toEqual({ at: iso(base + 99_000), ip: "192.0.2.99", userAgent: "newest" });
  });

  it("force writes every pending use, even within the minute", async () => {
    const keys = await Promise.all([1, 2, 3].map(() => createKey(org.id, member.id)));
    for (const [i, key] of keys.entries()) recordKeyUse(key.id, `192.0.2.${i}`, "first", base);
    expect(await flushLastUsed({ now: base })).toBe(3);
    for (const [i, key] of keys.entries()) recordKeyUse(key.id, `192.0.2.${100 + i}`, "again", base + 5_000);
    expect(await flushLastUsed({ now: base + 5_000 })).toBe(0);
    expect(await flushLastUsed({ force: true, now: base + 5_000 })).toBe(3);
    for (const [i, key] of keys.entries()) expect(await lastUse(key.id)).toEqual({ at: iso(base + 5_000), ip: `192.0.2.${100 + i}`, userAgent: "again" });
    expect(await flushLastUsed({ force: true })).toBe(0);
  });

  it("flushes in the background a few seconds after a use", async () => {
    const key = await createKey(org.id, member.id);
    recordKeyUse(key.id, "192.0.2.77", "background", base + 7_000);
    await vi.advanceTimersByTimeAsync(5_000);
    await waitFor(async () => (await lastUse(key.id)).at !== null, 5_000, "the background flush");
    expect(await lastUse(key.id)).toEqual({ at: iso(base + 7_000), ip: "192.0.2.77", userAgent: "background" });
  });
});

describe("through the API", () => {
  it("a request records its use in memory, not in the database; the flush writes its address and user agent", async () => {
    const key = await createKey(org.id, member.id);
    const before = Date.now();
    for (let i = 0; i < 3; i++) {
      const result = await call(ping, { path: "/api/v1/ping", key: key.key, ip: "203.0.113.99" });
      expect(result.status).toBe(200);
    }
    expect(await lastUse(key.id)).toEqual({ at: null, ip: null, userAgent: null });
    expect(await flushLastUsed()).toBe(1);
    const written = await lastUse(key.id);
    expect(written.ip).toBe("203.0.113.99");
    expect(written.userAgent).toBe(TEST_USER_AGENT);
    expect(Date.parse(written.at!)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(written.at!)).toBeLessThanOrEqual(Date.now());
  });

  it("failed requests don't count as uses", async () => {
    const key = await createKey(org.id, member.id);
    await db().apiKey.update({ where: { id: key.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect((await call(ping, { path: "/api/v1/ping", key: key.key })).status).toBe(401);
    await flushLastUsed({ force: true });
    expect((await lastUse(key.id)).at).toBeNull();
  });
});
