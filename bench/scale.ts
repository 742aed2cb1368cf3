// 9. A million keys (`npm run bench -- --scale`, or `npm run bench:scale` for this section alone).
// A database of its own, filled by generate_series in PostgreSQL (seconds, not minutes):
//   1,000 organizations × 5 members; 1,000,000 keys, 100,000 of them in one organization and ~900
//   in each other (5 % revoked, 10 % with an expiry, 60 % used in the last 30 days, 20 % earlier,
//   20 % never); per-day request counts for 50,000 keys × 10 days and per-minute counts for 10,000
//   keys × 30 minutes; 1,000,000 audit events in the large organization and 100 in each other.
// Measured: cold verification at 10k keys and at 1M (before and after the bulk insert, same
// database), the key page of the 100k-key organization (4 views, by HTTP, and its SQL under EXPLAIN
// ANALYZE with the indexes it used), the audit log's first page and CSV export (server memory
// sampled while it streams), the verification cache's memory while N distinct keys are verified,
// and the request-count flush at 10,000 active keys per minute. In-process parts: scale-worker.ts.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import {
  AUTH_SECRET,
  createDatabase,
  median,
  onCleanup,
  PORT_BASE,
  ROOT,
  round,
  signIn,
  startServer,
  targetRow,
  type Context,
  type Row,
  type SectionResult,
  type Server,
} from "./lib";

const BIG = "scale_org_0";
const SMALL = "scale-small";
const ADMIN = "scale-admin@bench.test";

type Sizes = { keys: number; big: number; orgs: number; audit: number; dayKeys: number; minuteKeys: number; cacheKeys: number; flushKeys: number; cold: number };

function sizes(smoke: boolean): Sizes {
  if (smoke) return { keys: 20_000, big: 2_000, orgs: 50, audit: 20_000, dayKeys: 1_000, minuteKeys: 500, cacheKeys: 3_000, flushKeys: 1_000, cold: 100 };
  return {
    keys: 1_000_000,
    big: 100_000,
    orgs: 1_000,
    audit: 1_000_000,
    dayKeys: 50_000,
    minuteKeys: 10_000,
    cacheKeys: Number(process.env.BENCH_SCALE_CACHE_KEYS) || 50_000,
    flushKeys: 10_000,
    cold: 2_000,
  };
}

const UTC_NOW = `(now() AT TIME ZONE 'UTC')`;

/** Keys number `from`..`to` (1-based): the first `big` in the large organization, the rest spread over the others. */
async function insertKeys(sql: pg.Client, s: Sizes, from: number, to: number): Promise<void> {
  await sql.query(
    `INSERT INTO "ApiKey" (id, "organizationId", "userId", name, environment, prefix, last4, hash, "createdAt", "lastUsedAt", "revokedAt", "expiresAt")
     SELECT 'scale_k_' || i, 'scale_org_' || o, 'scale_u_' || o || '_' || (i % 5), 'key ' || i,
            (ARRAY['production','staging','development'])[1 + i % 3]::"Environment",
            CASE WHEN i % 3 = 0 THEN 'sk_live_' ELSE 'sk_test_' END, lpad((i % 10000)::text, 4, '0'),
            encode(sha256(('scale:' || i)::bytea), 'hex'),
            ${UTC_NOW} - make_interval(days => 8 + i % 700, secs => i % 86400),
            CASE WHEN i % 10 < 6 THEN ${UTC_NOW} - make_interval(secs => i % 2592000)
                 WHEN i % 10 < 8 THEN ${UTC_NOW} - make_interval(days => 31 + i % 300) END,
            CASE WHEN i % 20 = 0 THEN ${UTC_NOW} - make_interval(days => i % 30) END,
            CASE WHEN i % 10 = 3 THEN ${UTC_NOW} + make_interval(days => i % 90) END
       FROM generate_series($1::int, $2::int) AS i,
            LATERAL (SELECT CASE WHEN i <= $3 THEN 0 ELSE 1 + i % ($4 - 1) END AS o) AS x`,
    [from, to, s.big, s.orgs],
  );
}

