// Section 9's in-process measurements on the million-key database (started by scale.ts as
// `node --conditions=react-server --import tsx bench/scale-worker.ts` with DATABASE_URL and
// SCALE_TASK; prints one `SCALE_RESULT {json}` line):
//   cold     verifyApiKey on SCALE_COLD distinct keys, each seen for the first time (miss → SQL)
//   cache    verifies SCALE_CACHE_KEYS distinct keys in a loop; process memory along the way
//   explain  the key list (listApiKeys) and audit log (listAuditEvents) queries the app sends,
//            captured at the pg driver, timed, and run again under EXPLAIN (ANALYZE, BUFFERS)
//   flush    request counting: SCALE_FLUSH_KEYS distinct keys per minute, the flush's duration
import { randomBytes } from "node:crypto";
import pg from "pg";
import { generateApiKey, hashApiKey } from "@/lib/domain/api-keys/format";
import { organizationRequestSeries, topKeysByRequests } from "@/lib/domain/api-keys/request-stats";
import { listApiKeys } from "@/lib/domain/api-keys/store";
import { ensureDatabase, runtime, sql, verifyApiKey } from "@/lib/platform/runtime";
import { listAuditEvents } from "@/lib/domain/audit/log";
import { env } from "@/lib/platform/config";

const ORG = process.env.SCALE_ORG_ID!;
const USER = process.env.SCALE_USER_ID!;
const SMALL_ORG = process.env.SCALE_SMALL_ORG_ID!;

type Stats = { n: number; p50: number; p90: number; p99: number; mean: number; max: number };
function stats(samplesMs: number[]): Stats {
  const sorted = Float64Array.from(samplesMs).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { n: sorted.length, p50: at(50), p90: at(90), p99: at(99), mean: sum / sorted.length, max: sorted[sorted.length - 1]! };
}

/** Real keys (their HMAC hashes) in the large organization, inserted in batches; returns the plaintexts. */
async function insertKeys(count: number): Promise<string[]> {
  const keys: string[] = [];
  const secret = env().apiKeyHashSecret;
  const batch = 10_000;
  for (let start = 0; start < count; start += batch) {
    const ids: string[] = [];
    const hashes: string[] = [];
    const last4s: string[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const { key, last4 } = generateApiKey("live");
      keys.push(key);
      ids.push(`scale_v_${randomBytes(8).toString("hex")}`);
      hashes.push(hashApiKey(key, secret));
      last4s.push(last4);
    }
    await sql().query(
      `INSERT INTO "ApiKey" (id, "organizationId", "userId", name, environment, prefix, last4, hash)
       SELECT id, $4, $5, 'scale verify', 'production', 'sk_live_', last4, hash
         FROM unnest($1::text[], $2::text[], $3::text[]) AS x(id, hash, last4)`,
      [ids, hashes, last4s, ORG, USER],
    );
  }
  return keys;
}

async function cacheReady(key: string): Promise<void> {
  await verifyApiKey(key);
  for (let i = 0; i < 200 && !runtime().keyCache.isEnabled(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!runtime().keyCache.isEnabled()) throw new Error("the verification cache never became enabled");
}

async function cold() {
  const n = Number(process.env.SCALE_COLD) || 2_000;
  const keys = await insertKeys(n + 50);
  await cacheReady(keys[n]!);
  for (const k of keys.slice(n + 1)) await verifyApiKey(k); // connection and plan warm-up
  const samples: number[] = [];
  for (const key of keys.slice(0, n)) {
    const started = process.hrtime.bigint();
    const result = await verifyApiKey(key);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!result.ok) throw new Error(`verification failed: ${result.code}`);
  }
  return { cold: stats(samples) };
}

