// The audit log's next page at depth: `listAuditEvents` by cursor at the top, the middle and the
// end of an organization's log (300,000 events by default; BENCH_AUDIT_EVENTS), timed in-process
// on PostgreSQL, with the plan of the query the app sends (captured at the pg driver) under
// EXPLAIN (ANALYZE, BUFFERS). A scratch database of its own, dropped at the end.
//   node --conditions=react-server --import tsx bench/audit-depth.ts
// Prints numbers only; nothing here is a pass or a fail.
import pg from "pg";
import { createDatabase, median, round, runCleanups, runMain } from "./lib";

const ORG = "depth_org";
const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS) || 300_000;
const RUNS = 15;

type Captured = { text: string; values: unknown[] };
let capturing: Captured[] | null = null;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const [config, values] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
  if (capturing) {
    const text = typeof config === "string" ? config : config?.text;
    const vals = typeof config === "string" ? values : (config?.values ?? values);
    if (text && /^\s*SELECT/i.test(text) && text.includes('"AuditEvent"')) capturing.push({ text, values: (vals as unknown[]) ?? [] });
  }
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

async function main(): Promise<void> {
  const database = await createDatabase("audit_depth");
  process.env.DATABASE_URL = database.url;
  process.env.SEED_DEMO_DATA = "false";
  process.env.AUTH_SECRET ??= "paygentic-bench-auth-secret-0123456789";
  delete process.env.PGLITE_DIR;
  // After DATABASE_URL is set: lib/env reads it once.
  const { ensureDatabase, sql } = await import("@/lib/platform/runtime");
  const { listAuditEvents } = await import("@/lib/domain/audit/log");
  const { encodeCursor } = await import("@/lib/platform/cursor");
  const { runtime } = await import("@/lib/platform/runtime");
  await ensureDatabase();

  // Generation through a client of its own: the app's pool has a statement timeout.
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  const started = Date.now();
  await admin.query(`INSERT INTO "Organization" (id, name, slug) VALUES ($1, 'Depth', $1), ('depth_other', 'Other', 'depth_other')`, [ORG]);
  await admin.query(`INSERT INTO "User" (id, email, name, "passwordHash") VALUES ('depth_user', 'depth@bench.test', 'Depth', 'x')`);
  // Pairs of events share a millisecond (ties on createdAt, broken by id), as a burst of revokes does.
  await admin.query(
    `INSERT INTO "AuditEvent" (id, "organizationId", "actorUserId", action, "targetType", "targetId", metadata, "createdAt")
     SELECT 'depth_a_' || lpad(i::text, 7, '0'), CASE WHEN i % 10 = 0 THEN 'depth_other' ELSE $1 END, 'depth_user',
            (ARRAY['api_key.created','api_key.revoked','api_key.updated','api_key.rolled'])[1 + i % 4],
            'api_key', 'k' || i, jsonb_build_object('name', 'key ' || i),
            (now() AT TIME ZONE 'UTC') - make_interval(secs => (i / 2) * 7)
       FROM generate_series(1, $2::int) AS i`,
    [ORG, Math.round(EVENTS / 0.9)],
  );
  await admin.query(`VACUUM ANALYZE "AuditEvent"`);
  const n = (await sql().query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE "organizationId" = $1`, [ORG]))[0]!.n;
  console.log(`${n.toLocaleString("en-US")} events in the organization (generated in ${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const explainer = admin;
  const limit = 50;
  for (const depth of [0, Math.round(n / 2), n - 5_000]) {
    let cursor: string | undefined;
    if (depth > 0) {
      const [row] = await sql().query<{ id: string; at: Date }>(
        `SELECT id, "createdAt" AT TIME ZONE 'UTC' AS at FROM "AuditEvent" WHERE "organizationId" = $1 ORDER BY "createdAt" DESC, id DESC OFFSET $2 LIMIT 1`,
        [ORG, depth - 1],
      );
      cursor = encodeCursor(new Date(row!.at), row!.id);
    }
    const times: number[] = [];
    let captured: Captured[] = [];
    for (let i = 0; i <= RUNS; i++) {
      capturing = i === RUNS ? [] : null;
      const t0 = performance.now();
      const page = await listAuditEvents({ organizationId: ORG, limit, cursor });
      if (i > 0) times.push(performance.now() - t0); // the first: plan and connection warm-up
      if (capturing) captured = capturing;
      capturing = null;
      if (page.events.length !== limit) throw new Error(`depth ${depth}: ${page.events.length} events`);
    }
    console.log(`\ndepth ${depth.toLocaleString("en-US")}: listAuditEvents(limit ${limit}) median ${round(median(times), 1)} ms, max ${round(Math.max(...times), 1)} ms (${RUNS} runs)`);
    for (const q of captured.filter((c) => /FROM "public"\."AuditEvent"|FROM "AuditEvent"/.test(c.text))) {
      const { rows } = await explainer.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, q.values);
      for (const r of rows) {
        const line = r["QUERY PLAN"];
        if (/Scan|Index Cond|Filter|Rows Removed|Execution Time|Buffers: shared/.test(line)) console.log(`  ${line.trim()}`);
      }
    }
  }
  await explainer.end();
  await runtime().close();
  await runCleanups();
}

runMain(main);
