import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as readKeyRoute, DELETE as revokeRoute } from "@/app/api/v1/api-keys/[id]/route";
import { GET as usageRoute } from "@/app/api/v1/api-keys/[id]/usage/route";
import { GET as ping } from "@/app/api/v1/ping/route";
import { GET as organizationRoute } from "@/app/api/v1/organizations/[id]/route";
import { POST as createUsage } from "@/app/api/v1/usage-events/route";
import { createRequestCounts, requestCountsConfig, type RequestCounts } from "@/lib/domain/api-keys/request-counts";
import { createRuntime, flushRequestCounts, type Logger, runtime, type Runtime, sql } from "@/lib/platform/runtime";
import {
  keyDailyUsage,
  keyRefusalsByCode,
  keyRequestSeries,
  ORGANIZATION_ACTIVITY_TTL_MS,
  organizationActivity,
  organizationRequestSeries,
  topKeysByRequests,
} from "@/lib/domain/api-keys/request-stats";
import { readEnv } from "@/lib/platform/config";
import {
  call,
  createKey,
  createMember,
  createOrganization,
  expectApiError,
  setupTestDatabase,
  type TestKey,
  type TestMember,
  type TestOrganization,
  waitFor,
} from "@/tests/helpers/fixtures";

// The background flush runs on setInterval: faked so that it never writes between a test's steps
// (each test flushes itself). The database drivers' own timers stay real.
vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });

setupTestDatabase();

afterAll(() => {
  vi.useRealTimers();
});

const onPostgres = Boolean(process.env.DATABASE_URL);
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

let org: TestOrganization;
let member: TestMember;

beforeAll(async () => {
  org = await createOrganization("Request Counts Org");
  member = await createMember(org.id, "admin");
});

/** A logger that keeps what it is told, to check what a failure says. */
function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, info: () => {}, error: (message) => void errors.push(message) };
}

/** Counters of their own (an instance of the app's counting) on the test runtime's database. */
function counters(rt: Runtime = runtime(), logger: Logger = recordingLogger()): RequestCounts {
  return createRequestCounts({ database: rt.database, clock: rt.clock, logger });
}

type Row = { minute: string; succeeded: number; refused: number; failed: number; refusals: Record<string, number> };

async function minuteRows(keyId: string): Promise<Row[]> {
  return sql().query<Row>(
    `SELECT to_char(minute, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS minute, succeeded, refused, failed, refusals
       FROM "ApiKeyRequestsMinute" WHERE "apiKeyId" = $1 ORDER BY minute`,
    [keyId],
  );
}

