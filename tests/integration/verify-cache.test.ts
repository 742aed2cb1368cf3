import pg from "pg";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as ping } from "@/app/api/v1/ping/route";
import { keyCache } from "@/lib/api-keys/cache";
import { generateApiKey } from "@/lib/api-keys/format";
import { INVALIDATION_CHANNEL, invalidationListenerClient, publishInvalidation } from "@/lib/api-keys/invalidation";
import { hashKey } from "@/lib/api-keys/store";
import { verifyApiKey, type Verification } from "@/lib/api-keys/verify";
import { db, sql } from "@/lib/db";
import {
  call,
  createKey,
  createMember,
  createOrganization,
  setupTestDatabase,
  waitFor,
  waitForCacheEnabled,
  type TestMember,
  type TestOrganization,
} from "@/tests/helpers/fixtures";

setupTestDatabase();

const onPostgres = Boolean(process.env.DATABASE_URL);

let org: TestOrganization;
let member: TestMember;

beforeAll(async () => {
  org = await createOrganization("Cache Org");
  member = await createMember(org.id, "developer");
});

beforeEach(async () => {
  await waitForCacheEnabled();
});

afterEach(() => {
  if (!keyCache.isEnabled()) keyCache.enable();
});

function name(result: Verification): string | undefined {
  return result.ok ? result.key.name : undefined;
}

/**
 * Verifies until the answer is in the cache. On PostgreSQL another test file's invalidation can
 * arrive while our look-up runs, and then (rightly) that look-up is not cached.
 */
async function verifyIntoCache(key: string): Promise<Verification> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const result = await verifyApiKey(key);
    if (keyCache.get(hashKey(key)) !== undefined) return result;
  }
  throw new Error("the verification was never cached");
}

const setName = (id: string, value: string) => sql().query(`UPDATE "ApiKey" SET name = $1 WHERE id = $2`, [value, id]);

