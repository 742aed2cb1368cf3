// 5. Last-used writes: one key under steady load on instances A and B at once; UPDATEs of "ApiKey"
// counted by PostgreSQL (pg_stat_user_tables.n_tup_upd, delta) and, per instance, by a bench-only
// trigger that records each updated row with the writer's application_name (PGAPPNAME).
import pg from "pg";
import { insertKey, okShare, round, sleep, targetRow, describeStatuses, type Context, type Row, type SectionResult } from "./lib";

async function nTupUpd(url: string): Promise<number> {
  // A fresh connection: no cached statistics snapshot.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT n_tup_upd::text AS n FROM pg_stat_user_tables WHERE relname = 'ApiKey'`);
    return Number(rows[0]?.n ?? NaN);
  } finally {
    await client.end();
  }
}

export async function lastUsed(ctx: Context): Promise<SectionResult> {
  const S = "5 last-used";
  const durationSec = ctx.opts.smoke ? 3 : Math.min(60, Number(process.env.BENCH_LAST_USED_SECONDS) || 60);
  const A = await ctx.serverA();
  const B = await ctx.serverB();
  const sql = await ctx.sql();
  await sql.query(`
    CREATE TABLE IF NOT EXISTS bench_api_key_updates (key_id text, app text, at timestamptz DEFAULT clock_timestamp());
    CREATE OR REPLACE FUNCTION bench_log_api_key_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO bench_api_key_updates (key_id, app) VALUES (NEW.id, current_setting('application_name'));
        RETURN NEW;
      END $$;
    DROP TRIGGER IF EXISTS bench_log_api_key_update ON "ApiKey";
    CREATE TRIGGER bench_log_api_key_update AFTER UPDATE ON "ApiKey" FOR EACH ROW EXECUTE FUNCTION bench_log_api_key_update();`);
  const { id, key } = await insertKey(sql, { email: "adam@acme.test", name: "bench last used" });
  // Let earlier sections' pending last-used writes (flushed every 5 s) land before counting.
  await sleep(ctx.opts.smoke ? 0 : 6_000);
  const before = await nTupUpd(ctx.database.url);
  const startedAt = new Date();
  const job = { connections: 5, durationSec, headers: { authorization: `Bearer ${key}` } };
  const [loadA, loadB] = await Promise.all([
    ctx.load.run({ ...job, url: `${A.url}/api/v1/ping` }),
    ctx.load.run({ ...job, url: `${B.url}/api/v1/ping` }),
  ]);
  const endedAt = new Date();
  for (const r of [loadA, loadB]) if (okShare(r, "200") < 0.999) throw new Error(`last-used load: ${describeStatuses(r)}`);

  // PostgreSQL publishes a backend's table statistics up to ~10 s after it goes idle: poll.
  const { rows: logged } = await sql.query<{ key_id: string; app: string; at: Date }>(
    `SELECT key_id, app, at FROM bench_api_key_updates WHERE at >= $1 AND at <= $2 ORDER BY at`,
    [startedAt, endedAt],
  );
  let delta = (await nTupUpd(ctx.database.url)) - before;
  const deadline = Date.now() + (ctx.opts.smoke ? 2_000 : 12_000);
  while (delta < logged.length && Date.now() < deadline) {
    await sleep(500);
    delta = (await nTupUpd(ctx.database.url)) - before;
  }
  await sql.query(`DROP TRIGGER IF EXISTS bench_log_api_key_update ON "ApiKey"`);

  const perInstance = (app: string) => logged.filter((r) => r.key_id === id && r.app === app).length;
  const a = perInstance("paygentic-bench-A");
  const b = perInstance("paygentic-bench-B");
  // The target is per minute: the window is at most 60 s, so at most one UPDATE per instance.
  const window = `${durationSec} s window`;
  const rows: Row[] = [
    targetRow(S, `UPDATEs of the key by instance A (${window})`, a, "", "<=", 1),
    targetRow(S, `UPDATEs of the key by instance B (${window})`, b, "", "<=", 1),
    {
      section: S,
      metric: "ApiKey n_tup_upd delta during the load (both instances)",
      value: delta,
      unit: "rows",
      note: `${loadA.requests + loadB.requests} authenticated requests`,
    },
  ];
  return {
    id: "last-used",
    title: "5. Last-used writes",
    rows,
    details: {
      durationSec,
      requests: { A: loadA.requests, B: loadB.requests },
      nTupUpdDelta: delta,
      updates: logged.map((r) => ({ app: r.app, keyId: r.key_id, atSec: round((r.at.getTime() - startedAt.getTime()) / 1000, 2) })),
    },
    notes: [
      `One key, ${durationSec} s of steady load (5 connections on each of A and B). Counted with pg_stat_user_tables.n_tup_upd (delta) and a bench-only row trigger recording application_name.`,
      ...(ctx.opts.smoke ? ["Smoke mode: a 3 s window says little about a per-minute rate."] : []),
    ],
  };
}
