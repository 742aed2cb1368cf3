import "server-only";
import { LRUCache } from "lru-cache";
import { runtime, type Runtime } from "@/lib/platform/runtime";

/**
 * Read side of the request counts (lib/domain/api-keys/request-counts.ts): the series the key page and
 * the organization overview chart, and the usage API.
 *
 * Where the numbers live: ApiKeyRequestsMinute holds the last ~48 hours per key per minute; the
 * hourly retention job *moves* older minute rows into ApiKeyRequestsDay (delete + add in one
 * statement), so every counted request is in exactly one of the two tables. A daily figure is
 * therefore day rows + minute rows of that day, whether or not the roll-up ran yet; an hourly
 * figure (24 h range) comes from minute rows alone, which always cover the last 48 hours.
 *
 * Every query is scoped by organization (and by key where it takes one): a key id of another
 * organization reads as all zeros. Buckets are UTC hours or UTC days, zero-filled, oldest first,
 * the last one being the current (partial) hour or day.
 *
 * Staleness: counts are written when their minute is over (checked every 5 s, see
 * REQUEST_COUNTS_FLUSH_MS), so a chart lags the traffic by up to ~65 s per instance; during a
 * database outage by as long as the outage (the counts wait in memory and are written after).
 */

export type RequestBucket = { start: string /* ISO */; succeeded: number; refused: number; failed: number };
export type DailyUsage = { date: string /* YYYY-MM-DD */; succeeded: number; refused: number; failed: number };
export type TopKey = { keyId: string; name: string; prefix: string; last4: string; total: number };

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Day rows are kept 90 days: no window reaches further back. */
export const MAX_USAGE_DAYS = 90;

function checkDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_USAGE_DAYS) throw new RangeError(`days must be a whole number from 1 to ${MAX_USAGE_DAYS}, got ${days}`);
  return days;
}

/** Hour or day numbers since the epoch, in UTC: the first bucket's, and the count. */
type Window = { unitMs: number; first: number; count: number };

function dailyWindow(now: number, days: number): Window {
  return { unitMs: DAY_MS, first: Math.floor(now / DAY_MS) - (checkDays(days) - 1), count: days };
}

function hourlyWindow(now: number): Window {
  return { unitMs: HOUR_MS, first: Math.floor(now / HOUR_MS) - 23, count: 24 };
}

const iso = (ms: number) => new Date(ms).toISOString();

type SumRow = { bucket: number; succeeded: number; refused: number; failed: number };

function zeroFilled(window: Window, rows: SumRow[]): RequestBucket[] {
  const byBucket = new Map(rows.map((r) => [Number(r.bucket), r]));
  return Array.from({ length: window.count }, (_, i) => {
    const bucket = window.first + i;
    const row = byBucket.get(bucket);
    return {
      start: iso(bucket * window.unitMs),
      succeeded: Number(row?.succeeded ?? 0),
      refused: Number(row?.refused ?? 0),
      failed: Number(row?.failed ?? 0),
    };
  });
}

// Columns are timestamp(3) without a zone holding UTC: parameters go in as timestamptz and are
// converted with AT TIME ZONE 'UTC'; extract(epoch …) of a zone-less timestamp reads it as UTC.
const SINCE = `($SINCE::timestamptz AT TIME ZONE 'UTC')`;

/**
 * Minute and day rows of one organization (and, with `byKey`, one key) since a midnight, as one
 * row source `u(apiKeyId, at, succeeded, refused, failed, refusals)`. `$1` is the organization, `$2`
 * the start, `$3` the key id (with `byKey`: then the primary keys (apiKeyId, minute|day) serve it).
 */
function bothTables(byKey: boolean): string {
  const key = byKey ? ` AND "apiKeyId" = $3` : "";
  return `(
    SELECT "apiKeyId", day AS at, succeeded, refused, failed, refusals FROM "ApiKeyRequestsDay"
     WHERE "organizationId" = $1 AND day >= ${SINCE.replace("$SINCE", "$2")}${key}
    UNION ALL
    SELECT "apiKeyId", minute AS at, succeeded, refused, failed, refusals FROM "ApiKeyRequestsMinute"
     WHERE "organizationId" = $1 AND minute >= ${SINCE.replace("$SINCE", "$2")}${key}
  ) AS u`;
}

async function dailySums(rt: Runtime, organizationId: string, keyId: string | null, window: Window): Promise<SumRow[]> {
  await rt.database.ensure();
  return rt.database.sql().query<SumRow>(
    `SELECT floor(extract(epoch FROM u.at) / 86400)::int AS bucket,
            sum(u.succeeded)::float8 AS succeeded, sum(u.refused)::float8 AS refused, sum(u.failed)::float8 AS failed
       FROM ${bothTables(keyId !== null)}
      GROUP BY 1`,
    keyId === null ? [organizationId, iso(window.first * DAY_MS)] : [organizationId, iso(window.first * DAY_MS), keyId],
  );
}