async function generate(sql: pg.Client, s: Sizes, log: (l: string) => void, phase: "base" | "rest"): Promise<number> {
  const started = Date.now();
  if (phase === "base") {
    await sql.query(`INSERT INTO "Organization" (id, name, slug) SELECT 'scale_org_' || o, 'Scale ' || o, 'scale_org_' || o FROM generate_series(0, $1 - 1) AS o`, [s.orgs]);
    await sql.query(`INSERT INTO "Organization" (id, name, slug) VALUES ($1, 'Scale small', $1)`, [SMALL]);
    await sql.query(
      `INSERT INTO "User" (id, email, name, "passwordHash")
       SELECT 'scale_u_' || o || '_' || j, 'scale-' || o || '-' || j || '@bench.test', 'Scale user ' || o || '/' || j, (SELECT "passwordHash" FROM "User" WHERE email = 'adam@acme.test')
         FROM generate_series(0, $1 - 1) AS o, generate_series(0, 4) AS j`,
      [s.orgs],
    );
    await sql.query(
      `INSERT INTO "Membership" (id, "organizationId", "userId", role)
       SELECT 'scale_m_' || o || '_' || j, 'scale_org_' || o, 'scale_u_' || o || '_' || j, (CASE WHEN j = 0 THEN 'owner' WHEN j = 1 THEN 'admin' ELSE 'developer' END)::"Role"
         FROM generate_series(0, $1 - 1) AS o, generate_series(0, 4) AS j`,
      [s.orgs],
    );
    // The signed-in admin of the large and the small organization (the demo password).
    await sql.query(`INSERT INTO "User" (id, email, name, "passwordHash") SELECT 'scale_admin', $1, 'Scale Admin', "passwordHash" FROM "User" WHERE email = 'adam@acme.test'`, [ADMIN]);
    await sql.query(`INSERT INTO "Membership" (id, "organizationId", "userId", role) VALUES ('scale_m_admin_big', $1, 'scale_admin', 'admin'), ('scale_m_admin_small', $2, 'scale_admin', 'admin')`, [BIG, SMALL]);
    await sql.query(
      `INSERT INTO "ApiKey" (id, "organizationId", "userId", name, environment, prefix, last4, hash, "createdAt")
       SELECT 'scale_small_' || i, $1, 'scale_admin', 'small ' || i, 'production', 'sk_live_', lpad(i::text, 4, '0'), encode(sha256(('small:' || i)::bytea), 'hex'), ${UTC_NOW} - make_interval(mins => i)
         FROM generate_series(1, 10) AS i`,
      [SMALL],
    );
    // 10,000 keys (1 % of the final table), the first phase of the cold-verification comparison.
    await insertKeys(sql, { ...s, big: Math.min(s.big, s.keys / 100) }, 1, s.keys / 100);
  } else {
    // The rest: the large organization's keys first (their numbers continue), then everyone else's.
    await insertKeys(sql, s, s.keys / 100 + 1, s.keys);
    await sql.query(
      `INSERT INTO "ApiKeyRequestsDay" ("apiKeyId", "organizationId", day, succeeded, refused, failed, refusals)
       SELECT 'scale_k_' || k, CASE WHEN k <= $3 THEN $4 ELSE 'scale_org_' || (1 + k % ($5 - 1)) END,
              date_trunc('day', ${UTC_NOW}) - make_interval(days => d), 50 + k % 500, k % 7, CASE WHEN k % 97 = 0 THEN 1 ELSE 0 END,
              CASE WHEN k % 7 = 0 THEN '{}'::jsonb ELSE jsonb_build_object('insufficient_permissions', k % 7) END
         FROM generate_series(1, $1::int) AS k, generate_series(1, $2::int) AS d`,
      [s.dayKeys, 10, s.big, BIG, s.orgs],
    );
    await sql.query(
      `INSERT INTO "ApiKeyRequestsMinute" ("apiKeyId", "organizationId", minute, succeeded, refused, failed, refusals)
       SELECT 'scale_k_' || k, $3, date_trunc('minute', ${UTC_NOW}) - make_interval(mins => m), 1 + k % 20, 0, 0, '{}'::jsonb
         FROM generate_series(1, $1::int) AS k, generate_series(1, $2::int) AS m`,
      [s.minuteKeys, 30, BIG],
    );
    await sql.query(
      `INSERT INTO "AuditEvent" (id, "organizationId", "actorUserId", action, "targetType", "targetId", ip, "userAgent", metadata, "createdAt")
       SELECT 'scale_a_' || i, $2, 'scale_u_0_' || (i % 5), (ARRAY['api_key.created','api_key.revoked','api_key.updated','api_key.rolled'])[1 + i % 4],
              'api_key', 'scale_k_' || (1 + i % $3), '203.0.113.' || (i % 250), 'bench/1.0', jsonb_build_object('name', 'key ' || (1 + i % $3)),
              ${UTC_NOW} - make_interval(secs => i * 20)
         FROM generate_series(1, $1::int) AS i`,
      [s.audit, BIG, s.big],
    );
    await sql.query(
      `INSERT INTO "AuditEvent" (id, "organizationId", "actorUserId", action, "targetType", "targetId", "createdAt")
       SELECT 'scale_ao_' || o || '_' || i, 'scale_org_' || o, 'scale_u_' || o || '_0', 'api_key.created', 'api_key', 'scale_k_' || o, ${UTC_NOW} - make_interval(hours => i)
         FROM generate_series(1, $1 - 1) AS o, generate_series(1, 100) AS i`,
      [s.orgs],
    );
  }
  await sql.query(`VACUUM ANALYZE`);
  const sec = (Date.now() - started) / 1000;
  log(`  generated the ${phase === "base" ? "first 1 %" : "rest"} in ${sec.toFixed(1)} s`);
  return sec;
}