async function cache() {
  const n = Number(process.env.SCALE_CACHE_KEYS) || 100_000;
  const concurrency = 16;
  const insertStarted = Date.now();
  const keys = await insertKeys(n);
  const insertSec = (Date.now() - insertStarted) / 1000;
  await cacheReady(keys[0]!);
  global.gc?.();
  const base = process.memoryUsage();
  const samples: { verified: number; rssMiB: number; heapUsedMiB: number }[] = [];
  const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  let next = 0;
  let verified = 0;
  const started = Date.now();
  const every = Math.max(1_000, Math.floor(n / 50));
  const worker = async () => {
    while (next < n) {
      const key = keys[next++]!;
      const result = await verifyApiKey(key);
      if (!result.ok) throw new Error(`verification failed: ${result.code}`);
      verified++;
      if (verified % every === 0) {
        global.gc?.();
        const m = process.memoryUsage();
        samples.push({ verified, rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed) });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (Date.now() - started) / 1000;
  // Bytes per cached key: the heap grows until the cache reaches its bound, then stays.
  const bound = 20_000; // lib/domain/api-keys/cache.ts: records max
  const atBound = samples.find((s) => s.verified >= bound) ?? samples[0]!;
  global.gc?.();
  const end = process.memoryUsage();
  // The keys array itself (n strings) is the bench's, not the cache's: measured alone.
  return {
    keys: n,
    insertSec,
    seconds,
    verifiesPerSec: n / seconds,
    baseline: { rssMiB: mib(base.rss), heapUsedMiB: mib(base.heapUsed) },
    end: { rssMiB: mib(end.rss), heapUsedMiB: mib(end.heapUsed) },
    atBound,
    bytesPerKey: ((atBound.heapUsedMiB - mib(base.heapUsed)) * 2 ** 20) / Math.min(bound, atBound.verified),
    samples,
  };
}

// ── SQL capture at the driver: every query the app's pool sends while `capturing` is on ──
type Captured = { text: string; values: unknown[] };
let capturing: Captured[] | null = null;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const [config, values] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
  if (capturing) {
    const text = typeof config === "string" ? config : config?.text;
    const vals = typeof config === "string" ? values : (config?.values ?? values);
    if (text && /^\s*SELECT/i.test(text)) capturing.push({ text, values: (vals as unknown[]) ?? [] });
  }
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

async function explainAll(captured: Captured[]) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const out = [];
    for (const q of captured) {
      const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, q.values);
      const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      const indexes = [...new Set([...plan.matchAll(/(?:Index|Index Only|Bitmap Index) Scan(?: Backward)? (?:using|on) "?([A-Za-z0-9_]+)"?/g)].map((m) => m[1]!))];
      const seqScans = [...new Set([...plan.matchAll(/Seq Scan on "?([A-Za-z0-9_]+)"?/g)].map((m) => m[1]!))];
      const time = /Execution Time: ([0-9.]+) ms/.exec(plan);
      out.push({ sql: q.text.replace(/\s+/g, " ").slice(0, 600), indexes, seqScans, executionMs: time ? Number(time[1]) : null, plan });
    }
    return out;
  } finally {
    await client.end();
  }
}

