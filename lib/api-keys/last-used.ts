import "server-only";
import { sql } from "@/lib/db";

/**
 * lastUsedAt / lastUsedIp / lastUsedUserAgent without a database write per request: uses are
 * collected in memory and written in one batched UPDATE, at most once per key per minute per
 * instance. The UPDATE only moves values forward, so instances (and late flushes) never rewind.
 */

const WRITE_INTERVAL_MS = 60_000;
const FLUSH_EVERY_MS = 5_000;

type Use = { at: number; ip: string | null; userAgent: string | null };

type State = {
  pending: Map<string, Use>;
  lastWritten: Map<string, number>;
  timer: NodeJS.Timeout | null;
  flushing: Promise<void> | null;
};

const store = globalThis as typeof globalThis & { __paygenticLastUsed?: State };
function state(): State {
  store.__paygenticLastUsed ??= { pending: new Map(), lastWritten: new Map(), timer: null, flushing: null };
  return store.__paygenticLastUsed;
}

export function recordKeyUse(keyId: string, ip: string | null, userAgent: string | null, at = Date.now()): void {
  const s = state();
  const previous = s.pending.get(keyId);
  if (!previous || previous.at <= at) s.pending.set(keyId, { at, ip, userAgent });
  if (!s.timer) {
    s.timer = setInterval(() => void flushLastUsed(), FLUSH_EVERY_MS);
    s.timer.unref();
  }
}

/** Writes the uses that are due (all pending ones with `force`). Returns how many keys were written. */
export async function flushLastUsed(options: { force?: boolean; now?: number } = {}): Promise<number> {
  const s = state();
  if (s.flushing) await s.flushing;
  const now = options.now ?? Date.now();
  const due: [string, Use][] = [];
  for (const [keyId, use] of s.pending) {
    const written = s.lastWritten.get(keyId);
    if (options.force || written === undefined || now - written >= WRITE_INTERVAL_MS) due.push([keyId, use]);
  }
  if (due.length === 0) return 0;
  for (const [keyId] of due) s.pending.delete(keyId);
  const run = (async () => {
    const ids = due.map(([id]) => id);
    const ats = due.map(([, u]) => new Date(u.at).toISOString());
    const ips = due.map(([, u]) => u.ip);
    const agents = due.map(([, u]) => u.userAgent);
    try {
      await sql().query(
        `UPDATE "ApiKey" AS k
            SET "lastUsedAt" = u.at, "lastUsedIp" = u.ip, "lastUsedUserAgent" = u.agent
           FROM (SELECT id, (at_tz AT TIME ZONE 'UTC')::timestamp(3) AS at, ip, agent
                   FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[]) AS x(id, at_tz, ip, agent)) AS u
          WHERE k.id = u.id AND (k."lastUsedAt" IS NULL OR k."lastUsedAt" < u.at)`,
        [ids, ats, ips, agents],
      );
      for (const id of ids) s.lastWritten.set(id, now);
    } catch (error) {
      // Put them back (unless newer uses arrived) and retry on the next tick.
      for (const [keyId, use] of due) {
        const newer = s.pending.get(keyId);
        if (!newer || newer.at < use.at) s.pending.set(keyId, use);
      }
      console.error(`[api-keys] last-used flush failed: ${error instanceof Error ? error.message : error}`);
    }
  })();
  s.flushing = run;
  await run;
  s.flushing = null;
  // Keep the bookkeeping bounded: forget write times older than the interval.
  if (s.lastWritten.size > 50_000) {
    for (const [id, at] of s.lastWritten) if (now - at >= WRITE_INTERVAL_MS) s.lastWritten.delete(id);
  }
  return due.length;
}