// ───────────────────────────── the in-process worker ─────────────────────────────

function runWorker(databaseUrl: string, task: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      AUTH_SECRET,
      SEED_DEMO_DATA: "false",
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      SCALE_TASK: task,
      SCALE_ORG_ID: BIG,
      SCALE_SMALL_ORG_ID: SMALL,
      SCALE_USER_ID: "scale_u_0_1",
      ...env,
    };
    delete childEnv.NODE_OPTIONS;
    delete childEnv.PGLITE_DIR;
    const child = spawn(process.execPath, ["--expose-gc", "--conditions=react-server", "--import", "tsx", path.join(__dirname, "scale-worker.ts")], {
      cwd: ROOT,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const kill = onCleanup(`stop scale worker (${task})`, () => void child.kill("SIGKILL"));
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.on("error", reject);
    child.on("exit", (code) => {
      kill();
      const line = out.split("\n").find((l) => l.startsWith("SCALE_RESULT "));
      if (code !== 0 || !line) return reject(new Error(`scale worker (${task}) failed (exit ${code}):\n${out.slice(-3000)}`));
      resolve(JSON.parse(line.slice("SCALE_RESULT ".length)) as Record<string, unknown>);
    });
  });
}

// ───────────────────────────── HTTP: pages and the export ─────────────────────────────

async function timePage(url: string, cookie: string, expect: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { Cookie: cookie }, redirect: "manual" });
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200 || !body.includes(expect)) throw new Error(`${url}: HTTP ${response.status}${response.status === 200 ? ` without "${expect}"` : ""}`);
  return ms;
}

function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

async function timeExport(server: Server, url: string, cookie: string, limitSec: number) {
  const pid = server.child.pid!;
  const rss: number[] = [rssMiB(pid)];
  const timer = setInterval(() => rss.push(rssMiB(pid)), 200);
  const started = performance.now();
  let bytes = 0;
  let lines = 0;
  let firstByteMs = NaN;
  let complete = false;
  try {
    const response = await fetch(url, { headers: { Cookie: cookie }, signal: AbortSignal.timeout(limitSec * 1000) });
    if (response.status !== 200 || !response.body) throw new Error(`export: HTTP ${response.status}`);
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - started;
        bytes += value.byteLength;
        for (const b of value) if (b === 10) lines++;
      }
      complete = true;
    } catch (error) {
      if (!(error instanceof Error && /abort|timeout/i.test(error.name + error.message))) throw error;
    }
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  const finite = rss.filter(Number.isFinite);
  return { complete, seconds, bytes, rows: Math.max(0, lines - 1), firstByteMs, rssStartMiB: finite[0] ?? NaN, rssMaxMiB: Math.max(...finite), rssSamples: finite.map((v) => round(v, 0)) };
}

// ───────────────────────────── the section ─────────────────────────────

type Stats = { n: number; p50: number; p90: number; p99: number; mean: number; max: number };
type ExplainView = { name: string; rows: number; ms: Stats; queries: { sql: string; indexes: string[]; seqScans: string[]; executionMs: number | null; plan: string }[] };

