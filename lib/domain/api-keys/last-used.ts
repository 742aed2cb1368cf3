import "server-only";
import type { Database } from "@/lib/platform/db/database";
import type { Clock, Logger } from "@/lib/platform/logger";

/**
 * lastUsedAt / lastUsedIp / lastUsedUserAgent without a database write per request: uses are
 * collected in memory and written in one batched UPDATE, at most once per key per minute per
 * instance. The UPDATE only moves values forward, so instances (and late flushes) never rewind.
 */

const WRITE_INTERVAL_MS = 60_000;
const FLUSH_EVERY_MS = 5_000;

type Use = { at: number; ip: string | null; userAgent: string | null };

export type LastUsedBuffer = {
  record(keyId: string, ip: string | null, userAgent: string | null, at?: number): void;
  /** Writes the uses that are due (all pending ones with `force`). Returns how many keys were written. */
  flush(options?: { force?: boolean; now?: number }): Promise<number>;
  /** Stops the background flush (the runtime flushes with `force` first). */
  stop(): void;
};

export function createLastUsedBuffer(deps: { database: Database; clock: Clock; logger: Logger }): LastUsedBuffer {
  const { database, clock, logger } = deps;
  const pending = new Map<string, Use>();
  const lastWritten = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;

  function record(keyId: string, ip: string | null, userAgent: string | null, at = clock.now()): void {
    const previous = pending.get(keyId);
    if (!previous || previous.at <= at) pending.set(keyId, { at, ip, userAgent });
    if (!timer) {
      timer = setInterval(() => void flush(), FLUSH_EVERY_MS);
      timer.unref();
    }
  }

  async function flush(options: { force?: boolean; now?: number } = {}): Promise<number> {
    if (flushing) await flushing;
    const now = options.now ?? clock.now();
    const due: [string, Use][] = [];
    for (const [keyId, use] of pending) {
      const written = lastWritten.get(keyId);
      if (options.force || written === undefined || now - written >= WRITE_INTERVAL_MS) due.push([keyId, use]);
    }
    if (due.length === 0) return 0;
    for (const [keyId] of due) pending.delete(keyId);
    const run = (async () => {
      const ids = due.map(([id]) => id);
      const ats = due.map(([, u]) => new Date(u.at).toISOString());
      const ips = due.map(([, u]) => u.ip);
      const agents = due.map(([, u]) => u.userAgent);
      try {
        await database.sql().query(
          `UPDATE "ApiKey" AS k
              SET "lastUsedAt" = u.at, "lastUsedIp" = u.ip, "lastUsedUserAgent" = u.agent
             FROM (SELECT id, (at_tz AT TIME ZONE 'UTC')::timestamp(3) AS at, ip, agent
                     FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[]) AS x(id, at_tz, ip, agent)) AS u
            WHERE k.id = u.id AND (k."lastUsedAt" IS NULL OR k."lastUsedAt" < u.at)`,
          [ids, ats, ips, agents],
        );
        for (const id of ids) lastWritten.set(id, now);
      } catch (error) {
        // Put them back (unless newer uses arrived) and retry on the next tick.
        for (const [keyId, use] of due) {
          const newer = pending.get(keyId);
          if (!newer || newer.at < use.at) pending.set(keyId, use);
        }
        logger.error(`[api-keys] last-used flush failed: ${error instanceof Error ? error.message : error}`);
      }
    })();
    flushing = run;
    await run;
    flushing = null;
    // Keep the bookkeeping bounded: forget write times older than the interval.
    if (lastWritten.size > 50_000) {
      for (const [id, at] of lastWritten) if (now - at >= WRITE_INTERVAL_MS) lastWritten.delete(id);
    }
    return due.length;
  }

  function stop(): void {
    if (timer) clearInterval(timer);
    timer = null;
  }

  return { record, flush, stop };
}

// The process's buffer, for the API wrapper and the tests.
