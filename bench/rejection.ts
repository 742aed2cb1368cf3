// 3. Rejection path: requests/s of GET /api/v1/ping with malformed keys (checksum fails: no hashing,
// no look-up) and with well-formed unknown keys, as ratios to GET /api/health on the same server.
// The servers run with API_AUTH_FAILURES_PER_MINUTE set very high, so that the flood measures the
// rejection itself rather than the 429 answer; the 429 path is measured on its own on instance C
// (default limit, 100 failures per minute per address).
import {
  describeStatuses,
  HIGH_FAILURE_LIMIT,
  loadWithCpu,
  malformedKey,
  median,
  okShare,
  round,
  targetRow,
  unknownKey,
  type Context,
  type LoadJob,
  type MeasuredLoad,
  type Row,
  type SectionResult,
} from "./lib";

type Variant = { id: string; label: string; job: LoadJob; expect: string };

export async function rejection(ctx: Context): Promise<SectionResult> {
  const S = "3 rejection";
  const { smoke } = ctx.opts;
  const runs = smoke ? 1 : Number(process.env.BENCH_RUNS) || 4;
  const durationSec = smoke ? 1 : Number(process.env.BENCH_DURATION) || 5;
  const connections = 10;
  const A = await ctx.serverA();
  const ping = `${A.url}/api/v1/ping`;
  const variants: Variant[] = [
    { id: "health", label: "GET /api/health", job: { url: `${A.url}/api/health`, connections, durationSec }, expect: "200" },
    {
      id: "malformed",
      label: "malformed key (bad checksum)",
      job: { url: ping, connections, durationSec, headers: { authorization: `Bearer ${malformedKey()}` } },
      expect: "401",
    },
    {
      id: "unknown",
      label: "unknown key, repeated (negative cache)",
      job: { url: ping, connections, durationSec, headers: { authorization: `Bearer ${unknownKey()}` } },
      expect: "401",
    },
    {
      id: "unknownFresh",
      label: "unknown key, new each request (look-up each)",
      job: { url: ping, connections, durationSec, freshUnknownKeys: true },
      expect: "401",
    },
  ];
  if (!smoke) for (const v of variants) await ctx.load.run({ ...v.job, durationSec: 2 });

  const results = new Map<string, MeasuredLoad[]>(variants.map((v) => [v.id, []]));
  for (let i = 0; i < runs; i++) {
    for (const v of variants) {
      const r = await loadWithCpu(ctx, A, v.job);
      if (okShare(r, v.expect) < 0.999) throw new Error(`${v.label}: expected ${v.expect}s, got ${describeStatuses(r)} (errors ${r.errors})`);
      results.get(v.id)!.push(r);
    }
  }
  const rps = (id: string) => median(results.get(id)!.map((r) => r.rps));
  const health = rps("health");
  const cpuUs = (id: string) => median(results.get(id)!.map((r) => r.serverCpuUsPerRequest));
  const cpu = (id: string) =>
    `${round(median(results.get(id)!.map((r) => r.serverCpuUsPerRequest)), 0)} µs/request, ≈${round(median(results.get(id)!.map((r) => r.dbTransactionsPerRequest)), 2)} DB transactions/request`;
  const rows: Row[] = [
    { section: S, metric: "GET /api/health req/s (median)", value: round(health, 0), unit: "req/s", note: `server CPU ${cpu("health")}` },
  ];
  for (const v of variants.slice(1)) {
    const value = rps(v.id);
    rows.push({
      section: S,
      metric: `${v.label} req/s`,
      value: round(value, 0),
      unit: "req/s",
      note: `p50 ${round(median(results.get(v.id)!.map((r) => r.latencyMs.p50)), 2)} ms, p99 ${round(median(results.get(v.id)!.map((r) => r.latencyMs.p99)), 2)} ms, server CPU ${cpu(v.id)}`,
    });
    if (v.id === "malformed") {
      rows.push(targetRow(S, "malformed / health (ratio)", round(value / health, 3), "×", ">=", 0.9));
      // The same comparison by the server's CPU time per request: what the ratio would be if the
      // server had the machine to itself (load from other processes moves req/s, hardly this).
      rows.push({ section: S, metric: "malformed / health by server CPU per request", value: round(cpuUs("health") / cpuUs("malformed"), 3), unit: "×" });
    }
    else rows.push({ section: S, metric: `${v.id === "unknown" ? "unknown (cached)" : "unknown (new keys)"} / health (ratio)`, value: round(value / health, 3), unit: "×" });
  }

  // The 429 path: instance C, default limit. The first 100 failures answer 401, then 429 from memory.
  const C = await ctx.serverC();
  const limited = { url: `${C.url}/api/v1/ping`, connections, durationSec, headers: { authorization: `Bearer ${malformedKey()}` } };
  await ctx.load.run({ ...limited, durationSec: smoke ? 0.5 : 1 });
  const healthC = await ctx.load.run({ url: `${C.url}/api/health`, connections, durationSec });
  const limitedRun = await ctx.load.run(limited);
  if (okShare(limitedRun, "429") < 0.99) throw new Error(`429 path: expected 429s, got ${describeStatuses(limitedRun)}`);
  rows.push({
    section: S,
    metric: "429 rate_limited path req/s (instance C)",
    value: round(limitedRun.rps, 0),
    unit: "req/s",
    note: `health on C ${round(healthC.rps, 0)} req/s; ratio ${round(limitedRun.rps / healthC.rps, 3)}`,
  });

  return {
    id: "rejection",
    title: "3. Rejection path",
    rows,
    details: {
      runs,
      durationSec,
      connections,
      apiAuthFailuresPerMinute: HIGH_FAILURE_LIMIT,
      server: "instance A on PostgreSQL (failure limit set very high); 429 path on instance C (default limit 100/min)",
      results: Object.fromEntries(results),
      rateLimited: { health: healthC, limited: limitedRun },
    },
    notes: [
      `API_AUTH_FAILURES_PER_MINUTE=${HIGH_FAILURE_LIMIT} on instance A for these floods (the default, 100/min per address, would turn them into 429s); the 429 row is instance C with the default.`,
      `${runs} interleaved run(s) per variant, ${durationSec} s, ${connections} connections.`,
    ],
  };
}