describe("positive cache", () => {
  it("answers a verified key from memory until an invalidation, then from the database", async () => {
    const key = await createKey(org.id, member.id, { name: "original" });
    const hash = hashKey(key.key);
    expect(keyCache.get(hash)).toBeUndefined();
    const sizeBefore = keyCache.size();
    expect(name(await verifyIntoCache(key.key))).toBe("original");
    expect(keyCache.size()).toBe(sizeBefore + 1);
    expect(keyCache.get(hash)).toMatchObject({ keyId: key.id, name: "original", role: "developer" });

    // Changed underneath, without the lib: the cache still answers (that is what it is for)...
    await setName(key.id, "renamed underneath");
    expect(name(await verifyApiKey(key.key))).toBe("original");

    // ...until this key is invalidated.
    await publishInvalidation({ keyHashes: [hash] });
    expect(keyCache.get(hash)).toBeUndefined();
    expect(name(await verifyApiKey(key.key))).toBe("renamed underneath");
  });

  it("a revocation written underneath takes effect with the invalidation the lib publishes", async () => {
    const key = await createKey(org.id, member.id);
    await verifyIntoCache(key.key);
    await sql().query(`UPDATE "ApiKey" SET "revokedAt" = now() AT TIME ZONE 'UTC' WHERE id = $1`, [key.id]);
    expect((await verifyApiKey(key.key)).ok).toBe(true);
    await publishInvalidation({ keyHashes: [hashKey(key.key)] });
    expect(await verifyApiKey(key.key)).toMatchObject({ ok: false, code: "revoked_api_key" });
  });

  it("a member invalidation refreshes every cached key of that member in that organization only", async () => {
    const otherOrg = await createOrganization("Cache Other");
    const person = await createMember(org.id, "developer");
    await db().membership.create({ data: { organizationId: otherOrg.id, userId: person.id, role: "developer" } });
    const here = [await createKey(org.id, person.id), await createKey(org.id, person.id, { environment: "staging" })];
    const there = await createKey(otherOrg.id, person.id);
    for (const k of [...here, there]) await verifyIntoCache(k.key);

    await sql().query(`UPDATE "Membership" SET role = 'viewer' WHERE "organizationId" IN ($1, $2) AND "userId" = $3`, [org.id, otherOrg.id, person.id]);
    for (const k of [...here, there]) {
      const result = await verifyApiKey(k.key);
      expect(result.ok && result.key.role).toBe("developer");
    }

    await publishInvalidation({ members: [{ organizationId: org.id, userId: person.id }] });
    for (const k of here) {
      const result = await verifyApiKey(k.key);
      expect(result.ok && result.key.role).toBe("viewer");
      expect(result.ok && result.key.permissions.has("usage:write")).toBe(false);
    }
    const stale = await verifyApiKey(there.key);
    expect(stale.ok && stale.key.role).toBe("developer");
  });

  it("checks expiry at request time, even for a cached key", async () => {
    const key = await createKey(org.id, member.id);
    const expiresAt = new Date(Date.now() + 3_600_000);
    await db().apiKey.update({ where: { id: key.id }, data: { expiresAt } });
    expect((await verifyIntoCache(key.key)).ok).toBe(true);
    expect(await verifyApiKey(key.key, expiresAt.getTime() + 1)).toEqual({ ok: false, code: "expired_api_key", expiredAt: expiresAt });
    expect((await verifyApiKey(key.key)).ok).toBe(true);
  });

  it("doesn't cache a look-up that an invalidation overtook", async () => {
    const key = await createKey(org.id, member.id);
    const hash = hashKey(key.key);
    const pending = verifyApiKey(key.key); // reads the cache generation, then waits for the database
    keyCache.invalidateHashes([]);
    expect((await pending).ok).toBe(true);
    expect(keyCache.get(hash)).toBeUndefined();
  });

  it("serves the API from the cache too: a row changed underneath is not seen by /ping until invalidated", async () => {
    const key = await createKey(org.id, member.id);
    await verifyIntoCache(key.key);
    await sql().query(`UPDATE "ApiKey" SET "revokedAt" = now() AT TIME ZONE 'UTC' WHERE id = $1`, [key.id]);
    expect((await call(ping, { path: "/api/v1/ping", key: key.key })).status).toBe(200);
    await publishInvalidation({ keyHashes: [hashKey(key.key)] });
    expect((await call(ping, { path: "/api/v1/ping", key: key.key })).status).toBe(401);
  });
});

describe("negative cache", () => {
  it("remembers an unknown hash until it is invalidated", async () => {
    const { key } = generateApiKey("live");
    const hash = hashKey(key);
    expect(await verifyIntoCache(key)).toEqual({ ok: false, code: "invalid_api_key" });
    expect(keyCache.get(hash)).toBe("unknown");

    // A row with that hash appears underneath: the negative entry still answers.
    await db().apiKey.create({
      data: { organizationId: org.id, userId: member.id, name: "appeared", environment: "production", prefix: "sk_live_", last4: key.slice(-4), hash },
    });
    expect(await verifyApiKey(key)).toEqual({ ok: false, code: "invalid_api_key" });

    await publishInvalidation({ keyHashes: [hash] });
    expect(name(await verifyApiKey(key))).toBe("appeared");
  });

  it("never caches malformed input (it is refused before hashing)", async () => {
    const size = keyCache.size();
    expect(await verifyApiKey("sk_live_tooshort")).toEqual({ ok: false, code: "malformed_api_key" });
    expect(keyCache.size()).toBe(size);
  });
});

