import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as me } from "@/app/api/v1/me/route";
import { DELETE as revoke } from "@/app/api/v1/api-keys/[id]/route";
import { GET as ping } from "@/app/api/v1/ping/route";
import { POST as createUsage } from "@/app/api/v1/usage-events/route";
import { DATABASE_TIMEOUTS } from "@/lib/platform/db/database";
import { db, ensureDatabase, postgresPool, runtime, sql } from "@/lib/platform/runtime";
import { isDatabaseUnavailable } from "@/lib/platform/db/errors";
import { BlackholeProxy } from "@/tests/helpers/blackhole-proxy";
import { call, createKey, createMember, createOrganization, expectApiError, waitFor, waitForCacheEnabled, type TestKey } from "@/tests/helpers/fixtures";

// A database that stops answering without closing anything (frozen, or a network path that drops
// packets): every request must end within seconds, as a 503, and the pool must heal afterwards.
// PostgreSQL only: the app reaches it through a proxy that the test blackholes.
const target = process.env.DATABASE_URL || null;

// The longest a request may wait on a database that doesn't answer: a connection (or a free one
// in the pool), then one query. The slack covers a loaded test machine.
const BOUND_MS = DATABASE_TIMEOUTS.connectMs + DATABASE_TIMEOUTS.queryMs + 2_000;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = performance.now();
  try {
    const value = await work();
    return { ms: performance.now() - started, value };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

describe.runIf(target)("a database that stops answering (PostgreSQL)", () => {
  let proxy: BlackholeProxy;
  let cached: TestKey;
  let fresh: TestKey;
  let victim: TestKey;

  beforeAll(async () => {
    proxy = await BlackholeProxy.start(target!);
    // Read by lib/env on first use, which is below.
    process.env.DATABASE_URL = proxy.url(target!);
    await ensureDatabase();
    const org = await createOrganization("Frozen Org");
    const member = await createMember(org.id, "admin");
    [cached, fresh, victim] = [await createKey(org.id, member.id), await createKey(org.id, member.id), await createKey(org.id, member.id)];
  });

  afterAll(async () => {
    proxy.restore();
    await runtime().close();
    await proxy.close();
  });

  it("frozen: API routes answer 503 within seconds, Prisma queries and transactions fail as 'unavailable', then all heals", async () => {
    await waitForCacheEnabled();
    expect((await call(ping, { path: "/api/v1/ping", key: cached.key })).status).toBe(200);

    proxy.blackhole({ newConnections: "blackhole" });
    const [meResult, usage, revoked, query, transaction] = await Promise.all([
      timed(() => call(me, { path: "/api/v1/me", key: fresh.key })),
      timed(() => call(createUsage, { method: "POST", path: "/api/v1/usage-events", key: cached.key, body: { metric: "frozen", quantity: 1 } })),
      timed(() => call(revoke, { method: "DELETE", path: `/api/v1/api-keys/${victim.id}`, key: cached.key, params: { id: victim.id } })),
      timed(() => db().user.count()),
      timed(() => db().$transaction(async (tx) => tx.user.count())),
    ]);
    console.log(
      `frozen database: /me ${meResult.ms.toFixed(0)} ms, POST /usage-events ${usage.ms.toFixed(0)} ms, DELETE /api-keys ${revoked.ms.toFixed(0)} ms, ` +
        `Prisma query ${query.ms.toFixed(0)} ms, Prisma transaction ${transaction.ms.toFixed(0)} ms`,
    );
    for (const result of [meResult, usage, revoked]) {
      expectApiError(result.value!, 503, "api_error", "service_unavailable");
      expect(result.ms).toBeLessThan(BOUND_MS);
    }
    for (const result of [query, transaction]) {
      expect(result.error, String(result.error)).toBeTruthy();
      expect(isDatabaseUnavailable(result.error), String(result.error)).toBe(true);
      expect(result.ms).toBeLessThan(BOUND_MS);
    }

    proxy.restore();
    await waitFor(async () => (await call(me, { path: "/api/v1/me", key: fresh.key })).status === 200, 20_000, "requests to succeed again");
    // Nothing wedged was kept: every pooled connection answers at once.
    for (let i = 0; i < 12; i++) await sql().query("SELECT 1");
    expect(await db().user.count()).toBeGreaterThan(0);
  });

  it("a network path silently lost mid-transaction: the connection is closed, never pooled again, and new ones take over", async () => {
    const pool = postgresPool()!;
    // Idle connections, all of which the "NAT" is about to forget.
    await Promise.all(Array.from({ length: 4 }, () => sql().query("SELECT pg_sleep(0.05)")));
    const acquired: unknown[] = [];
    const removed: unknown[] = [];
    pool.on("remove", (client) => removed.push(client));

    pool.once("acquire", (client) => acquired.push(client));
    const transaction = await timed(() =>
      db().$transaction(async (tx) => {
        await tx.user.count();
        proxy.blackhole({ newConnections: "relay" });
        return tx.user.count();
      }),
    );
    expect(isDatabaseUnavailable(transaction.error), String(transaction.error)).toBe(true);
    expect(transaction.ms).toBeLessThan(BOUND_MS);
    // Prisma hands the connection back without an error; its query is still in flight.
    await waitFor(() => removed.some((client) => acquired.includes(client)), BOUND_MS, "the wedged connection to be closed");

    // Each forgotten connection fails once at most, as "unavailable"; then new (relayed) connections answer.
    const failures: unknown[] = [];
    await waitFor(
      async () => {
        const attempt = await timed(() => db().$transaction(async (tx) => tx.user.count()));
        if (attempt.error) failures.push(attempt.error);
        return !attempt.error;
      },
      5 * BOUND_MS,
      "a transaction on a fresh connection",
    );
    expect(failures.filter((error) => !isDatabaseUnavailable(error)).map(String)).toEqual([]);
    for (let i = 0; i < 5; i++) {
      const next = await timed(() => db().$transaction(async (tx) => tx.user.count()));
      expect(next.error, String(next.error)).toBeUndefined();
    }
    proxy.restore();
  });
});
