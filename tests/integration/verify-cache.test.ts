import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as ping } from "@/app/api/v1/ping/route";
import { generateApiKey } from "@/lib/domain/api-keys/format";
import { INVALIDATION_CHANNEL } from "@/lib/domain/api-keys/invalidation";
import { createRuntime, db, invalidationListenerClient, publishInvalidation, runtime, type Runtime, sql, verifyApiKey } from "@/lib/platform/runtime";
import { revokeApiKey } from "@/lib/domain/api-keys/store";
import { type Verification } from "@/lib/domain/api-keys/verify";
import { isDatabaseUnavailable } from "@/lib/platform/db/errors";
import { readEnv } from "@/lib/platform/config";
import {
  actorFor,
  call,
  createKey,
  createMember,
  createOrganization,
  hashKey,
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
  if (!runtime().keyCache.isEnabled()) runtime().keyCache.enable();
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
    if (runtime().keyCache.get(hashKey(key)) !== undefined) return result;
  }
  throw new Error("the verification was never cached");
}

const setName = (id: string, value: string) => sql().query(`UPDATE "ApiKey" SET name = $1 WHERE id = $2`, [value, id]);

describe("positive cache", () => {
  it("answers a verified key from memory until an invalidation, then from the database", async () => {
    const key = await createKey(org.id, member.id, { name: "original" });
    const hash = hashKey(key.key);
    expect(runtime().keyCache.get(hash)).toBeUndefined();
    const sizeBefore = runtime().keyCache.size();
    expect(name(await verifyIntoCache(key.key))).toBe("original");
    expect(runtime().keyCache.size()).toBe(sizeBefore + 1);
    expect(runtime().keyCache.get(hash)).toMatchObject({ id: key.id, name: "original", role: "developer" });

    // Changed underneath, without the lib: the cache still answers (that is what it is for)...
    await setName(key.id, "renamed underneath");
    expect(name(await verifyApiKey(key.key))).toBe("original");

    // ...until this key is invalidated.
    await publishInvalidation({ keyHashes: [hash] });
    expect(runtime().keyCache.get(hash)).toBeUndefined();
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
    expect(await verifyApiKey(key.key, expiresAt.getTime() + 1)).toMatchObject({ ok: false, code: "expired_api_key", expiredAt: expiresAt, rolledToLast4: null });
    expect((await verifyApiKey(key.key)).ok).toBe(true);
  });

  it("doesn't cache a look-up that an invalidation overtook", async () => {
    const key = await createKey(org.id, member.id);
    const hash = hashKey(key.key);
    const pending = verifyApiKey(key.key); // reads the cache generation, then waits for the database
    runtime().keyCache.invalidateHashes([]);
    expect((await pending).ok).toBe(true);
    expect(runtime().keyCache.get(hash)).toBeUndefined();
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
    expect(runtime().keyCache.get(hash)).toBe("unknown");

    // A row with that hash appears underneath: the negative entry still answers.
    await db().apiKey.create({
      data: { organizationId: org.id, userId: member.id, name: "appeared", environment: "production", prefix: "sk_live_", last4: key.slice(-4), hash },
    });
    expect(await verifyApiKey(key)).toEqual({ ok: false, code: "invalid_api_key" });

    await publishInvalidation({ keyHashes: [hash] });
    expect(name(await verifyApiKey(key))).toBe("appeared");
  });

  it("never caches malformed input (it is refused before hashing)", async () => {
    const size = runtime().keyCache.size();
    expect(await verifyApiKey("sk_live_tooshort")).toEqual({ ok: false, code: "malformed_api_key" });
    expect(runtime().keyCache.size()).toBe(size);
  });
});

describe("runtime().keyCache.disable()", () => {
  it("sends every verification to the database and keeps nothing", async () => {
    const key = await createKey(org.id, member.id, { name: "uncached" });
    await verifyIntoCache(key.key);
    runtime().keyCache.disable();
    expect(runtime().keyCache.isEnabled()).toBe(false);
    expect(runtime().keyCache.size()).toBe(0);
    expect(runtime().keyCache.get(hashKey(key.key))).toBeUndefined();

    expect(name(await verifyApiKey(key.key))).toBe("uncached");
    await setName(key.id, "changed once");
    expect(name(await verifyApiKey(key.key))).toBe("changed once");
    await setName(key.id, "changed twice");
    expect(name(await verifyApiKey(key.key))).toBe("changed twice");
    expect(runtime().keyCache.size()).toBe(0);

    runtime().keyCache.enable();
    expect(name(await verifyIntoCache(key.key))).toBe("changed twice");
    await setName(key.id, "changed thrice");
    expect(name(await verifyApiKey(key.key))).toBe("changed twice");
  });
});

