// 10. Request counting (lib/domain/api-keys/request-counts.ts), on a database of its own with three
// production servers: F and G count requests (the default), H runs with REQUEST_COUNTS=off.
//
//  a. What counting costs on the request path: the auth-overhead ratio of section 1
//     (/api/v1/ping vs /api/health, req/s) on F (counting) and on H (not counting), interleaved
//     and side by side (health on F ‖ H, then ping on F ‖ H, …): the difference of the two ratios.
//     And record() itself, timed in-process: the request path's whole share of counting.
//  b. What it writes: 60 s of full load on F and G (two keys each, one of them shared), then both
//     stopped the way a deployment stops them (SIGTERM: the pending counts are written). Every row
//     write to "ApiKeyRequestsMinute" is recorded by a bench-only trigger with the writer's
//     application_name: at most one write per (key, minute, instance) is the target; the
//     n_tup_ins + n_tup_upd delta of the table is printed beside it. And the counts must add up:
//     the requests counted in the table against the 200s the load generator received.
import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import {
  AUTH_SECRET,
  createDatabase,
  describeStatuses,
  insertKey,
  median,
  okShare,
  onCleanup,
  PORT_BASE,
  processTreeCpuMs,
  ROOT,
  round,
  sleep,
  startServer,
  targetRow,
  withClient,
  type Context,
  type LoadJob,
  type LoadResult,
  type Row,
  type Server,
  type SectionResult,
} from "./lib";

// base+5, base+7, base+8 (base+6 is the scale server's).
const PORTS = { F: PORT_BASE + 5, G: PORT_BASE + 7, H: PORT_BASE + 8 } as const;

async function tupleWrites(url: string): Promise<number> {
  // A fresh connection: no cached statistics snapshot.
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: string }>(
      `SELECT (n_tup_ins + n_tup_upd)::text AS n FROM pg_stat_user_tables WHERE relname = 'ApiKeyRequestsMinute'`,
    );
    return Number(rows[0]?.n ?? NaN);
  });
}

type Measured = LoadResult & { cpuUsPerRequest: number };

/** record() timed in a process of its own (bench/request-counts-worker.ts): ns per call, median of 5. */
function recordCost(smoke: boolean): Promise<{ nsPerCall: number; samples: number[] }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, AUTH_SECRET, NODE_ENV: "production", BENCH_RECORD_CALLS: String(smoke ? 100_000 : 2_000_000) };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(__dirname, "request-counts-worker.ts")], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const kill = onCleanup("stop request-counts worker", () => void child.kill("SIGKILL"));
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.on("error", reject);
    child.on("exit", (code) => {
      kill();
      const line = out.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
      if (code !== 0 || !line) return reject(new Error(`request-counts worker failed (exit ${code}):\n${out.slice(-3000)}`));
      resolve(JSON.parse(line.slice("BENCH_RESULT ".length)) as { nsPerCall: number; samples: number[] });
    });
  });
}

async function measure(ctx: Context, server: Server, job: LoadJob): Promise<Measured> {
  const before = processTreeCpuMs(server.child.pid!);
  const result = await ctx.load.run(job);
  const after = processTreeCpuMs(server.child.pid!);
  return { ...result, cpuUsPerRequest: ((after - before) * 1000) / Math.max(1, result.requests) };
}