/** One key's requests: 24 hourly buckets (`24h`) or 30 daily buckets (`30d`). */
export async function keyRequestSeries(
  p: { organizationId: string; keyId: string; range: "24h" | "30d" },
  rt: Runtime = runtime(),
): Promise<RequestBucket[]> {
  const now = rt.clock.now();
  if (p.range === "30d") {
    const window = dailyWindow(now, 30);
    return zeroFilled(window, await dailySums(rt, p.organizationId, p.keyId, window));
  }
  const window = hourlyWindow(now);
  await rt.database.ensure();
  const rows = await rt.database.sql().query<SumRow>(
    `SELECT floor(extract(epoch FROM minute) / 3600)::int AS bucket,
            sum(succeeded)::float8 AS succeeded, sum(refused)::float8 AS refused, sum(failed)::float8 AS failed
       FROM "ApiKeyRequestsMinute"
      WHERE "organizationId" = $1 AND "apiKeyId" = $2 AND minute >= ${SINCE.replace("$SINCE", "$3")}
      GROUP BY 1`,
    [p.organizationId, p.keyId, iso(window.first * HOUR_MS)],
  );
  return zeroFilled(window, rows);
}

/** One key's refusals (4xx) over the last `days` UTC days (today included), by error code, most first. */
export async function keyRefusalsByCode(
  p: { organizationId: string; keyId: string; days: number },
  rt: Runtime = runtime(),
): Promise<{ code: string; count: number }[]> {
  const window = dailyWindow(rt.clock.now(), p.days);
  await rt.database.ensure();
  const rows = await rt.database.sql().query<{ code: string; count: number }>(
    `SELECT e.key AS code, sum(e.value::int)::float8 AS count
       FROM ${bothTables(true)}, jsonb_each_text(u.refusals) AS e
      GROUP BY e.key
     HAVING sum(e.value::int) > 0
      ORDER BY 2 DESC, 1`,
    [p.organizationId, iso(window.first * DAY_MS), p.keyId],
  );
  return rows.map((r) => ({ code: r.code, count: Number(r.count) }));
}

/** All of an organization's keys together, by UTC day, the last `days` days (today included). */
export async function organizationRequestSeries(p: { organizationId: string; days: number }, rt: Runtime = runtime()): Promise<RequestBucket[]> {
  const window = dailyWindow(rt.clock.now(), p.days);
  return zeroFilled(window, await dailySums(rt, p.organizationId, null, window));
}

/**
 * The organization's keys with the most requests (all outcomes) over the last `days` days, most
 * first; keys without requests are left out. `ownerId` narrows to one member's keys. Revoked keys
 * are included: their traffic happened.
 */
export async function topKeysByRequests(
  p: { organizationId: string; days: number; limit: number; ownerId?: string },
  rt: Runtime = runtime(),
): Promise<TopKey[]> {
  const window = dailyWindow(rt.clock.now(), p.days);
  const limit = Math.max(1, Math.min(100, Math.floor(p.limit)));
  await rt.database.ensure();
  const rows = await rt.database.sql().query<{ id: string; name: string; prefix: string; last4: string; total: number }>(
    `SELECT k.id, k.name, k.prefix, k.last4, x.total
       FROM (SELECT u."apiKeyId", sum(u.succeeded + u.refused + u.failed)::float8 AS total FROM ${bothTables(false)} GROUP BY u."apiKeyId") AS x
       JOIN "ApiKey" k ON k.id = x."apiKeyId" AND k."organizationId" = $1
      WHERE x.total > 0 AND ($3::text IS NULL OR k."userId" = $3)
      ORDER BY x.total DESC, k.name, k.id
      LIMIT $4`,
    [p.organizationId, iso(window.first * DAY_MS), p.ownerId ?? null, limit],
  );
  return rows.map((r) => ({ keyId: r.id, name: r.name, prefix: r.prefix, last4: r.last4, total: Number(r.total) }));
}

/** One key's daily counts for the usage API: the last `days` UTC days (today included), oldest first. */
export async function keyDailyUsage(p: { organizationId: string; keyId: string; days: number }, rt: Runtime = runtime()): Promise<DailyUsage[]> {
  const window = dailyWindow(rt.clock.now(), p.days);
  const buckets = zeroFilled(window, await dailySums(rt, p.organizationId, p.keyId, window));
  return buckets.map((b) => ({ date: b.start.slice(0, 10), succeeded: b.succeeded, refused: b.refused, failed: b.failed }));
}

export type OrganizationActivity = { series: RequestBucket[]; top: TopKey[] };

/** How long the key page's organization panel reuses its figures; the counts themselves lag by up to ~65 s. */
export const ORGANIZATION_ACTIVITY_TTL_MS = 60_000;

/**
 * The key page's organization panel: requests by day over 30 days and the 5 busiest keys. Both sum
 * every count row of the organization in the window, which for a large one (50,000 keys used daily:
 * 800,000 rows) takes most of a second. So the figures are kept per organization for
 * ORGANIZATION_ACTIVITY_TTL_MS and then served stale while one refresh runs in the background: a
 * dashboard view waits for the sums only the first time, and a flood of views runs them once a minute.
 */
export function organizationActivity(organizationId: string, rt: Runtime = runtime()): Promise<OrganizationActivity> {
  const cache = rt.memo(
    "organization-activity",
    () =>
      new LRUCache<string, OrganizationActivity>({
        max: 1_000,
        ttl: ORGANIZATION_ACTIVITY_TTL_MS,
        allowStale: true,
        noDeleteOnFetchRejection: true,
        perf: { now: () => rt.clock.now() },
        fetchMethod: async (id) => {
          const [series, top] = await Promise.all([
            organizationRequestSeries({ organizationId: id, days: 30 }, rt),
            topKeysByRequests({ organizationId: id, days: 30, limit: 5 }, rt),
          ]);
          return { series, top };
        },
      }),
  );
  return cache.fetch(organizationId) as Promise<OrganizationActivity>;
}
