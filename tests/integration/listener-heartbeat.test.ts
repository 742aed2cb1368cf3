import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyCache } from "@/lib/api-keys/cache";
import { INVALIDATION_CHANNEL, invalidationListenerClient, stopInvalidationListener } from "@/lib/api-keys/invalidation";
import { flushLastUsed } from "@/lib/api-keys/last-used";
import { hashKey } from "@/lib/api-keys/store";
import { verifyApiKey, type Verification } from "@/lib/api-keys/verify";
import { closeDatabase, ensureDatabase } from "@/lib/db";
import { BlackholeProxy } from "@/tests/helpers/blackhole-proxy";
import { createKey, createMember, createOrganization, waitFor, waitForCacheEnabled, type TestMember, type TestOrganization } from "@/tests/helpers/fixtures";

// The LISTEN connection dying silently (a NAT or firewall forgetting the flow: no error, no end),
// while another instance revokes a key. This process reaches PostgreSQL through a proxy that the
// test blackholes; "another instance" is a connection straight to the database.
const target = process.env.DATABASE_URL || null;

// The contract: a revoked key is refused by every instance within 10 s even then.
const SILENT_LOSS_BOUND_MS = 10_000;

describe.runIf(target)("a silently dead LISTEN connection (PostgreSQL)", () => {
  let proxy: BlackholeProxy;
  let other: pg.Client;
  let org: TestOrganization;
  let member: TestMember;

  beforeAll(async () => {
    proxy = await BlackholeProxy.start(target!);
    // Read by lib/env on first use, which is below.
    process.env.DATABASE_URL = proxy.url(target!);
    await ensureDatabase();
    other = new pg.Client({ connectionString: target! });
    await other.connect();
    org = await createOrganization("Heartbeat Org");
    member = await createMember(org.id, "developer");
  });

  afterAll(async () => {
    proxy.restore();
    await other.end();
    await flushLastUsed({ force: true });
    await stopInvalidationListener();
    await closeDatabase();
    await proxy.close();
  });

  /** Another instance revokes the key: the row, then the notification, as the lib does. */
  async function revokeElsewhere(key: { id: string; key: string }): Promise<void> {
    await other.query(`UPDATE "ApiKey" SET "revokedAt" = now() AT TIME ZONE 'UTC' WHERE id = $1`, [key.id]);
    await other.query("SELECT pg_notify($1, $2)", [INVALIDATION_CHANNEL, JSON.stringify({ keyHashes: [hashKey(key.key)] })]);
  }

  /** Verifies; a database that can't answer is a refusal too (503), never an acceptance. */
  async function accepted(key: string): Promise<boolean> {
    return verifyApiKey(key).then(
      (result: Verification) => result.ok,
      () => false,
    );
  }

  async function cachedKey(name: string) {
    const key = await createKey(org.id, member.id, { name });
    await waitFor(async () => (await accepted(key.key)) && keyCache.get(hashKey(key.key)) !== undefined, 5_000, "the key to be cached");
    return key;
  }

  it("a key revoked by another instance is refused within 10 s, and the listener comes back by itself", async () => {
    await waitForCacheEnabled();
    const key = await cachedKey("revoked while nobody hears");
    const listener = invalidationListenerClient();
    expect(listener).not.toBeNull();

    proxy.blackhole({ newConnections: "relay" });
    await revokeElsewhere(key);
    const revokedAt = performance.now();
    let refusedAfter = -1;
    while (refusedAfter < 0) {
      const sentAt = performance.now() - revokedAt;
      if (!(await accepted(key.key))) refusedAfter = sentAt;
      else if (sentAt > 2 * SILENT_LOSS_BOUND_MS) break;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(refusedAfter, "the revoked key was still accepted 20 s later").toBeGreaterThanOrEqual(0);
    console.log(`silently dead LISTEN connection: the revoked key was refused from ${refusedAfter.toFixed(0)} ms after the revocation`);
    expect(refusedAfter).toBeLessThan(SILENT_LOSS_BOUND_MS);

    // Refused as revoked, once the pool's own dead connections have given way to new ones.
    await waitFor(async () => (await verifyApiKey(key.key).catch(() => null))?.ok === false, 30_000, "the database's answer");
    expect(await verifyApiKey(key.key)).toMatchObject({ ok: false, code: "revoked_api_key" });

    // A new subscription on a new connection, the cache back on, and notifications fast again.
    await waitForCacheEnabled();
    expect(invalidationListenerClient()).not.toBeNull();
    expect(invalidationListenerClient()).not.toBe(listener);
    const next = await cachedKey("after the outage");
    const sent = performance.now();
    await revokeElsewhere(next);
    await waitFor(async () => !(await accepted(next.key)), 2_000, "the notification to arrive");
    const elapsed = performance.now() - sent;
    expect(elapsed, `revocation seen after ${elapsed.toFixed(1)} ms`).toBeLessThan(100);
    proxy.restore();
  });

  it("while the database can't be reached at all, the cache stays off; it comes back with the subscription", async () => {
    await waitForCacheEnabled();
    const key = await cachedKey("frozen");

    proxy.blackhole({ newConnections: "blackhole" });
    await waitFor(() => !keyCache.isEnabled(), SILENT_LOSS_BOUND_MS, "the lost subscription to be noticed");
    expect(await accepted(key.key)).toBe(false);
    expect(keyCache.isEnabled()).toBe(false);

    proxy.restore();
    await waitForCacheEnabled();
    expect(await accepted(key.key)).toBe(true);
    expect(keyCache.get(hashKey(key.key))).toBeDefined();
  });
});
