// 4. Revocation propagation: two instances on one PostgreSQL database. Clients hammer instance B
// with a key that B has cached; the key is revoked through instance A's API
// (DELETE /api/v1/api-keys/{id} with an owner's key); we time A's response → B's first 401.
import pg from "pg";
import { hashApiKey } from "../lib/domain/api-keys/format";
import { insertKey, median, percentile, round, sleep, sortedCopy, targetRow, type Context, type Row, type SectionResult } from "./lib";

// lib/domain/api-keys/invalidation.ts's channel; the bench listens too, to see when the NOTIFY goes out.
const CHANNEL = "paygentic_api_key_invalidation";

const CLIENTS = 4;

async function ping(url: string, key: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/ping`, { headers: { Authorization: `Bearer ${key}` } });
  await response.arrayBuffer();
  return response.status;
}

type Trial = {
  /** A's response → B's first 401 (clamped at 0). */
  ms: number;
  rawMs: number;
  /** When the bench's own LISTEN connection heard the NOTIFY, relative to A's response (negative: before). */
  notifyMs: number | null;
  /** When the first refused request was sent, and the last accepted one, relative to A's response. */
  firstRefusedSentMs: number;
  lastAcceptedSentMs: number | null;
  requests: number;
  lateAccepts: number;
};

export async function revocation(ctx: Context): Promise<SectionResult> {
  const S = "4 revocation";
  const trials = ctx.opts.smoke ? 3 : Number(process.env.BENCH_REVOCATION_TRIALS) || 20;
  const A = await ctx.serverA();
  const B = await ctx.serverB();
  const sql = await ctx.sql();
  const ownerKey = (await insertKey(sql, { email: "alice@acme.test", name: "bench revoker" })).key;
  const results: Trial[] = [];
  const listener = new pg.Client({ connectionString: ctx.database.url });
  await listener.connect();
  const heard = new Map<string, number>();
  listener.on("notification", (message) => {
    const at = performance.now();
    try {
      for (const hash of (JSON.parse(message.payload ?? "{}") as { keyHashes?: string[] }).keyHashes ?? []) heard.set(hash, at);
    } catch {
      // not ours
    }
  });
  await listener.query(`LISTEN ${CHANNEL}`);
  try {
    for (let t = 0; t < trials; t++) {
      const victim = await insertKey(sql, { email: "dana@acme.test", name: `bench victim ${t}` });
      for (let i = 0; i < 3; i++) {
        const status = await ping(B.url, victim.key);
        if (status !== 200) throw new Error(`B answered ${status} for a fresh key`);
      }
      let revokedAt = 0;
      let firstRefusal = 0;
      let firstRefusedSent = 0;
      let lastAcceptedSent = 0;
      let stop = false;
      let requests = 0;
      let lateAccepts = 0;
      const client = async () => {
        while (!stop && !firstRefusal) {
          const sentAt = performance.now();
          const status = await ping(B.url, victim.key);
          requests++;
          if (status === 401) {
            if (!firstRefusal) {
              firstRefusal = performance.now();
              firstRefusedSent = sentAt;
            }
            return;
          }
          if (status !== 200) throw new Error(`B answered ${status}`);
          lastAcceptedSent = Math.max(lastAcceptedSent, sentAt);
          // Sent more than 100 ms after A answered and still accepted: a propagation failure.
          if (revokedAt && sentAt > revokedAt + 100) lateAccepts++;
        }
      };
      const hammer = Promise.all(Array.from({ length: CLIENTS }, client));
      await sleep(50);
      const response = await fetch(`${A.url}/api/v1/api-keys/${victim.id}`, { method: "DELETE", headers: { Authorization: `Bearer ${ownerKey}` } });
      await response.arrayBuffer();
      revokedAt = performance.now();
      if (response.status !== 200) throw new Error(`revoking through A answered ${response.status}`);
      await Promise.race([hammer, sleep(5_000)]);
      stop = true;
      await hammer;
      if (!firstRefusal) throw new Error(`trial ${t}: B never refused the revoked key`);
      const rawMs = firstRefusal - revokedAt;
      const notifiedAt = heard.get(hashApiKey(victim.key));
      results.push({
        ms: Math.max(0, rawMs),
        rawMs: round(rawMs, 2),
        notifyMs: notifiedAt === undefined ? null : round(notifiedAt - revokedAt, 2),
        firstRefusedSentMs: round(firstRefusedSent - revokedAt, 2),
        lastAcceptedSentMs: lastAcceptedSent ? round(lastAcceptedSent - revokedAt, 2) : null,
        requests,
        lateAccepts,
      });
    }
  } finally {
    await listener.end().catch(() => {});
  }

  const ms = results.map((r) => r.ms);
  const sorted = sortedCopy(ms);
  const late = results.reduce((n, r) => n + r.lateAccepts, 0);
  const rows: Row[] = [
    targetRow(S, `A's response → B's first 401, max of ${trials}`, round(Math.max(...ms), 1), "ms", "<=", 100),
    { section: S, metric: "A's response → B's first 401, median / p90", value: round(median(ms), 1), unit: "ms", note: `p90 ${round(percentile(sorted, 90), 1)} ms` },
    { section: S, metric: "requests accepted by B > 100 ms after A answered", value: late, unit: "" },
    {
      section: S,
      metric: "NOTIFY heard by a LISTEN client, vs A's response (median)",
      value: round(median(results.map((r) => r.notifyMs ?? NaN).filter(Number.isFinite)), 1),
      unit: "ms",
      note: "negative: before A's response",
    },
    {
      section: S,
      metric: "first refused request sent, vs A's response (median / max)",
      value: round(median(results.map((r) => r.firstRefusedSentMs)), 1),
      unit: "ms",
      note: `max ${round(Math.max(...results.map((r) => r.firstRefusedSentMs)), 1)} ms`,
    },
  ];
  return {
    id: "revocation",
    title: "4. Revocation propagation",
    rows,
    details: { trials: results, clients: CLIENTS },
    notes: [
      `${trials} trials; ${CLIENTS} clients loop on B's /api/v1/ping with the victim key (cached on B), the key is revoked through A's DELETE /api/v1/api-keys/{id}; a 401 that arrives before A's response counts as 0 ms.`,
    ],
  };
}
