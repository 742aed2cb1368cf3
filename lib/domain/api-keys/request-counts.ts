import "server-only";
import { randomUUID } from "node:crypto";
import type { Database } from "@/lib/platform/db/database";
import type { Clock, Logger } from "@/lib/platform/logger";

/**
 * Requests per key per UTC minute, by outcome, without database work on the request path: the API
 * wrapper calls `record()` (a Map increment); a background flush adds the counts to
 * ApiKeyRequestsMinute in ONE statement, `INSERT … ON CONFLICT (apiKeyId, minute) DO UPDATE SET
 * succeeded = t.succeeded + excluded.succeeded, …`, so instances add up.
 *
 * Writes: by default a minute's bucket is written once, when the minute is over (checked every 5 s),
 * so each instance writes at most one row per key per minute; `close()` writes whatever is pending,
 * the current minute included. REQUEST_COUNTS_FLUSH_MS below 60000 (tests, e2e) writes every
 * pending count, the current minute's too, every that many ms instead: fresher, but then a key can
 * get several writes a minute.
 *
 * Failures (the database down, a timeout): the batch is kept, as it was, and retried with the same
 * id on every tick until it is written. A retry never double counts: each batch carries a random id
 * inserted into ApiKeyRequestsFlush by the same statement, and the counts are only added when that
 * insert is new. A statement that failed wrote nothing; one whose outcome is unknown (the client
 * timed out or the connection broke after sending it, but the server committed) left its id
 * behind, so the retry adds nothing. Counts recorded meanwhile wait in the buckets, and one batch
 * at most is outstanding at a time.
 *
 * Memory: at most MAX_KEYS_PER_MINUTE keys per minute and MAX_PENDING (key, minute) entries in
 * all (a long outage); beyond that a request is not counted, the drop is counted and logged once a
 * minute.
 *
 * Retention (`retain()`, at start-up and hourly): minute rows older than 48 hours are MOVED into
 * ApiKeyRequestsDay (one statement deletes them and adds their sums to the day rows), so a request
 * is always in exactly one of the two tables and readers add both (lib/domain/api-keys/request-stats.ts);
 * day rows older than 90 days and flush ids older than 7 days are deleted. It runs in one
 * transaction under pg_try_advisory_xact_lock: when several instances start it at once, one does
 * the work and the others skip.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** How often the flusher looks for finished minutes (default mode). */
const TICK_MS = 5_000;
export const MAX_KEYS_PER_MINUTE = 20_000;
export const MAX_PENDING = 200_000;
/** Minute rows are kept this long, then moved into day rows. */
export const MINUTE_RETENTION_MS = 48 * HOUR_MS;
/** Day rows are kept this many days, today included. */
export const DAY_RETENTION_DAYS = 90;
const FLUSH_ID_RETENTION_MS = 7 * DAY_MS;
/** pg_try_advisory_xact_lock key of the retention job: hashtext('api_key_request_counts:retention'). */
const RETENTION_LOCK = "api_key_request_counts:retention";

export type RequestCountsConfig = {
  /** REQUEST_COUNTS=off: count nothing (the benchmark compares with and without). */
  enabled: boolean;
  /** REQUEST_COUNTS_FLUSH_MS: 60000 (default) writes each minute once it is over; less writes everything pending that often. */
  flushMs: number;
};

/** The configuration from the environment. Invalid values fail loudly rather than counting wrong. */
export function requestCountsConfig(source: Record<string, string | undefined> = process.env): RequestCountsConfig {
  const mode = source.REQUEST_COUNTS?.trim().toLowerCase();
  if (mode !== undefined && mode !== "" && mode !== "on" && mode !== "off") throw new Error(`REQUEST_COUNTS must be "on" or "off", not "${source.REQUEST_COUNTS}"`);
  const raw = source.REQUEST_COUNTS_FLUSH_MS?.trim();
  const flushMs = raw ? Number(raw) : MINUTE_MS;
  if (!Number.isInteger(flushMs) || flushMs < 100 || flushMs > MINUTE_MS) {
    throw new Error(`REQUEST_COUNTS_FLUSH_MS must be a whole number of milliseconds from 100 to 60000, not "${raw}"`);
  }
  return { enabled: mode !== "off", flushMs };
}

type Counts = { succeeded: number; refused: number; failed: number; refusals: Record<string, number> };

/** One (key, minute) of a batch, as written. */
export type CountRow = { keyId: string; minute: number } & Counts;

type Batch = { id: string; rows: CountRow[]; requests: number };