export async function requestCounting(ctx: Context): Promise<SectionResult> {
  const S = "10 request counting";
  const { smoke } = ctx.opts;
  const runs = smoke ? 2 : Number(process.env.BENCH_RUNS) || 4;
  const durationSec = smoke ? 1 : Number(process.env.BENCH_DURATION) || 5;
  const writeSec = smoke ? 3 : Math.min(60, Number(process.env.BENCH_COUNTS_SECONDS) || 60);
  const connections = 10;
  // Before the servers start: alone on the CPUs (as far as this bench goes).
  const record = await recordCost(smoke);
  const database = await createDatabase("counts");
  const F = await startServer(ctx.opts, { name: "F", port: PORTS.F, databaseUrl: database.url });
  const [G, H] = await Promise.all([
    startServer(ctx.opts, { name: "G", port: PORTS.G, databaseUrl: database.url }),
    startServer(ctx.opts, { name: "H", port: PORTS.H, databaseUrl: database.url, env: { REQUEST_COUNTS: "off" } }),
  ]);
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  try {
    // ── a. the ratio with and without counting ──
    const { key: ratioKey } = await insertKey(sql, { email: "adam@acme.test", name: "bench counting ratio" });
    const jobs = (s: Server) => ({
      health: { url: `${s.url}/api/health`, connections, durationSec },
      ping: { url: `${s.url}/api/v1/ping`, connections, durationSec, headers: { authorization: `Bearer ${ratioKey}` } },
    });
    const warmSec = smoke ? 0.5 : 3;
    for (const s of [F, H]) {
      await ctx.load.run({ ...jobs(s).health, durationSec: warmSec });
      await ctx.load.run({ ...jobs(s).ping, durationSec: warmSec });
    }
    const runsOf = { F: { health: [] as Measured[], ping: [] as Measured[] }, H: { health: [] as Measured[], ping: [] as Measured[] } };
    // F and H side by side (the same moment, the same contention from whatever else runs on the
    // machine), health and ping interleaved: health F ‖ health H, ping F ‖ ping H, …
    for (let i = 0; i < runs; i++) {
      for (const kind of ["health", "ping"] as const) {
        const [f, h] = await Promise.all([measure(ctx, F, jobs(F)[kind]), measure(ctx, H, jobs(H)[kind])]);
        runsOf.F[kind].push(f);
        runsOf.H[kind].push(h);
      }
    }
    for (const list of [runsOf.F.health, runsOf.F.ping, runsOf.H.health, runsOf.H.ping]) {
      for (const r of list) if (okShare(r, "200") < 0.999) throw new Error(`${r.url}: expected 200s, got ${describeStatuses(r)}`);
    }
    const ratio = (name: "F" | "H") => median(runsOf[name].ping.map((r) => r.rps)) / median(runsOf[name].health.map((r) => r.rps));
    const pairRatios = (name: "F" | "H") => runsOf[name].ping.map((r, i) => round(r.rps / runsOf[name].health[i]!.rps, 3));
    const cpu = (name: "F" | "H", kind: "health" | "ping") => median(runsOf[name][kind].map((r) => r.cpuUsPerRequest));
    const on = ratio("F");
    const off = ratio("H");
    // Per pair (the same two moments for both servers): the difference of the two ratios.
    const pairDeltas = pairRatios("F").map((r, i) => round(r - pairRatios("H")[i]!, 3));

    // ── b. rows written under full load, and the counts adding up ──
    await sql.query(`
      CREATE TABLE bench_request_count_writes (key_id text, minute timestamp, app text, at timestamptz DEFAULT clock_timestamp());
      CREATE FUNCTION bench_log_request_count_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO bench_request_count_writes (key_id, minute, app) VALUES (NEW."apiKeyId", NEW.minute, current_setting('application_name'));
          RETURN NEW;
        END $$;
      CREATE TRIGGER bench_log_request_count_write AFTER INSERT OR UPDATE ON "ApiKeyRequestsMinute" FOR EACH ROW EXECUTE FUNCTION bench_log_request_count_write();`);
    const keys = [
      await insertKey(sql, { email: "adam@acme.test", name: "bench counting 1" }),
      await insertKey(sql, { email: "adam@acme.test", name: "bench counting 2" }),
      await insertKey(sql, { email: "adam@acme.test", name: "bench counting 3" }),
    ];
    const ids = keys.map((k) => k.id);
    const before = await tupleWrites(database.url);
    const perJob = 5;
    const job = (s: Server, key: string): LoadJob => ({ url: `${s.url}/api/v1/ping`, connections: perJob, durationSec: writeSec, headers: { authorization: `Bearer ${key}` } });
    // Key 1 on both instances, key 2 only on F, key 3 only on G: 20 connections in all.
    const loads = await Promise.all([job(F, keys[0]!.key), job(F, keys[1]!.key), job(G, keys[0]!.key), job(G, keys[2]!.key)].map((j) => ctx.load.run(j)));
    for (const r of loads) if (okShare(r, "200") < 0.999) throw new Error(`counting load: ${describeStatuses(r)}`);
    // SIGTERM: each instance writes what it still holds (the current minute) and exits.
    await Promise.all([F.stop(), G.stop()]);
    const logged = (
      await sql.query<{ key_id: string; minute: Date; app: string }>(`SELECT key_id, minute, app FROM bench_request_count_writes WHERE key_id = ANY($1)`, [ids])
    ).rows;
    const perSlot = new Map<string, number>();
    for (const r of logged) {
      const slot = `${r.key_id} ${r.minute.toISOString()} ${r.app}`;
      perSlot.set(slot, (perSlot.get(slot) ?? 0) + 1);
    }
    const maxPerSlot = Math.max(0, ...perSlot.values());
    // The stopped servers' backends report their statistics as they exit; give them a moment.
    let delta = (await tupleWrites(database.url)) - before;
    const deadline = Date.now() + (smoke ? 3_000 : 12_000);
    while (delta < logged.length && Date.now() < deadline) {
      await sleep(500);
      delta = (await tupleWrites(database.url)) - before;
    }
    const counted = Number(
      (await sql.query<{ n: string }>(`SELECT coalesce(sum(succeeded + refused + failed), 0)::text AS n FROM "ApiKeyRequestsMinute" WHERE "apiKeyId" = ANY($1)`, [ids])).rows[0]!.n,
    );
    const answered = loads.reduce((n, r) => n + r.requests, 0);
    // A request still in flight when the load generator stops is answered (and counted) by the
    // server but not received: up to one per connection.
    const unaccounted = counted - answered;
    const minutes = new Set(logged.map((r) => r.minute.toISOString())).size;

    const rows: Row[] = [
      { section: S, metric: "ping / health req/s, counting on (F)", value: round(on, 3), unit: "×", note: `pairs ${pairRatios("F").join(", ")}` },
      { section: S, metric: "ping / health req/s, REQUEST_COUNTS=off (H)", value: round(off, 3), unit: "×", note: `pairs ${pairRatios("H").join(", ")}` },
      targetRow(S, "ratio with counting − ratio without", round(on - off, 3), "×", ">=", -0.02, `per pair ${pairDeltas.join(", ")}; median ${round(median(pairDeltas), 3)}; noisy: a shared 2-core machine`),
      {
        section: S,
        metric: "record() per request, in-process (the request path's share of counting)",
        value: round(record.nsPerCall / 1000, 3),
        unit: "µs",
        note: `${round((record.nsPerCall / 1000 / cpu("H", "ping")) * 100, 3)} % of a ping's server CPU (${round(cpu("H", "ping"), 0)} µs): bounds the ratio change at ≈${round(record.nsPerCall / 1000 / cpu("H", "ping"), 4)}`,
      },
      {
        section: S,
        metric: "server CPU per ping, counting on − off",
        value: round(cpu("F", "ping") - cpu("H", "ping"), 0),
        unit: "µs",
        note: `ping ${round(cpu("F", "ping"), 0)} vs ${round(cpu("H", "ping"), 0)} µs; health ${round(cpu("F", "health"), 0)} vs ${round(cpu("H", "health"), 0)} µs`,
      },
      targetRow(
        S,
        `usage row writes per key per minute per instance, max (${writeSec} s of full load)`,
        maxPerSlot,
        "",
        "<=",
        1,
        `${logged.length} writes for ${perSlot.size} (key, minute, instance) slots over ${minutes} UTC minute(s), ${answered} requests`,
      ),
      {
        section: S,
        metric: `"ApiKeyRequestsMinute" n_tup_ins + n_tup_upd delta (${writeSec} s window + shutdown)`,
        value: delta,
        unit: "",
        note: `every key of the database, so also the ratio key's last minute: ${round(answered / Math.max(1, delta), 0)} requests per row write`,
      },
      {
        section: S,
        metric: "requests counted − 200s received",
        value: unaccounted,
        unit: "",
        target: `0…${loads.length * perJob}`,
        pass: unaccounted >= 0 && unaccounted <= loads.length * perJob,
        note: `${counted} counted in the table, ${answered} received (in flight at the stop: answered and counted, not received)`,
      },
    ];
    return {
      id: "request-counting",
      title: "10. Request counting",
      rows,
      details: {
        runs,
        durationSec,
        connections,
        ratio: { on, off, pairsOn: pairRatios("F"), pairsOff: pairRatios("H"), pairDeltas },
        record,
        writes: { seconds: writeSec, logged: logged.length, slots: perSlot.size, maxPerSlot, nTupDelta: delta, counted, answered },
        loads: loads.map((r) => ({ url: r.url, requests: r.requests, rps: round(r.rps, 0) })),
      },
      notes: [
        `Ratio: ${runs} interleaved runs each (health on F and H side by side, then ping on both, …), ${durationSec} s, ${connections} connections per server; F counts requests, H runs with REQUEST_COUNTS=off; otherwise identical, on one database of their own. Side by side, both servers see the same contention.`,
        `Writes: ${writeSec} s, 4 × ${perJob} connections (key 1 on F and G, key 2 on F, key 3 on G), then SIGTERM (the shutdown flush included); a bench-only trigger attributes every row write to its instance.`,
      ],
    };
  } finally {
    await sql.end().catch(() => {});
    await Promise.all([F.stop(), G.stop(), H.stop()]);
  }
}