async function explain() {
  // Page 2,000 of 25 (40 in --smoke, whose large organization has 2,000 keys).
  const deep = Number(process.env.SCALE_DEEP_PAGE) || 2_000;
  const views: { name: string; organizationId: string; query: Parameters<typeof listApiKeys>[0]["query"] }[] = [
    { name: "10 keys, default view", organizationId: SMALL_ORG, query: { status: "active", sort: "created", dir: "desc", page: 1, size: 25 } },
    { name: "100k keys, default view", organizationId: ORG, query: { status: "active", sort: "created", dir: "desc", page: 1, size: 25 } },
    { name: "100k keys, search by last 4", organizationId: ORG, query: { status: "active", q: process.env.SCALE_LAST4 ?? "0042", sort: "created", dir: "desc", page: 1, size: 25 } },
    { name: "100k keys, Inactive filter", organizationId: ORG, query: { status: "inactive", sort: "created", dir: "desc", page: 1, size: 25 } },
    { name: "100k keys, page 2,000 by cursor", organizationId: ORG, query: { status: "active", sort: "created", dir: "desc", page: deep, size: 25, cursor: "" } },
    { name: "100k keys, page 2,000 by offset", organizationId: ORG, query: { status: "active", sort: "created", dir: "desc", page: deep, size: 25 } },
  ];
  // The deep page as the list reaches it: Next's cursor from the page before (read once by offset, untimed).
  const cursor = (await listApiKeys({ organizationId: ORG, query: { status: "active", sort: "created", dir: "desc", page: deep - 1, size: 25 } })).nextCursor;
  if (!cursor) throw new Error(`page ${deep - 1} of the large organization has no next page`);
  views[4]!.query.cursor = cursor;
  const results = [];
  for (const view of views) {
    const times: number[] = [];
    let captured: Captured[] = [];
    let rows = 0;
    for (let i = 0; i < 6; i++) {
      capturing = i === 5 ? [] : null;
      const started = performance.now();
      const page = await listApiKeys({ organizationId: view.organizationId, query: view.query as never });
      if (i > 0) times.push(performance.now() - started); // the first: plan/connection warm-up
      if (capturing) captured = capturing;
      capturing = null;
      rows = page.rows.length;
    }
    results.push({ name: view.name, rows, ms: stats(times), queries: await explainAll(captured) });
  }
  // The audit log's first page (50 events, no filter), as the page asks for it.
  const times: number[] = [];
  let captured: Captured[] = [];
  for (let i = 0; i < 6; i++) {
    capturing = i === 5 ? [] : null;
    const started = performance.now();
    await listAuditEvents({ organizationId: ORG, limit: 50 });
    if (i > 0) times.push(performance.now() - started);
    if (capturing) captured = capturing;
    capturing = null;
  }
  results.push({ name: "audit log, first page (1M events)", rows: 50, ms: stats(times), queries: await explainAll(captured) });
  // The key page's organization panel (requests by day, top keys; 30 days), as the page computes it
  // when its per-organization cache is cold: every count row of the organization in the window.
  const activityTimes: number[] = [];
  let activityCaptured: Captured[] = [];
  for (let i = 0; i < 4; i++) {
    capturing = i === 3 ? [] : null;
    const started = performance.now();
    await Promise.all([
      organizationRequestSeries({ organizationId: ORG, days: 30 }),
      topKeysByRequests({ organizationId: ORG, days: 30, limit: 5 }),
    ]);
    if (i > 0) activityTimes.push(performance.now() - started);
    if (capturing) activityCaptured = capturing;
    capturing = null;
  }
  results.push({ name: "organization activity panel, uncached", rows: 30, ms: stats(activityTimes), queries: await explainAll(activityCaptured) });
  return { views: results, cursor };
}

async function flush() {
  const perMinute = Number(process.env.SCALE_FLUSH_KEYS) || 10_000;
  const minutes = Number(process.env.SCALE_FLUSH_MINUTES) || 3;
  const rows = await sql().query<{ id: string }>(`SELECT id FROM "ApiKey" WHERE "organizationId" = $1 LIMIT $2`, [ORG, perMinute]);
  const ids = rows.map((r) => r.id);
  const rt = runtime();
  const counts = rt.requestCounts;
  // Minutes in the past (finished), one after the other; 3 requests per key per minute, a few refused.
  const t0 = Math.floor(Date.now() / 60_000) * 60_000 - (minutes + 2) * 60_000;
  const flushes = [];
  for (let m = 0; m < minutes; m++) {
    const at = t0 + m * 60_000 + 1_000;
    for (const id of ids) {
      counts.record(id, 200, undefined, at);
      counts.record(id, 200, undefined, at + 1);
      if (id.charCodeAt(id.length - 1) % 10 === 0) counts.record(id, 403, "insufficient_permissions", at + 2);
    }
    const started = performance.now();
    const result = await counts.flush({ now: at + 120_000 });
    flushes.push({ minute: m, ms: performance.now() - started, written: result.written, pending: result.pending, dropped: counts.dropped() });
  }
  return { keysPerMinute: perMinute, flushes };
}

async function main() {
  await ensureDatabase();
  const task = process.env.SCALE_TASK;
  const result = task === "cold" ? await cold() : task === "cache" ? await cache() : task === "explain" ? await explain() : task === "flush" ? await flush() : null;
  if (!result) throw new Error(`SCALE_TASK must be cold, cache, explain or flush (got ${task})`);
  console.log(`SCALE_RESULT ${JSON.stringify(result)}`);
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await runtime().close().catch(() => {});
    process.exit();
  });