export type FlushResult = {
  /** Rows inserted or updated by this call (a batch already written by an earlier attempt: 0). */
  written: number;
  /** Batches sent by this call that the database had already (an earlier attempt did commit). */
  duplicates: number;
  /** (key, minute) entries still waiting in memory, a failed batch's included. */
  pending: number;
};

export type RetentionResult = { moved: number; dayRowsDeleted: number; flushIdsDeleted: number } | "skipped";

export type RequestCounts = {
  /** Counts one answered request of a key by its final HTTP status; `code` is the error code of a 4xx. */
  record(keyId: string, status: number, code?: string, at?: number): void;
  /** Writes the finished minutes (everything pending with `force`). Throws nothing: a failure is logged and retried. */
  flush(options?: { force?: boolean; now?: number }): Promise<FlushResult>;
  /** Moves minute rows older than 48 h into day rows, deletes day rows older than 90 days. */
  retain(now?: number): Promise<RetentionResult>;
  /** Runs `retain` now and every hour (start-up). */
  startRetention(): void;
  /** Requests not counted because the memory bound was reached. */
  dropped(): number;
  /** Stops the timers (the runtime flushes with `force` first). */
  stop(): void;
};

// refusals = the two objects added key by key: {"a":1} + {"a":2,"b":1} = {"a":3,"b":1}.
function mergedRefusals(a: string, b: string): string {
  return `(SELECT COALESCE(jsonb_object_agg(code, n), '{}'::jsonb)
             FROM (SELECT code, sum(n)::int AS n
                     FROM (SELECT key AS code, value::int AS n FROM jsonb_each_text(${a})
                           UNION ALL SELECT key, value::int FROM jsonb_each_text(${b})) AS e
                    GROUP BY code) AS s)`;
}

const ADD_ON_CONFLICT = (table: string) => `
    succeeded = ${table}.succeeded + excluded.succeeded,
    refused = ${table}.refused + excluded.refused,
    failed = ${table}.failed + excluded.failed,
    refusals = ${mergedRefusals(`${table}.refusals`, "excluded.refusals")}`;

// One statement: claim the batch id, then add the counts only if the claim is new. Keys deleted
// since (their organization was) are skipped by the join rather than failing the whole batch.
const FLUSH = `
  WITH claim AS (
    INSERT INTO "ApiKeyRequestsFlush" (id, "flushedAt") VALUES ($1, now() AT TIME ZONE 'UTC')
    ON CONFLICT (id) DO NOTHING
    RETURNING id
  ), added AS (
    INSERT INTO "ApiKeyRequestsMinute" AS t ("apiKeyId", "organizationId", minute, succeeded, refused, failed, refusals)
    SELECT k.id, k."organizationId", (x.minute_tz AT TIME ZONE 'UTC')::timestamp(3), x.succeeded, x.refused, x.failed, x.refusals::jsonb
      FROM unnest($2::text[], $3::timestamptz[], $4::int[], $5::int[], $6::int[], $7::text[])
             AS x(key_id, minute_tz, succeeded, refused, failed, refusals)
      JOIN "ApiKey" k ON k.id = x.key_id
     WHERE EXISTS (SELECT 1 FROM claim)
    ON CONFLICT ("apiKeyId", minute) DO UPDATE SET ${ADD_ON_CONFLICT("t")}
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM claim)::int AS claimed, (SELECT count(*) FROM added)::int AS written`;

// Minute rows older than the cutoff leave the minute table and join their day rows in the same
// statement: a request is never in both, nor in neither.
const MOVE_TO_DAYS = `
  WITH moved AS (
    DELETE FROM "ApiKeyRequestsMinute" WHERE minute < ($1::timestamptz AT TIME ZONE 'UTC')
    RETURNING "apiKeyId", "organizationId", minute, succeeded, refused, failed, refusals
  ), totals AS (
    SELECT "apiKeyId", "organizationId", date_trunc('day', minute) AS day,
           sum(succeeded)::int AS succeeded, sum(refused)::int AS refused, sum(failed)::int AS failed, count(*)::int AS minutes
      FROM moved GROUP BY 1, 2, 3
  ), codes AS (
    SELECT m."apiKeyId", date_trunc('day', m.minute) AS day, e.key AS code, sum(e.value::int)::int AS n
      FROM moved m, jsonb_each_text(m.refusals) AS e GROUP BY 1, 2, 3
  ), refusals AS (
    SELECT "apiKeyId", day, jsonb_object_agg(code, n) AS refusals FROM codes GROUP BY 1, 2
  ), added AS (
    INSERT INTO "ApiKeyRequestsDay" AS t ("apiKeyId", "organizationId", day, succeeded, refused, failed, refusals)
    SELECT s."apiKeyId", s."organizationId", s.day, s.succeeded, s.refused, s.failed, COALESCE(r.refusals, '{}'::jsonb)
      FROM totals s LEFT JOIN refusals r ON r."apiKeyId" = s."apiKeyId" AND r.day = s.day
    ON CONFLICT ("apiKeyId", day) DO UPDATE SET ${ADD_ON_CONFLICT("t")}
    RETURNING 1
  )
  SELECT (SELECT coalesce(sum(minutes), 0) FROM totals)::int AS moved, (SELECT count(*) FROM added)::int AS days`;

