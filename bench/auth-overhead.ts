// 1. Auth overhead: GET /api/v1/ping with a valid key (cache hit) against GET /api/health on the same
// server, interleaved (health, ping, health, ping, …), ratio of the median requests/s.
import { describeStatuses, insertKey, loadWithCpu, median, okShare, round, targetRow, type Context, type MeasuredLoad, type Row, type SectionResult } from "./lib";

type Run = MeasuredLoad;

export async function authOverhead(ctx: Context): Promise<SectionResult> {
  const S = "1 auth overhead";
  const { smoke } = ctx.opts;
  const runs = smoke ? 2 : Number(process.env.BENCH_RUNS) || 5;
  const durationSec = smoke ? 1 : Number(process.env.BENCH_DURATION) || 5;
  const connections = 10;
  const A = await ctx.serverA();
  const { key } = await insertKey(await ctx.sql(), { email: "adam@acme.test", name: "bench auth overhead" });
  const health = { url: `${A.url}/api/health`, connections, durationSec };
  const ping = { url: `${A.url}/api/v1/ping`, connections, durationSec, headers: { authorization: `Bearer ${key}` } };

  // Warm-up (JIT, route modules, the key into the cache); not recorded.
  const warmSec = smoke ? 0.5 : 3;
  await ctx.load.run({ ...health, durationSec: warmSec });
  await ctx.load.run({ ...ping, durationSec: warmSec });

  const healthRuns: Run[] = [];
  const pingRuns: Run[] = [];
  for (let i = 0; i < runs; i++) {
    healthRuns.push(await loadWithCpu(ctx, A, health));
    pingRuns.push(await loadWithCpu(ctx, A, ping));
  }
  for (const [name, list] of [["/api/health", healthRuns], ["/api/v1/ping", pingRuns]] as const) {
    for (const r of list) {
      if (okShare(r, "200") < 0.999) throw new Error(`${name}: expected 200s, got ${describeStatuses(r)} (errors ${r.errors})`);
    }
  }
  const h = median(healthRuns.map((r) => r.rps));
  const p = median(pingRuns.map((r) => r.rps));
  const rows: Row[] = [
    { section: S, metric: "GET /api/health req/s (median)", value: round(h, 0), unit: "req/s" },
    { section: S, metric: "GET /api/v1/ping req/s (median)", value: round(p, 0), unit: "req/s" },
    {
      section: S,
      metric: "latency p50 / p99, /api/health",
      value: round(median(healthRuns.map((r) => r.latencyMs.p50)), 2),
      unit: "ms",
      note: `p99 ${round(median(healthRuns.map((r) => r.latencyMs.p99)), 2)} ms`,
    },
    {
      section: S,
      metric: "latency p50 / p99, /api/v1/ping",
      value: round(median(pingRuns.map((r) => r.latencyMs.p50)), 2),
      unit: "ms",
      note: `p99 ${round(median(pingRuns.map((r) => r.latencyMs.p99)), 2)} ms`,
    },
    targetRow(S, "ping / health req/s (ratio of medians)", round(p / h, 3), "×", ">=", 0.9),
    {
      section: S,
      metric: "ping / health by server CPU per request",
      value: round(median(healthRuns.map((r) => r.serverCpuUsPerRequest)) / median(pingRuns.map((r) => r.serverCpuUsPerRequest)), 3),
      unit: "×",
    },
    {
      section: S,
      metric: "server CPU per request, ping − health",
      value: round(median(pingRuns.map((r) => r.serverCpuUsPerRequest)) - median(healthRuns.map((r) => r.serverCpuUsPerRequest)), 0),
      unit: "µs",
      note: `health ${round(median(healthRuns.map((r) => r.serverCpuUsPerRequest)), 0)} µs, ping ${round(median(pingRuns.map((r) => r.serverCpuUsPerRequest)), 0)} µs; ≈${round(median(pingRuns.map((r) => r.dbTransactionsPerRequest)), 3)} DB transactions per ping`,
    },
  ];
  return {
    id: "auth-overhead",
    title: "1. Auth overhead",
    rows,
    details: {
      runs,
      durationSec,
      connections,
      server: "instance A on PostgreSQL",
      pairRatios: pingRuns.map((r, i) => round(r.rps / healthRuns[i]!.rps, 3)),
      health: healthRuns,
      ping: pingRuns,
    },
    notes: [`${runs} interleaved runs each (health, ping, …), ${durationSec} s, ${connections} connections; autocannon in a separate process.`],
  };
}