describe.runIf(onPostgres)("across instances: two runtimes on one PostgreSQL database (LISTEN/NOTIFY)", () => {
  // Another instance of the app: its own pool, cache, listener and buffers, on the same database.
  let other: Runtime;
  beforeAll(async () => {
    other = createRuntime();
    await other.database.ensure();
    return () => other.close();
  });

  it("a revoke through one runtime reaches the other's cache through NOTIFY", async () => {
    const key = await createKey(org.id, member.id);
    await verifyIntoCache(key.key);
    expect(other.keyCache).not.toBe(runtime().keyCache);

    const revoked = await revokeApiKey({ organizationId: org.id, keyId: key.id, actor: { ...actorFor(member.id), role: "developer" } }, other);
    expect(revoked.revokedAt).not.toBeNull();
    // Only the notification can tell this runtime: its cache still holds the key as valid, and the
    // positive TTL is a minute.
    await waitFor(async () => !(await verifyApiKey(key.key)).ok, 2_000, "the notification to arrive");
    expect(await verifyApiKey(key.key)).toMatchObject({ ok: false, code: "revoked_api_key" });
  });

  it("a role change on another instance reaches this one's cached keys", async () => {
    const person = await createMember(org.id, "developer");
    const key = await createKey(org.id, person.id);
    await verifyIntoCache(key.key);
    await other.database.sql().query(`UPDATE "Membership" SET role = 'viewer' WHERE id = $1`, [person.membershipId]);
    await other.invalidation.publish({ members: [{ organizationId: org.id, userId: person.id }] });
    await waitFor(async () => {
      const result = await verifyApiKey(key.key);
      return result.ok && result.key.role === "viewer";
    }, 2_000, "the role change to arrive");
  });

  it("a garbled notification drops the whole cache rather than keeping stale entries", async () => {
    const key = await createKey(org.id, member.id, { name: "before garble" });
    await verifyIntoCache(key.key);
    await setNameElsewhere(key.id, "after garble");
    await other.database.sql().query("SELECT pg_notify($1, $2)", [INVALIDATION_CHANNEL, "{not json"]);
    await waitFor(async () => name(await verifyApiKey(key.key)) === "after garble", 2_000, "the cache to be dropped");
  });

  it("fails safe when the notification channel is lost: the cache is bypassed until it is back", async () => {
    const key = await createKey(org.id, member.id, { name: "before outage" });
    await verifyIntoCache(key.key);
    const listener = invalidationListenerClient();
    expect(listener).not.toBeNull();
    const pid = (listener as unknown as { processID: number }).processID;
    expect(pid).toEqual(expect.any(Number));

    await other.database.sql().query("SELECT pg_terminate_backend($1)", [pid]);
    await waitFor(() => invalidationListenerClient() !== listener, 2_000, "the listener to notice");
    // Whatever happens next, a change made while nobody listens must be seen.
    await setNameElsewhere(key.id, "during outage");
    expect(name(await verifyApiKey(key.key))).toBe("during outage");

    // The listener comes back by itself, and with it the cache.
    await waitForCacheEnabled();
    expect(invalidationListenerClient()).not.toBeNull();
    expect(name(await verifyIntoCache(key.key))).toBe("during outage");
  });

  /** A change written by the other instance without telling anyone (no invalidation). */
  function setNameElsewhere(id: string, value: string) {
    return other.database.sql().query(`UPDATE "ApiKey" SET name = $1 WHERE id = $2`, [value, id]);
  }
});

describe("an isolated runtime whose database is unreachable", () => {
  it("answers a well-formed key with a typed unavailable result, not a thrown error", async () => {
    const down = createRuntime({ env: readEnv({ ...process.env, DATABASE_URL: "postgresql://postgres@127.0.0.1:1/paygentic_unreachable" }) });
    try {
      const result = await down.verifier.verify(generateApiKey("live").key);
      expect(result).toMatchObject({ ok: false, code: "unavailable" });
      expect(!result.ok && result.code === "unavailable" && isDatabaseUnavailable(result.cause)).toBe(true);
      // A typo still needs no database.
      expect(await down.verifier.verify("sk_live_tooshort")).toEqual({ ok: false, code: "malformed_api_key" });
    } finally {
      await down.close();
    }
  });
});