function emptyCounts(): Counts {
  return { succeeded: 0, refused: 0, failed: 0, refusals: {} };
}

function requestsIn(counts: Counts): number {
  return counts.succeeded + counts.refused + counts.failed;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createRequestCounts(deps: { database: Database; clock: Clock; logger: Logger; config?: RequestCountsConfig }): RequestCounts {
  const { database, clock, logger } = deps;
  const config = deps.config ?? { enabled: true, flushMs: MINUTE_MS };
  const eager = config.flushMs < MINUTE_MS;
  /** minute (ms since the epoch, UTC) → key id → counts. */
  const buckets = new Map<number, Map<string, Counts>>();
  let pendingEntries = 0;
  /** The bucket the last record() went to: nearly every call goes to the same one. */
  let lastMinute = -1;
  let lastBucket: Map<string, Counts> | undefined;
  /** A batch sent but not known to be written: retried as is, with its id, before anything newer. */
  let outstanding: Batch | null = null;
  let droppedTotal = 0;
  let droppedSinceLog = 0;
  let lastDropLog = 0;
  let timer: NodeJS.Timeout | null = null;
  let retentionTimer: NodeJS.Timeout | null = null;
  let flushing: Promise<FlushResult> | null = null;

  function drop(at: number): void {
    droppedTotal++;
    droppedSinceLog++;
    if (at - lastDropLog >= MINUTE_MS) {
      logger.error(
        `[api-keys] request counts: memory bound reached (${MAX_KEYS_PER_MINUTE} keys a minute, ${MAX_PENDING} pending); ${droppedSinceLog} request(s) not counted`,
      );
      lastDropLog = at;
      droppedSinceLog = 0;
    }
  }

  function record(keyId: string, status: number, code?: string, at = clock.now()): void {
    if (!config.enabled) return;
    const minute = at - (at % MINUTE_MS);
    let bucket = minute === lastMinute ? lastBucket : buckets.get(minute);
    let counts = bucket?.get(keyId);
    if (!counts) {
      if (pendingEntries >= MAX_PENDING || (bucket?.size ?? 0) >= MAX_KEYS_PER_MINUTE) return drop(at);
      if (!bucket) buckets.set(minute, (bucket = new Map()));
      bucket.set(keyId, (counts = emptyCounts()));
      pendingEntries++;
    }
    lastMinute = minute;
    lastBucket = bucket;
    if (status >= 500) counts.failed++;
    else if (status >= 400) {
      counts.refused++;
      const name = code ?? `http_${status}`;
      counts.refusals[name] = (counts.refusals[name] ?? 0) + 1;
    } else counts.succeeded++;
    if (!timer) {
      timer = setInterval(() => void flush(), eager ? config.flushMs : TICK_MS);
      timer.unref();
    }
  }

  /** Takes the due buckets out of memory, as one batch (null when nothing is due). */
  function takeDue(now: number, force: boolean): Batch | null {
    const rows: CountRow[] = [];
    let requests = 0;
    for (const [minute, bucket] of buckets) {
      if (!force && !eager && minute + MINUTE_MS > now) continue;
      for (const [keyId, counts] of bucket) {
        rows.push({ keyId, minute, ...counts });
        requests += requestsIn(counts);
      }
      pendingEntries -= bucket.size;
      buckets.delete(minute);
      if (minute === lastMinute) lastMinute = -1;
    }
    return rows.length > 0 ? { id: randomUUID(), rows, requests } : null;
  }

  async function write(batch: Batch): Promise<{ claimed: boolean; written: number }> {
    const { rows } = batch;
    await database.ensure();
    const [result] = await database.sql().query<{ claimed: number; written: number }>(FLUSH, [
      batch.id,
      rows.map((r) => r.keyId),
      rows.map((r) => new Date(r.minute).toISOString()),
      rows.map((r) => r.succeeded),
      rows.map((r) => r.refused),
      rows.map((r) => r.failed),
      rows.map((r) => JSON.stringify(r.refusals)),
    ]);
    return { claimed: Number(result?.claimed) === 1, written: Number(result?.written ?? 0) };
  }

  async function runFlush(options: { force?: boolean; now?: number }): Promise<FlushResult> {
    const now = options.now ?? clock.now();
    const result: FlushResult = { written: 0, duplicates: 0, pending: 0 };
    // The outstanding batch first, unchanged; nothing newer is taken until it is written.
    let batch = outstanding ?? takeDue(now, options.force ?? false);
    while (batch) {
      outstanding = batch;
      try {
        const { claimed, written } = await write(batch);
        outstanding = null;
        if (claimed) result.written += written;
        else result.duplicates++;
      } catch (error) {
        logger.error(
          `[api-keys] request counts: writing ${batch.rows.length} (key, minute) counts (${batch.requests} requests) failed, will retry: ${message(error)}`,
        );
        break;
      }
      batch = takeDue(now, options.force ?? false);
    }
    result.pending = pendingEntries + (outstanding?.rows.length ?? 0);
    return result;
  }

  function flush(options: { force?: boolean; now?: number } = {}): Promise<FlushResult> {
    // One flush at a time: a tick during a slow write waits for it rather than racing it.
    const run = (flushing ?? Promise.resolve()).then(() => runFlush(options));
    const settled = run.finally(() => {
      if (flushing === settled) flushing = null;
    });
    flushing = settled;
    return run;
  }

  const retain = (now = clock.now()) => retainRequestCounts(database, now);

  function startRetention(): void {
    if (retentionTimer) return;
    const run = () =>
      void retain().then(
        (result) => {
          if (result !== "skipped" && (result.moved > 0 || result.dayRowsDeleted > 0)) {
            logger.info(`[api-keys] request counts: moved ${result.moved} minute row(s) into day rows, deleted ${result.dayRowsDeleted} day row(s) older than ${DAY_RETENTION_DAYS} days`);
          }
        },
        (error: unknown) => logger.error(`[api-keys] request counts retention failed (retried within the hour): ${message(error)}`),
      );
    retentionTimer = setInterval(run, HOUR_MS);
    retentionTimer.unref();
    run();
  }

  function stop(): void {
    if (timer) clearInterval(timer);
    if (retentionTimer) clearInterval(retentionTimer);
    timer = null;
    retentionTimer = null;
  }

  return { record, flush, retain, startRetention, dropped: () => droppedTotal, stop };
}

/**
 * Minute rows older than 48 h into day rows, day rows past retention and old flush ids deleted: one
 * instance at a time (an advisory lock), in one transaction.
 */
async function retainRequestCounts(database: Database, now: number): Promise<RetentionResult> {
  await database.ensure();
  const minuteCutoff = new Date(now - (now % MINUTE_MS) - MINUTE_RETENTION_MS).toISOString();
  const dayCutoff = new Date(now - (now % DAY_MS) - (DAY_RETENTION_DAYS - 1) * DAY_MS).toISOString();
  const flushCutoff = new Date(now - FLUSH_ID_RETENTION_MS).toISOString();
  return database.prisma().$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRawUnsafe<{ locked: boolean }[]>(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, RETENTION_LOCK);
      if (!lock?.locked) return "skipped" as const;
      // A big first roll-up may take longer than a request's statement limit.
      if (database.pool()) await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = 120000`);
      const [moved] = await tx.$queryRawUnsafe<{ moved: number; days: number }[]>(MOVE_TO_DAYS, minuteCutoff);
      const dayRowsDeleted = await tx.$executeRawUnsafe(`DELETE FROM "ApiKeyRequestsDay" WHERE day < ($1::timestamptz AT TIME ZONE 'UTC')`, dayCutoff);
      const flushIdsDeleted = await tx.$executeRawUnsafe(`DELETE FROM "ApiKeyRequestsFlush" WHERE "flushedAt" < ($1::timestamptz AT TIME ZONE 'UTC')`, flushCutoff);
      return { moved: Number(moved?.moved ?? 0), dayRowsDeleted, flushIdsDeleted };
    },
    { maxWait: 10_000, timeout: 150_000 },
  );
}

// The process's counters, for the API wrapper and the tests.
