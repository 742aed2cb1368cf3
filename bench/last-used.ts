// 5. Last-used writes: one key under steady load on two instances (D and E) of a database of their
// own, so that nothing else updates "ApiKey" meanwhile. UPDATEs counted by PostgreSQL
// (pg_stat_user_tables.n_tup_upd, delta over the window) and, per instance, by a bench-only
// trigger that records each updated row with the writer's application_name (PGAPPNAME).
import pg from "pg";
import {
  createDatabase,
  describeStatuses,
  insertKey,
  okShare,
  PORTS,
  round,
  sleep,
  startServer,
  targetRow,
  withClient,
  type Context,
  type Row,
  type SectionResult,
} from "./lib";

async function nTupUpd(url: string): Promise<number> {
  // A fresh connection: no cached statistics snapshot.
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: string }>(`SELECT n_tup_upd::text AS n FROM pg_stat_user_tables WHERE relname = 'ApiKey'`);
    return Number(rows[0]?.n ?? NaN);
  });
}

export async function lastUsed(ctx: Context): Promise<SectionResult> {
  const S = "5 last-used";
  const durationSec = ctx.opts.smoke ? 3 : Math.min(60, Number(process.env.BENCH_LAST_USED_SECONDS) || 60);
  const database = await createDatabase("lastused");
  const D = await startServer(ctx.opts, { name: "D", port: PORTS.D, databaseUrl: database.url });
  const E = await startServer(ctx.opts, { name: "E", port: PORTS.E, databaseUrl: database.url });
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  try {
    await sql.query(`
      CREATE TABLE bench_api_key_updates (key_id text, app text, at timestamptz DEFAULT clock_timestamp());
      CREATE FUNCTION bench_log_api_key_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO bench_api_key_updates (key_id, app) VALUES (NEW.id, current_setting('application_name'));
          RETURN NEW;
        END $$;
      CREATE TRIGGER bench_log_api_key_update AFTER UPDATE ON "ApiKey" FOR EACH ROW EXECUTE FUNCTION bench_log_api_key_update();`);
    const { id, key } = await insertKey(sql, { email: "adam@acme.test", name: "bench last used" });
    const before = await nTupUpd(database.url);
    const startedAt = new Date();
    const job = { connections: 5, durationSec, headers: { authorization: `Bearer ${key}` } };
    const [loadD, loadE] = await Promise.all([
      ctx.load.run({ ...job, url: `${D.url}/api/v1/ping` }),
      ctx.load.run({ ...job, url: `${E.url}/api/v1/ping` }),
    ]);
    const endedAt = new Date();
    // Freeze both servers so that no write after the window is counted, then give PostgreSQL time
    // to publish the backends' statistics (an idle backend reports within ~10 s).
    for (const s of [D, E]) s.child.kill("SIGSTOP");
    let logged: { key_id: string; app: string; at: Date }[] = [];
    let delta = NaN;
    try {
      logged = (await sql.query<{ key_id: string; app: string; at: Date }>(`SELECT key_id, app, at FROM bench_api_key_updates ORDER BY at`)).rows;
      const deadline = Date.now() + (ctx.opts.smoke ? 3_000 : 12_000);
      delta = (await nTupUpd(database.url)) - before;
      while (delta < logged.length && Date.now() < deadline) {
        await sleep(500);
        delta = (await nTupUpd(database.url)) - before;
      }
    } finally {
      for (const s of [D, E]) s.child.kill("SIGCONT");
    }
    for (const r of [loadD, loadE]) if (okShare(r, "200") < 0.999) throw new Error(`last-used load: ${describeStatuses(r)}`);

    const instances = 2;
    const perInstance = (app: string) => logged.filter((r) => r.key_id === id && r.app === app).length;
    const d = perInstance("paygentic-bench-D");
    const e = perInstance("paygentic-bench-E");
    const late = logged.filter((r) => r.at > endedAt).length;
    // The target is per minute and the window is at most 60 s: at most one UPDATE per instance.
    const window = `${durationSec} s window`;
    const rows: Row[] = [
      targetRow(S, `ApiKey n_tup_upd delta per instance (${window})`, round(delta / instances, 2), "", "<=", 1, `${delta} in total on ${instances} instances, ${loadD.requests + loadE.requests} authenticated requests`),
      { section: S, metric: `UPDATEs of the key by instance D / E (trigger, ${window})`, value: d, unit: "", note: `E: ${e}` },
    ];
    return {
      id: "last-used",
      title: "5. Last-used writes",
      rows,
      details: {
        durationSec,
        instances,
        requests: { D: loadD.requests, E: loadE.requests },
        nTupUpdDelta: delta,
        writesAfterWindow: late,
        updates: logged.map((r) => ({ app: r.app, keyId: r.key_id, atSec: round((r.at.getTime() - startedAt.getTime()) / 1000, 2) })),
      },
      notes: [
        `One key, ${durationSec} s of steady load (5 connections on each of instances D and E, a database of their own). n_tup_upd of "ApiKey" read before and after (servers paused after the window until the statistics settled); a bench-only row trigger attributes each UPDATE to an instance.`,
        ...(ctx.opts.smoke ? [`Smoke mode: a ${durationSec} s window says little about a per-minute rate.`] : []),
      ],
    };
  } finally {
    await sql.end().catch(() => {});
    await Promise.all([D.stop(), E.stop()]);
  }
}