export async function scale(ctx: Context): Promise<SectionResult> {
  const S = "9 scale";
  const { smoke, log } = ctx.opts;
  const s = sizes(smoke);
  const database = await createDatabase("scale");
  // Its own server: migrates and seeds the demo data (whose password hash the scale users copy).
  const server = await startServer(ctx.opts, { name: "S", port: PORT_BASE + 6, databaseUrl: database.url });
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  onCleanup("close scale connection", () => sql.end().catch(() => {}));

  const generation: Record<string, number> = {};
  generation.baseSec = await generate(sql, s, log, "base");
  const cold10k = (await runWorker(database.url, "cold", { SCALE_COLD: String(s.cold) })) as { cold: Stats };
  generation.restSec = await generate(sql, s, log, "rest");
  const cold1M = (await runWorker(database.url, "cold", { SCALE_COLD: String(s.cold) })) as { cold: Stats };
  const counts = (
    await sql.query<{ keys: string; big: string; audit: string; days: string; minutes: string; bytes: string; panelRows: string }>(
      `SELECT (SELECT count(*) FROM "ApiKey")::text AS keys, (SELECT count(*) FROM "ApiKey" WHERE "organizationId" = $1)::text AS big,
              (SELECT count(*) FROM "AuditEvent")::text AS audit, (SELECT count(*) FROM "ApiKeyRequestsDay")::text AS days,
              (SELECT count(*) FROM "ApiKeyRequestsMinute")::text AS minutes, pg_database_size(current_database())::text AS bytes,
              ((SELECT count(*) FROM "ApiKeyRequestsDay" WHERE "organizationId" = $1) + (SELECT count(*) FROM "ApiKeyRequestsMinute" WHERE "organizationId" = $1))::text AS "panelRows"`,
      [BIG],
    )
  ).rows[0]!;
  log(`  ${counts.keys} keys (${counts.big} in the large organization), ${counts.audit} audit events, ${counts.days} day rows, ${counts.minutes} minute rows, ${round(Number(counts.bytes) / 2 ** 30, 2)} GiB`);

  // The SQL of the key page and the audit log, in-process, under EXPLAIN ANALYZE.
  const deep = smoke ? 40 : 2_000;
  const explain = (await runWorker(database.url, "explain", { SCALE_DEEP_PAGE: String(deep) })) as { views: ExplainView[]; cursor: string };

  // The pages by HTTP, as a signed-in admin: server response time, median of 5 after 2 warm-ups.
  const cookie = await signIn(server.url, ADMIN);
  const keysUrl = (slug: string, query = "") => `${server.url}/${slug}/settings/api-keys?scope=all${query}`;
  const pages: [string, string, string][] = [
    ["10 keys, default view", keysUrl(SMALL), "API Keys"],
    ["100k keys, default view", keysUrl(BIG), "API Keys"],
    ["100k keys, search by last 4", keysUrl(BIG, "&q=0042"), "API Keys"],
    ["100k keys, Inactive filter", keysUrl(BIG, "&status=inactive"), "API Keys"],
    // As Next reaches it (a cursor), and as a typed ?page=2000 (an offset).
    ["100k keys, page 2,000 by cursor", keysUrl(BIG, `&page=${deep}&cursor=${explain.cursor}`), "API Keys"],
    ["100k keys, page 2,000 by offset", keysUrl(BIG, `&page=${deep}`), "API Keys"],
    ["audit log, first page (1M events)", `${server.url}/${BIG}/settings/audit-log`, "Audit log"],
  ];
  // The ratios to the 10-key page compare pages of 10 rows each (?size=10): drawing 25 rows instead
  // of 10 costs ~10 ms of rendering whatever the organization's size, and the question is the keys.
  const RATIO_VIEWS = ["100k keys, default view", "100k keys, search by last 4", "100k keys, Inactive filter", "100k keys, page 2,000 by cursor"];
  for (const [name, url, expect] of pages.filter(([name]) => RATIO_VIEWS.includes(name))) pages.push([`${name}, 10 rows`, `${url}&size=10`, expect]);
  const pageMs: Record<string, number[]> = Object.fromEntries(pages.map(([name]) => [name, []]));
  for (let i = 0; i < 7; i++) {
    for (const [name, url, expect] of pages) {
      const ms = await timePage(url, cookie, expect);
      if (i >= 2) pageMs[name]!.push(ms);
    }
  }
  const page = (name: string) => round(median(pageMs[name]!), 1);
  const exportResult = await timeExport(server, `${server.url}/${BIG}/settings/audit-log/export`, cookie, smoke ? 30 : Number(process.env.BENCH_SCALE_EXPORT_SECONDS) || 20);

  // The verification cache and the request-count flush.
  const cache = (await runWorker(database.url, "cache", { SCALE_CACHE_KEYS: String(s.cacheKeys) })) as {
    keys: number;
    seconds: number;
    baseline: { rssMiB: number; heapUsedMiB: number };
    end: { rssMiB: number; heapUsedMiB: number };
    atBound: { verified: number; rssMiB: number; heapUsedMiB: number };
    bytesPerKey: number;
    samples: { verified: number; rssMiB: number; heapUsedMiB: number }[];
  };
  type Flush = { keysPerMinute: number; flushes: { minute: number; ms: number; written: number; pending: number; dropped: number }[] };
  let flush: Flush | null = null;
  let flushError: string | null = null;
  try {
    flush = (await runWorker(database.url, "flush", { SCALE_FLUSH_KEYS: String(s.flushKeys) })) as Flush;
  } catch (error) {
    flushError = error instanceof Error ? error.message.split("\n").slice(0, 3).join(" ") : String(error);
  }
  await server.stop();

  // ── rows ──
  const view = (name: string) => explain.views.find((v) => v.name === name)!;
  const indexNote = (v: ExplainView) =>
    v.queries
      .map((q) => `${q.indexes.length ? q.indexes.join(", ") : "no index"}${q.seqScans.length ? `; Seq Scan on ${q.seqScans.join(", ")}` : ""} (${q.executionMs ?? "?"} ms)`)
      .join(" | ");
  const small = page("10 keys, default view");
  const keyLabel = `${(Number(counts.keys) / 1e6).toFixed(2)}M keys`;
  const rows: Row[] = [
    targetRow(S, `cold verification p50 at ${keyLabel}`, round(cold1M.cold.p50, 3), "ms", "<=", 1, `p99 ${round(cold1M.cold.p99, 3)} ms; at 10k keys p50 ${round(cold10k.cold.p50, 3)} / p99 ${round(cold10k.cold.p99, 3)} ms`),
    targetRow(S, "cold verification p50, 1M keys / 10k keys", round(cold1M.cold.p50 / cold10k.cold.p50, 3), "×", "<=", 1.2),
    { section: S, metric: "key page, 10 keys (median)", value: small, unit: "ms", note: `SQL ${round(view("10 keys, default view").ms.p50, 1)} ms in-process` },
  ];
  for (const name of RATIO_VIEWS) {
    const v = view(name);
    const tenRows = page(`${name}, 10 rows`);
    rows.push(targetRow(S, `key page, ${name} (median)`, page(name), "ms", "<=", 300, `25 rows; listApiKeys ${round(v.ms.p50, 1)} ms; ${indexNote(v)}`));
    rows.push(
      targetRow(S, `key page, ${name} / 10 keys`, round(tenRows / small, 2), "×", "<=", 1.5, `10 rows each: ${tenRows} vs ${small} ms (with 25 rows: ×${round(page(name) / small, 2)})`),
    );
  }
  // The same page from a typed ?page=2000 (no cursor): an OFFSET, kept for links; not what Next does.
  const offset = view("100k keys, page 2,000 by offset");
  rows.push({
    section: S,
    metric: "key page, 100k keys, page 2,000 by offset (?page= alone; median)",
    value: page("100k keys, page 2,000 by offset"),
    unit: "ms",
    note: `listApiKeys ${round(offset.ms.p50, 1)} ms; ${indexNote(offset)}`,
  });
  const activity = view("organization activity panel, uncached");
  rows.push({
    section: S,
    metric: "key page's organization panel (30 days of counts), uncached, in-process (median)",
    value: round(activity.ms.p50, 1),
    unit: "ms",
    note: `${counts.panelRows} count rows in the organization, summed; streamed after the list (Suspense), then kept 60 s per organization and refreshed in the background (organizationActivity): the page times above reuse it; ${indexNote(activity)}`,
  });
  const audit = view("audit log, first page (1M events)");
  rows.push(targetRow(S, `audit log first page, ${s.audit.toLocaleString("en-US")} events in the organization (median)`, page("audit log, first page (1M events)"), "ms", "<=", 300, `listAuditEvents ${round(audit.ms.p50, 1)} ms; ${indexNote(audit)}`));
  rows.push({
    section: S,
    metric: `audit CSV export: rows streamed${exportResult.complete ? "" : " (stopped at the time limit)"}`,
    value: exportResult.rows,
    unit: "rows",
    note: `${round(exportResult.seconds, 1)} s, ${round(exportResult.bytes / 2 ** 20, 1)} MiB, ${round(exportResult.rows / exportResult.seconds, 0)} rows/s, first byte ${round(exportResult.firstByteMs, 0)} ms`,
  });
  // Constant memory means no growth with the rows streamed: the peak of the second half of the
  // export against the first half's (the garbage collector's sawtooth is in both).
  const halves = [exportResult.rssSamples.slice(0, exportResult.rssSamples.length / 2), exportResult.rssSamples.slice(exportResult.rssSamples.length / 2)];
  const [firstPeak, secondPeak] = halves.map((h) => (h.length ? Math.max(...h) : NaN));
  rows.push({
    section: S,
    metric: "audit CSV export: server RSS peak, second half of the stream − first half",
    value: round(secondPeak! - firstPeak!, 1),
    unit: "MiB",
    note: `peaks ${firstPeak} and ${secondPeak} MiB (start ${round(exportResult.rssStartMiB, 0)} MiB; sampled every 200 ms, GC sawtooth ${Math.min(...halves[1]!)}–${secondPeak} MiB) for ${round(exportResult.bytes / 2 ** 20, 1)} MiB of CSV`,
  });
  rows.push({ section: S, metric: "verification cache: bytes per cached key (heap)", value: round(cache.bytesPerKey, 0), unit: "B", note: "bound 20,000 keys (lib/domain/api-keys/cache.ts), + 20,000 unknown hashes" });
  const tail = cache.samples.slice(-Math.max(2, Math.floor(cache.samples.length / 2)));
  rows.push({
    section: S,
    metric: `verification cache: RSS after ${cache.keys.toLocaleString("en-US")} distinct keys`,
    value: round(cache.end.rssMiB, 1),
    unit: "MiB",
    note: `at the bound (${cache.atBound.verified.toLocaleString("en-US")} keys) ${cache.atBound.rssMiB} MiB; heap used over the second half ${round(Math.min(...tail.map((t) => t.heapUsedMiB)), 1)}–${round(Math.max(...tail.map((t) => t.heapUsedMiB)), 1)} MiB (plateau); ${round(cache.keys / cache.seconds, 0)} verifications/s`,
  });
  if (flush) {
    const f = flush.flushes;
    rows.push({
      section: S,
      metric: `request-count flush, ${flush.keysPerMinute.toLocaleString("en-US")} active keys/minute (median)`,
      value: round(median(f.map((x) => x.ms)), 1),
      unit: "ms",
      note: `${round(median(f.map((x) => x.written)), 0)} rows written per minute; max ${round(Math.max(...f.map((x) => x.ms)), 1)} ms; ${f.at(-1)!.dropped} dropped`,
    });
  } else {
    rows.push({ section: S, metric: "request-count flush: not measured", value: null, unit: "", note: flushError ?? "" });
  }

  return {
    id: "scale",
    title: "9. A million keys",
    rows,
    details: {
      sizes: s,
      counts,
      generation,
      cold10k,
      cold1M,
      pages: pageMs,
      explain: explain.views,
      export: exportResult,
      cache,
      flush,
      flushError,
    },
    notes: [
      `Generated with generate_series: ${Number(counts.keys).toLocaleString("en-US")} keys over ${s.orgs.toLocaleString("en-US")} organizations (${Number(counts.big).toLocaleString("en-US")} in one), ${Number(counts.audit).toLocaleString("en-US")} audit events, ${Number(counts.days).toLocaleString("en-US")} day and ${Number(counts.minutes).toLocaleString("en-US")} minute request-count rows, in ${round((generation.baseSec ?? 0) + (generation.restSec ?? 0), 0)} s; database ${round(Number(counts.bytes) / 2 ** 30, 2)} GiB.`,
      `Cold verification: verifyApiKey in-process on ${s.cold.toLocaleString("en-US")} distinct keys, each seen for the first time, with 10k keys in the table and again with the full table (same database).`,
      "Pages: server response time by HTTP as a signed-in admin, median of 5 after 2 warm-ups; the same queries captured at the pg driver and run under EXPLAIN (ANALYZE, BUFFERS) (details.explain has the plans).",
      `Cache: ${cache.keys.toLocaleString("en-US")} distinct keys verified in one process (16 at a time), memory sampled after a GC every ${Math.max(1_000, Math.floor(cache.keys / 50)).toLocaleString("en-US")} (BENCH_SCALE_CACHE_KEYS=1000000 for the full million).`,
    ],
  };
}