async function dayRows(keyId: string): Promise<(Omit<Row, "minute"> & { day: string })[]> {
  return sql().query(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, succeeded, refused, failed, refusals FROM "ApiKeyRequestsDay" WHERE "apiKeyId" = $1 ORDER BY day`,
    [keyId],
  );
}

type Counts = { succeeded?: number; refused?: number; failed?: number; refusals?: Record<string, number> };

async function insertRow(table: "ApiKeyRequestsMinute" | "ApiKeyRequestsDay", key: { id: string }, organizationId: string, at: number, counts: Counts) {
  const column = table === "ApiKeyRequestsMinute" ? "minute" : "day";
  await sql().query(
    `INSERT INTO "${table}" ("apiKeyId", "organizationId", ${column}, succeeded, refused, failed, refusals)
     VALUES ($1, $2, ($3::timestamptz AT TIME ZONE 'UTC'), $4, $5, $6, $7::jsonb)`,
    [key.id, organizationId, iso(at), counts.succeeded ?? 0, counts.refused ?? 0, counts.failed ?? 0, JSON.stringify(counts.refusals ?? {})],
  );
}

// Whole minutes well in the past, so that "now" never needs faking for the database.
const base = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;

describe("counting and flushing", () => {
  it("counts by outcome (4xx by code) and writes a minute once it is over, one row per key per minute", async () => {
    const c = counters();
    const a = await createKey(org.id, member.id);
    const b = await createKey(org.id, member.id);
    c.record(a.id, 200, undefined, base + 1_000);
    c.record(a.id, 304, undefined, base + 2_000);
    c.record(a.id, 401, "revoked_api_key", base + 3_000);
    c.record(a.id, 403, "insufficient_permissions", base + 4_000);
    c.record(a.id, 403, "insufficient_permissions", base + 5_000);
    c.record(a.id, 404, undefined, base + 5_500);
    c.record(a.id, 503, "service_unavailable", base + 6_000);
    c.record(b.id, 201, undefined, base + 59_999);
    c.record(b.id, 200, undefined, base + MINUTE);

    // The minute isn't over: nothing is written.
    expect(await c.flush({ now: base + 59_999 })).toEqual({ written: 0, duplicates: 0, pending: 3 });
    expect(await minuteRows(a.id)).toEqual([]);

    expect(await c.flush({ now: base + MINUTE })).toEqual({ written: 2, duplicates: 0, pending: 1 });
    expect(await minuteRows(a.id)).toEqual([
      { minute: iso(base), succeeded: 2, refused: 4, failed: 1, refusals: { revoked_api_key: 1, insufficient_permissions: 2, http_404: 1 } },
    ]);
    expect(await minuteRows(b.id)).toEqual([{ minute: iso(base), succeeded: 1, refused: 0, failed: 0, refusals: {} }]);
    expect(await c.flush({ now: base + MINUTE + 59_000 })).toMatchObject({ written: 0, pending: 1 });

    // force (shutdown) writes the current minute too.
    expect(await c.flush({ force: true, now: base + MINUTE + 1 })).toEqual({ written: 1, duplicates: 0, pending: 0 });
    expect((await minuteRows(b.id)).map((r) => r.succeeded)).toEqual([1, 1]);
  });

  it("adds to a row already there: counters summed, refusals merged code by code", async () => {
    const c = counters();
    const key = await createKey(org.id, member.id);
    c.record(key.id, 401, "expired_api_key", base);
    c.record(key.id, 200, undefined, base);
    await c.flush({ force: true });
    c.record(key.id, 401, "expired_api_key", base + 10);
    c.record(key.id, 429, "rate_limited", base + 20);
    c.record(key.id, 500, undefined, base + 30);
    await c.flush({ force: true });
    expect(await minuteRows(key.id)).toEqual([
      { minute: iso(base), succeeded: 1, refused: 3, failed: 1, refusals: { expired_api_key: 2, rate_limited: 1 } },
    ]);
  });

  it("counts from two instances on one database add up", async () => {
    // On PostgreSQL a second runtime is a second instance of the app (its own pool); PGlite is one
    // process, so there the two are two sets of counters on the one database.
    const other = onPostgres ? createRuntime() : runtime();
    try {
      const [one, two] = [counters(), counters(other)];
      const key = await createKey(org.id, member.id);
      for (let i = 0; i < 5; i++) one.record(key.id, 200, undefined, base + i);
      for (let i = 0; i < 7; i++) two.record(key.id, 200, undefined, base + i);
      one.record(key.id, 401, "revoked_api_key", base);
      two.record(key.id, 401, "revoked_api_key", base);
      two.record(key.id, 403, "organization_mismatch", base);
      two.record(key.id, 502, undefined, base + MINUTE);
      const results = await Promise.all([one.flush({ now: base + 2 * MINUTE }), two.flush({ now: base + 2 * MINUTE })]);
      expect(results.map((r) => r.written)).toEqual([1, 2]);
      expect(await minuteRows(key.id)).toEqual([
        { minute: iso(base), succeeded: 12, refused: 3, failed: 0, refusals: { revoked_api_key: 2, organization_mismatch: 1 } },
        { minute: iso(base + MINUTE), succeeded: 0, refused: 0, failed: 1, refusals: {} },
      ]);
    } finally {
      if (other !== runtime()) await other.close();
    }
  });

  it("skips the counts of a key deleted meanwhile instead of failing the batch", async () => {
    const c = counters();
    const kept = await createKey(org.id, member.id);
    const gone = await createKey(org.id, member.id);
    c.record(kept.id, 200, undefined, base);
    c.record(gone.id, 200, undefined, base);
    await sql().query(`DELETE FROM "ApiKey" WHERE id = $1`, [gone.id]);
    expect(await c.flush({ force: true })).toEqual({ written: 1, duplicates: 0, pending: 0 });
    expect(await minuteRows(kept.id)).toHaveLength(1);
  });

  it("bounds memory: past the limit, requests of new keys are dropped, counted and logged", async () => {
    const logger = recordingLogger();
    const c = createRequestCounts({ database: runtime().database, clock: runtime().clock, logger });
    const key = await createKey(org.id, member.id);
    c.record(key.id, 200, undefined, base);
    for (let i = 0; i < 20_000; i++) c.record(`not-a-key-${i}`, 200, undefined, base);
    expect(c.dropped()).toBe(1);
    expect(logger.errors.join("\n")).toMatch(/memory bound reached.*1 request\(s\) not counted/);
    // Keys already counted in that minute still count.
    c.record(key.id, 200, undefined, base);
    expect(c.dropped()).toBe(1);
    expect(await c.flush({ force: true })).toMatchObject({ written: 1, pending: 0 });
    expect((await minuteRows(key.id))[0]).toMatchObject({ succeeded: 2 });
  });

  it("writes in the background: finished minutes by default, everything every REQUEST_COUNTS_FLUSH_MS when shorter", async () => {
    const key = await createKey(org.id, member.id);
    // A fixed clock: the current minute doesn't end during the test.
    const now = Date.now();
    const clock = { now: () => now };
    const lazy = createRequestCounts({ database: runtime().database, clock, logger: recordingLogger() });
    const eager = createRequestCounts({ database: runtime().database, clock, logger: recordingLogger(), config: { enabled: true, flushMs: 1_000 } });
    try {
      // The current minute: the default waits for its end, the eager one writes it within a second.
      lazy.record(key.id, 200, undefined, now);
      eager.record(key.id, 401, "revoked_api_key", now);
      await vi.advanceTimersByTimeAsync(1_000);
      await waitFor(async () => (await minuteRows(key.id)).length > 0, 5_000, "the background flush");
      expect(await minuteRows(key.id)).toEqual([{ minute: iso(now - (now % MINUTE)), succeeded: 0, refused: 1, failed: 0, refusals: { revoked_api_key: 1 } }]);
      await vi.advanceTimersByTimeAsync(5_000);
      expect((await minuteRows(key.id))[0]!.succeeded).toBe(0);
      // A finished minute is written by the default's next tick (every 5 s).
      lazy.record(key.id, 200, undefined, now - MINUTE);
      await vi.advanceTimersByTimeAsync(5_000);
      await waitFor(async () => (await minuteRows(key.id)).length === 2, 5_000, "the finished minute");
      expect((await minuteRows(key.id))[0]).toMatchObject({ minute: iso(now - (now % MINUTE) - MINUTE), succeeded: 1 });
    } finally {
      lazy.stop();
      eager.stop();
    }
  });

  it("reads its configuration from the environment, refusing nonsense", () => {
    expect(requestCountsConfig({})).toEqual({ enabled: true, flushMs: 60_000 });
    expect(requestCountsConfig({ REQUEST_COUNTS: "off", REQUEST_COUNTS_FLUSH_MS: "1000" })).toEqual({ enabled: false, flushMs: 1_000 });
    expect(() => requestCountsConfig({ REQUEST_COUNTS: "maybe" })).toThrow(/REQUEST_COUNTS/);
    expect(() => requestCountsConfig({ REQUEST_COUNTS_FLUSH_MS: "0" })).toThrow(/REQUEST_COUNTS_FLUSH_MS/);
    const off = createRequestCounts({ database: runtime().database, clock: runtime().clock, logger: recordingLogger(), config: { enabled: false, flushMs: 60_000 } });
    off.record("anything", 200);
    return expect(off.flush({ force: true })).resolves.toEqual({ written: 0, duplicates: 0, pending: 0 });
  });
});

/**
 * A TCP relay to PostgreSQL that can fail in the two ways that matter to a flush: `refuse()` drops
 * every connection and refuses new ones (the statement never arrives: it wrote nothing), and
 * `loseNextReply()` lets the next statement through but drops its answer and the connection (the
 * server committed; the client can't know).
 */
class FlakyProxy {
  private readonly sockets = new Set<net.Socket>();
  private refusing = false;
  private losingReply = false;
  port = 0;

  private constructor(private readonly server: net.Server) {}

  static async start(target: URL): Promise<FlakyProxy> {
    const server = net.createServer();
    const proxy = new FlakyProxy(server);
    server.on("connection", (client) => proxy.accept(client, target));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    proxy.port = (server.address() as net.AddressInfo).port;
    return proxy;
  }

  private accept(client: net.Socket, target: URL): void {
    if (this.refusing) return void client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname || "127.0.0.1");
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => {
      if (this.losingReply) {
        this.losingReply = false;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
  }

  url(target: URL): string {
    const url = new URL(target);
    url.hostname = "127.0.0.1";
    url.port = String(this.port);
    return url.toString();
  }

  refuse(): void {
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
  }

  loseNextReply(): void {
    this.losingReply = true;
  }

  restore(): void {
    this.refusing = false;
    this.losingReply = false;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe.runIf(onPostgres)("a flush during a database outage (PostgreSQL)", () => {
  const target = onPostgres ? new URL(process.env.DATABASE_URL!) : null;
  let proxy: FlakyProxy;
  let instance: Runtime;

  beforeAll(async () => {
    proxy = await FlakyProxy.start(target!);
    instance = createRuntime({ env: readEnv({ ...process.env, DATABASE_URL: proxy.url(target!) }) });
    await instance.database.ensure();
    return async () => {
      proxy.restore();
      await instance.close();
      await proxy.close();
    };
  });

  it("keeps the counts while the database is unreachable and writes them once when it is back", async () => {
    const logger = recordingLogger();
    const c = counters(instance, logger);
    const key = await createKey(org.id, member.id);
    c.record(key.id, 200, undefined, base);
    c.record(key.id, 401, "revoked_api_key", base);

    proxy.refuse();
    expect(await c.flush({ force: true })).toEqual({ written: 0, duplicates: 0, pending: 1 });
    expect(logger.errors.join("\n")).toMatch(/writing 1 \(key, minute\) counts \(2 requests\) failed, will retry/);
    // More requests meanwhile, of the same minute and a new one; and another failed attempt.
    c.record(key.id, 200, undefined, base + 1);
    c.record(key.id, 500, undefined, base + MINUTE);
    expect(await c.flush({ force: true })).toMatchObject({ written: 0, pending: 3 });

    proxy.restore();
    // The failed batch, unchanged (one row), then what came after it (two rows).
    expect(await c.flush({ force: true })).toEqual({ written: 3, duplicates: 0, pending: 0 });
    expect(await minuteRows(key.id)).toEqual([
      { minute: iso(base), succeeded: 2, refused: 1, failed: 0, refusals: { revoked_api_key: 1 } },
      { minute: iso(base + MINUTE), succeeded: 0, refused: 0, failed: 1, refusals: {} },
    ]);
    expect(await c.flush({ force: true })).toEqual({ written: 0, duplicates: 0, pending: 0 });
  });

  it("a flush whose answer was lost after the database committed it is retried without double counting", async () => {
    const logger = recordingLogger();
    const c = counters(instance, logger);
    const key = await createKey(org.id, member.id);
    for (let i = 0; i < 3; i++) c.record(key.id, 200, undefined, base);
    c.record(key.id, 403, "insufficient_permissions", base);

    proxy.loseNextReply();
    const lost = await c.flush({ force: true });
    expect(logger.errors.join("\n"), "the client saw the statement fail").toMatch(/failed, will retry/);
    expect(lost).toMatchObject({ written: 0, pending: 1 });
    // ...but the database did write it.
    const committed = [{ minute: iso(base), succeeded: 3, refused: 1, failed: 0, refusals: { insufficient_permissions: 1 } }];
    expect(await minuteRows(key.id)).toEqual(committed);

    c.record(key.id, 200, undefined, base);
    proxy.restore();
    // The retry finds its batch id already there and adds nothing; the newer count is added once.
    expect(await c.flush({ force: true })).toEqual({ written: 1, duplicates: 1, pending: 0 });
    expect(await minuteRows(key.id)).toEqual([{ ...committed[0], succeeded: 4 }]);
  });
});

describe("retention", () => {
  it("moves minute rows older than 48 hours into their day rows, deletes day rows older than 90 days, and nothing else", async () => {
    const c = counters();
    const now = Date.now();
    const today = now - (now % DAY);
    const key = await createKey(org.id, member.id);
    const otherKey = await createKey(org.id, member.id);
    // Three days ago: two minutes, and a day row already there (an earlier roll-up).
    const old = today - 3 * DAY + 5 * HOUR;
    await insertRow("ApiKeyRequestsMinute", key, org.id, old, { succeeded: 2, refused: 1, refusals: { revoked_api_key: 1 } });
    await insertRow("ApiKeyRequestsMinute", key, org.id, old + MINUTE, { failed: 3, refused: 2, refusals: { revoked_api_key: 1, rate_limited: 1 } });
    await insertRow("ApiKeyRequestsDay", key, org.id, today - 3 * DAY, { succeeded: 10, refused: 1, refusals: { rate_limited: 1 } });
    // Just older than 48 h, and just younger: the first moves, the second stays.
    const cutoff = now - (now % MINUTE) - 48 * HOUR;
    await insertRow("ApiKeyRequestsMinute", otherKey, org.id, cutoff - MINUTE, { succeeded: 1 });
    await insertRow("ApiKeyRequestsMinute", otherKey, org.id, cutoff + MINUTE, { succeeded: 4 });
    await insertRow("ApiKeyRequestsMinute", otherKey, org.id, now - HOUR, { succeeded: 5 });
    // Day rows: the 90th day back (today included) stays, the 91st goes.
    await insertRow("ApiKeyRequestsDay", otherKey, org.id, today - 89 * DAY, { succeeded: 7 });
    await insertRow("ApiKeyRequestsDay", otherKey, org.id, today - 90 * DAY, { succeeded: 8 });

    const before = await Promise.all([key, otherKey].map((k) => keyDailyUsage({ organizationId: org.id, keyId: k.id, days: 90 })));
    const result = await c.retain(now);
    expect(result).not.toBe("skipped");
    if (result !== "skipped") {
      expect(result.moved).toBeGreaterThanOrEqual(3);
      expect(result.dayRowsDeleted).toBeGreaterThanOrEqual(1);
    }

    expect(await minuteRows(key.id)).toEqual([]);
    const day = (ms: number) => iso(ms).slice(0, 10);
    expect(await dayRows(key.id)).toEqual([
      { day: day(today - 3 * DAY), succeeded: 12, refused: 4, failed: 3, refusals: { revoked_api_key: 2, rate_limited: 2 } },
    ]);
    expect((await minuteRows(otherKey.id)).map((r) => r.succeeded)).toEqual([4, 5]);
    const otherDays = await dayRows(otherKey.id);
    expect(otherDays.map((r) => [r.day, r.succeeded])).toEqual([
      [day(today - 89 * DAY), 7],
      [day(cutoff - MINUTE), 1],
    ]);

    // The readers give the same numbers before and after the roll-up, except the deleted day,
    // which is outside their 90-day window anyway.
    const after = await Promise.all([key, otherKey].map((k) => keyDailyUsage({ organizationId: org.id, keyId: k.id, days: 90 })));
    expect(after).toEqual(before);
    // A second run finds nothing of ours left to do.
    await c.retain(now);
    expect(await dayRows(key.id)).toHaveLength(1);
    expect((await minuteRows(otherKey.id)).map((r) => r.succeeded)).toEqual([4, 5]);
  });

  it.runIf(onPostgres)("two instances running it at once move each row exactly once", async () => {
    const other = createRuntime();
    try {
      const now = Date.now();
      const key = await createKey(org.id, member.id);
      const old = now - (now % DAY) - 4 * DAY;
      for (let i = 0; i < 50; i++) await insertRow("ApiKeyRequestsMinute", key, org.id, old + i * MINUTE, { succeeded: 1, refused: 1, refusals: { revoked_api_key: 1 } });
      const results = await Promise.all([counters().retain(now), counters(other).retain(now), counters().retain(now)]);
      expect(results.filter((r) => r !== "skipped").length).toBeGreaterThanOrEqual(1);
      expect(await minuteRows(key.id)).toEqual([]);
      expect(await dayRows(key.id)).toEqual([{ day: iso(old).slice(0, 10), succeeded: 50, refused: 50, failed: 0, refusals: { revoked_api_key: 50 } }]);
    } finally {
      await other.close();
    }
  });
});

describe("the chart queries", () => {
  // A runtime whose clock is fixed, on the same database: bucket boundaries don't move mid-test.
  const now = Date.UTC(2026, 10, 30, 12, 30, 0);
  const atNoon = () => Object.create(runtime(), { clock: { value: { now: () => now } } }) as Runtime;
  const today = Date.UTC(2026, 10, 30);
  let org: TestOrganization;
  let a: TestKey;
  let b: TestKey;
  let otherOrg: TestOrganization;
  let stranger: TestKey;
  let colleague: TestMember;

  beforeAll(async () => {
    org = await createOrganization("Query Org");
    const owner = await createMember(org.id, "owner");
    colleague = await createMember(org.id, "developer");
    a = await createKey(org.id, owner.id, { name: "alpha" });
    b = await createKey(org.id, colleague.id, { name: "bravo" });
    otherOrg = await createOrganization("Other Query Org");
    const outsider = await createMember(otherOrg.id, "owner");
    stranger = await createKey(otherOrg.id, outsider.id);
    // Key a: this hour, two hours ago (two minutes), yesterday (minute rows), 10 days ago (a day row).
    await insertRow("ApiKeyRequestsMinute", a, org.id, now - 10 * MINUTE, { succeeded: 3, refused: 1, refusals: { revoked_api_key: 1 } });
    await insertRow("ApiKeyRequestsMinute", a, org.id, now - 2 * HOUR, { succeeded: 1, failed: 1 });
    await insertRow("ApiKeyRequestsMinute", a, org.id, now - 2 * HOUR + MINUTE, { refused: 2, refusals: { insufficient_permissions: 2 } });
    await insertRow("ApiKeyRequestsMinute", a, org.id, now - DAY, { succeeded: 5 });
    await insertRow("ApiKeyRequestsDay", a, org.id, today - 10 * DAY, { succeeded: 100, refused: 3, refusals: { insufficient_permissions: 1, rate_limited: 2 } });
    // Outside every window: 31 days ago, and 25 hours ago for the hourly series.
    await insertRow("ApiKeyRequestsDay", a, org.id, today - 30 * DAY, { succeeded: 1_000 });
    // Key b: a little, today.
    await insertRow("ApiKeyRequestsMinute", b, org.id, now - 5 * MINUTE, { succeeded: 2 });
    // Another organization's key: never counted in this one.
    await insertRow("ApiKeyRequestsMinute", stranger, otherOrg.id, now - 5 * MINUTE, { succeeded: 50 });
  });

  it("keyRequestSeries 24h: 24 hourly buckets, zero-filled, oldest first, the current hour last", async () => {
    const series = await keyRequestSeries({ organizationId: org.id, keyId: a.id, range: "24h" }, atNoon());
    expect(series).toHaveLength(24);
    expect(series[0]!.start).toBe(iso(Date.UTC(2026, 10, 29, 13)));
    expect(series[23]!.start).toBe(iso(Date.UTC(2026, 10, 30, 12)));
    expect(series[23]).toMatchObject({ succeeded: 3, refused: 1, failed: 0 });
    expect(series[21]).toMatchObject({ start: iso(Date.UTC(2026, 10, 30, 10)), succeeded: 1, refused: 2, failed: 1 });
    // 24 h ago exactly (12:30 yesterday) is in the hour before the window.
    expect(series.reduce((n, s) => n + s.succeeded + s.refused + s.failed, 0)).toBe(8);
  });

  it("keyRequestSeries 30d and keyDailyUsage: days from both tables, zero-filled, oldest first", async () => {
    const series = await keyRequestSeries({ organizationId: org.id, keyId: a.id, range: "30d" }, atNoon());
    expect(series).toHaveLength(30);
    expect(series[0]!.start).toBe(iso(today - 29 * DAY));
    expect(series[29]).toEqual({ start: iso(today), succeeded: 4, refused: 3, failed: 1 });
    expect(series[28]).toEqual({ start: iso(today - DAY), succeeded: 5, refused: 0, failed: 0 });
    expect(series[19]).toEqual({ start: iso(today - 10 * DAY), succeeded: 100, refused: 3, failed: 0 });
    expect(series.filter((s) => s.succeeded + s.refused + s.failed === 0)).toHaveLength(27);

    const usage = await keyDailyUsage({ organizationId: org.id, keyId: a.id, days: 2 }, atNoon());
    expect(usage).toEqual([
      { date: "2026-11-29", succeeded: 5, refused: 0, failed: 0 },
      { date: "2026-11-30", succeeded: 4, refused: 3, failed: 1 },
    ]);
  });

  it("keyRefusalsByCode: by code over the window, most first", async () => {
    expect(await keyRefusalsByCode({ organizationId: org.id, keyId: a.id, days: 30 }, atNoon())).toEqual([
      { code: "insufficient_permissions", count: 3 },
      { code: "rate_limited", count: 2 },
      { code: "revoked_api_key", count: 1 },
    ]);
    expect(await keyRefusalsByCode({ organizationId: org.id, keyId: a.id, days: 1 }, atNoon())).toEqual([
      { code: "insufficient_permissions", count: 2 },
      { code: "revoked_api_key", count: 1 },
    ]);
    expect(await keyRefusalsByCode({ organizationId: org.id, keyId: b.id, days: 30 }, atNoon())).toEqual([]);
  });

  it("organizationRequestSeries and topKeysByRequests: the organization's keys only", async () => {
    const series = await organizationRequestSeries({ organizationId: org.id, days: 30 }, atNoon());
    expect(series).toHaveLength(30);
    expect(series[29]).toEqual({ start: iso(today), succeeded: 6, refused: 3, failed: 1 });
    expect(await topKeysByRequests({ organizationId: org.id, days: 30, limit: 5 }, atNoon())).toEqual([
      { keyId: a.id, name: "alpha", prefix: "sk_live_", last4: a.key.slice(-4), total: 116 },
      { keyId: b.id, name: "bravo", prefix: "sk_live_", last4: b.key.slice(-4), total: 2 },
    ]);
    expect((await topKeysByRequests({ organizationId: org.id, days: 30, limit: 1 }, atNoon())).map((k) => k.keyId)).toEqual([a.id]);
    expect((await topKeysByRequests({ organizationId: org.id, days: 30, limit: 5, ownerId: colleague.id }, atNoon())).map((k) => k.keyId)).toEqual([b.id]);
  });

  it("organizationActivity: the panel's figures, reused for a minute, then served stale once while they refresh", async () => {
    let clock = now;
    const rt = Object.create(runtime(), { clock: { value: { now: () => clock } } }) as Runtime;
    const total = (activity: { series: { succeeded: number }[] }) => activity.series.reduce((n, s) => n + s.succeeded, 0);
    const first = await organizationActivity(org.id, rt);
    expect(first.series).toEqual(await organizationRequestSeries({ organizationId: org.id, days: 30 }, rt));
    expect(first.top).toEqual(await topKeysByRequests({ organizationId: org.id, days: 30, limit: 5 }, rt));
    expect((await organizationActivity(otherOrg.id, rt)).top).toEqual([expect.objectContaining({ keyId: stranger.id })]);

    // New counts arrive: within the minute the panel shows the figures it has.
    await insertRow("ApiKeyRequestsMinute", b, org.id, now - 3 * MINUTE, { succeeded: 7 });
    try {
      clock = now + ORGANIZATION_ACTIVITY_TTL_MS - 1_000;
      expect(total(await organizationActivity(org.id, rt))).toBe(total(first));
      // After it: the stale figures once, without waiting, while the sums run again; then the new ones.
      clock = now + ORGANIZATION_ACTIVITY_TTL_MS + 1_000;
      expect(total(await organizationActivity(org.id, rt))).toBe(total(first));
      await vi.waitFor(async () => expect(total(await organizationActivity(org.id, rt))).toBe(total(first) + 7));
    } finally {
      await sql().query(`DELETE FROM "ApiKeyRequestsMinute" WHERE "apiKeyId" = $1 AND minute = $2::timestamptz AT TIME ZONE 'UTC'`, [b.id, iso(now - 3 * MINUTE)]);
    }
  });

  it("never reads another organization's counts, whatever key id it is given", async () => {
    const zeros = (await keyRequestSeries({ organizationId: org.id, keyId: stranger.id, range: "30d" }, atNoon())).every(
      (s) => s.succeeded + s.refused + s.failed === 0,
    );
    expect(zeros).toBe(true);
    expect((await keyDailyUsage({ organizationId: org.id, keyId: stranger.id, days: 1 }, atNoon()))[0]).toMatchObject({ succeeded: 0 });
    expect((await organizationRequestSeries({ organizationId: otherOrg.id, days: 1 }, atNoon()))[0]).toMatchObject({ succeeded: 50 });
    expect(await topKeysByRequests({ organizationId: otherOrg.id, days: 30, limit: 5 }, atNoon())).toEqual([
      expect.objectContaining({ keyId: stranger.id, total: 50 }),
    ]);
    await expect(keyDailyUsage({ organizationId: org.id, keyId: a.id, days: 91 })).rejects.toThrow(RangeError);
  });
});

describe("through the API", () => {
  let apiOrg: TestOrganization;
  let admin: TestMember & { key: TestKey };
  let developer: TestMember & { key: TestKey };
  let viewer: TestMember & { key: TestKey };

  beforeAll(async () => {
    apiOrg = await createOrganization("Counted API Org");
    const withKey = async (role: "admin" | "developer" | "viewer") => {
      const m = await createMember(apiOrg.id, role);
      return { ...m, key: await createKey(apiOrg.id, m.id, { name: `${role} key` }) };
    };
    [admin, developer, viewer] = [await withKey("admin"), await withKey("developer"), await withKey("viewer")];
  });

  async function todayOf(keyId: string) {
    await flushRequestCounts({ force: true });
    const rows = await sql().query<{ succeeded: number; refused: number; failed: number; refusals: Record<string, number> }>(
      `SELECT sum(succeeded)::int AS succeeded, sum(refused)::int AS refused, sum(failed)::int AS failed,
              (SELECT coalesce(jsonb_object_agg(code, n), '{}') FROM (SELECT e.key AS code, sum(e.value::int)::int AS n FROM "ApiKeyRequestsMinute" m2, jsonb_each_text(m2.refusals) e WHERE m2."apiKeyId" = $1 GROUP BY e.key) s) AS refusals
         FROM "ApiKeyRequestsMinute" WHERE "apiKeyId" = $1`,
      [keyId],
    );
    const row = rows[0]!;
    return { succeeded: row.succeeded ?? 0, refused: row.refused ?? 0, failed: row.failed ?? 0, refusals: row.refusals };
  }

  it("counts every answer to an identified key by its final status: success, missing permission, another organization, revoked", async () => {
    const key = viewer.key;
    expect((await call(ping, { path: "/api/v1/ping", key: key.key })).status).toBe(200);
    expect((await call(ping, { path: "/api/v1/ping", key: key.key })).status).toBe(200);
    expectApiError(
      await call(createUsage, { method: "POST", path: "/api/v1/usage-events", key: key.key, body: { metric: "m", quantity: 1 } }),
      403,
      "permission_error",
      "insufficient_permissions",
    );
    expectApiError(
      await call(organizationRoute, { path: `/api/v1/organizations/${otherOrgId()}`, key: key.key, params: { id: otherOrgId() } }),
      403,
      "permission_error",
      "organization_mismatch",
    );
    expect(await todayOf(key.id)).toEqual({ succeeded: 2, refused: 2, failed: 0, refusals: { insufficient_permissions: 1, organization_mismatch: 1 } });

    // Revoked: refused, and counted for that key under revoked_api_key.
    const revoked = await call(revokeRoute, { method: "DELETE", path: `/api/v1/api-keys/${key.id}`, key: key.key, params: { id: key.id } });
    expect(revoked.status).toBe(200);
    expectApiError(await call(ping, { path: "/api/v1/ping", key: key.key }), 401, "authentication_error", "revoked_api_key");
    expect(await todayOf(key.id)).toEqual({
      succeeded: 3,
      refused: 3,
      failed: 0,
      refusals: { insufficient_permissions: 1, organization_mismatch: 1, revoked_api_key: 1 },
    });
  });

  it("doesn't count what can't be tied to a key: a missing, malformed or unknown key", async () => {
    const before = await sql().query<{ n: number }>(`SELECT count(*)::int AS n FROM "ApiKeyRequestsMinute" WHERE "organizationId" = $1`, [apiOrg.id]);
    await call(ping, { path: "/api/v1/ping" });
    await call(ping, { path: "/api/v1/ping", authorization: "Bearer nope" });
    await flushRequestCounts({ force: true });
    const after = await sql().query<{ n: number }>(`SELECT count(*)::int AS n FROM "ApiKeyRequestsMinute" WHERE "organizationId" = $1`, [apiOrg.id]);
    expect(after).toEqual(before);
  });

  it("GET /api-keys/{id}/usage: daily counts of your own key; any key of the organization with api_keys:manage", async () => {
    expect((await call(ping, { path: "/api/v1/ping", key: developer.key.key })).status).toBe(200);
    await flushRequestCounts({ force: true });
    const own = await call(usageRoute, { path: `/api/v1/api-keys/${developer.key.id}/usage?days=3`, key: developer.key.key, params: { id: developer.key.id } });
    expect(own.status, own.text).toBe(200);
    expect(own.json).toMatchObject({ object: "list", has_more: false, next_cursor: null });
    expect(own.json.data).toHaveLength(3);
    expect(own.json.data[2]).toEqual({ date: new Date().toISOString().slice(0, 10), succeeded: 1, refused: 0, failed: 0 });
    expect(own.json.data[0].date < own.json.data[1].date).toBe(true);

    await flushRequestCounts({ force: true });
    const byAdmin = await call(usageRoute, { path: `/api/v1/api-keys/${developer.key.id}/usage`, key: admin.key.key, params: { id: developer.key.id } });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.json.data).toHaveLength(30);
    // The usage call itself counts, for the key that made it (and after the flush).
    expect(byAdmin.json.data[29].succeeded).toBe(2);
  });

  it("GET /api-keys/{id}/usage refuses another member's key without api_keys:manage, another organization's key, and bad days", async () => {
    // Exactly what reading that key would answer (GET /api-keys/{id}).
    const other = await call(usageRoute, { path: `/api/v1/api-keys/${admin.key.id}/usage`, key: developer.key.key, params: { id: admin.key.id } });
    const read = await call(readKeyRoute, { path: `/api/v1/api-keys/${admin.key.id}`, key: developer.key.key, params: { id: admin.key.id } });
    expect(read.status).toBeGreaterThanOrEqual(403);
    expect([other.status, other.json.error.code]).toEqual([read.status, read.json.error.code]);
    const outside = await createOrganization("Usage Outsider Org");
    const outsider = await createMember(outside.id, "owner");
    const foreign = await createKey(outside.id, outsider.id);
    expectApiError(
      await call(usageRoute, { path: `/api/v1/api-keys/${foreign.id}/usage`, key: admin.key.key, params: { id: foreign.id } }),
      404,
      "invalid_request_error",
      "resource_missing",
    );
    // Decimal digits only: "1e1" and "0x10" are not read as 10 and 16.
    for (const days of ["0", "91", "1.5", "x", "1e1", "0x10", " 7", ""]) {
      expectApiError(
        await call(usageRoute, { path: `/api/v1/api-keys/${admin.key.id}/usage?days=${days}`, key: admin.key.key, params: { id: admin.key.id } }),
        400,
        "invalid_request_error",
        "invalid_request",
      );
    }
  });

  function otherOrgId(): string {
    return "org_that_is_not_yours";
  }
});