describe("keyCache.disable()", () => {
  it("sends every verification to the database and keeps nothing", async () => {
    const key = await createKey(org.id, member.id, { name: "uncached" });
    await verifyIntoCache(key.key);
    keyCache.disable();
    expect(keyCache.isEnabled()).toBe(false);
    expect(keyCache.size()).toBe(0);
    expect(keyCache.get(hashKey(key.key))).toBeUndefined();

    expect(name(await verifyApiKey(key.key))).toBe("uncached");
    await setName(key.id, "changed once");
    expect(name(await verifyApiKey(key.key))).toBe("changed once");
    await setName(key.id, "changed twice");
    expect(name(await verifyApiKey(key.key))).toBe("changed twice");
    expect(keyCache.size()).toBe(0);

    keyCache.enable();
    expect(name(await verifyIntoCache(key.key))).toBe("changed twice");
    await setName(key.id, "changed thrice");
    expect(name(await verifyApiKey(key.key))).toBe("changed twice");
  });
});

describe.runIf(onPostgres)("across instances (PostgreSQL LISTEN/NOTIFY)", () => {
  let other: pg.Client;
  beforeAll(async () => {
    // Stands in for another instance of the app on the same database.
    other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    return () => other.end();
  });

  it("forgets a key within 100 ms of another instance's notification", async () => {
    const key = await createKey(org.id, member.id);
    await verifyIntoCache(key.key);
    await other.query(`UPDATE "ApiKey" SET "revokedAt" = now() AT TIME ZONE 'UTC' WHERE id = $1`, [key.id]);
    expect((await verifyApiKey(key.key)).ok).toBe(true);

    const sent = performance.now();
    await other.query("SELECT pg_notify($1, $2)", [INVALIDATION_CHANNEL, JSON.stringify({ keyHashes: [hashKey(key.key)] })]);
    await waitFor(async () => !(await verifyApiKey(key.key)).ok, 2_000, "the notification to arrive");
    const elapsed = performance.now() - sent;
    expect(elapsed, `revocation seen after ${elapsed.toFixed(1)} ms`).toBeLessThan(100);
  });

  it("a role change on another instance reaches this one's cached keys", async () => {
    const person = await createMember(org.id, "developer");
    const key = await createKey(org.id, person.id);
    await verifyIntoCache(key.key);
    await other.query(`UPDATE "Membership" SET role = 'viewer' WHERE id = $1`, [person.membershipId]);
    await other.query("SELECT pg_notify($1, $2)", [INVALIDATION_CHANNEL, JSON.stringify({ members: [{ organizationId: org.id, userId: person.id }] })]);
    await waitFor(async () => {
      const result = await verifyApiKey(key.key);
      return result.ok && result.key.role === "viewer";
    }, 2_000, "the role change to arrive");
  });

  it("a garbled notification drops the whole cache rather than keeping stale entries", async () => {
    const key = await createKey(org.id, member.id, { name: "before garble" });
    await verifyIntoCache(key.key);
    await other.query(`UPDATE "ApiKey" SET name = 'after garble' WHERE id = $1`, [key.id]);
    await other.query("SELECT pg_notify($1, $2)", [INVALIDATION_CHANNEL, "{not json"]);
    await waitFor(async () => name(await verifyApiKey(key.key)) === "after garble", 2_000, "the cache to be dropped");
  });

  it("fails safe when the notification channel is lost: the cache is bypassed until it is back", async () => {
    const key = await createKey(org.id, member.id, { name: "before outage" });
    await verifyIntoCache(key.key);
    const listener = invalidationListenerClient();
    expect(listener).not.toBeNull();
    const pid = (listener as unknown as { processID: number }).processID;
    expect(pid).toEqual(expect.any(Number));

    await other.query("SELECT pg_terminate_backend($1)", [pid]);
    await waitFor(() => invalidationListenerClient() !== listener, 2_000, "the listener to notice");
    // Whatever happens next, a change made while nobody listens must be seen.
    await other.query(`UPDATE "ApiKey" SET name = 'during outage' WHERE id = $1`, [key.id]);
    expect(name(await verifyApiKey(key.key))).toBe("during outage");

    // The listener comes back by itself, and with it the cache.
    await waitForCacheEnabled();
    expect(invalidationListenerClient()).not.toBeNull();
    expect(name(await verifyIntoCache(key.key))).toBe("during outage");
  });
});
