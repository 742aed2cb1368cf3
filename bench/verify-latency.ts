// 2. Verification latency in-process (no HTTP): warm (cache hit) and cold (cache miss → database)
// p50/p99 of verifyApiKey, on PGlite and on PostgreSQL. The measuring happens in
// verify-worker.ts, one process per database (the database module is a per-process singleton).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AUTH_SECRET, createDatabase, onCleanup, ROOT, round, targetRow, type Options, type Row, type SectionResult } from "./lib";

type Stats = { n: number; p50: number; p90: number; p99: number; p999: number; mean: number; max: number };
type WorkerResult = { database: "pglite" | "postgres"; warm: Stats; coldDistinct: Stats; coldDisabled: Stats };

function runWorker(opts: Options, database: "pglite" | "postgres", url: string | undefined): Promise<WorkerResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AUTH_SECRET,
    SEED_DEMO_DATA: "true",
    NODE_ENV: "production",
    BENCH_WARM_ITERATIONS: String(opts.smoke ? 5_000 : 200_000),
    BENCH_COLD_ITERATIONS: String(opts.smoke ? 50 : 2_000),
  };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  if (url) env.DATABASE_URL = url;
  else {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "paygentic-bench-"));
    onCleanup(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
    env.DATA_DIR = dataDir;
    env.PGLITE_DIR = "memory://";
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(__dirname, "verify-worker.ts")], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const kill = onCleanup(`stop verify worker (${database})`, () => void child.kill("SIGKILL"));
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.on("error", reject);
    child.on("exit", (code) => {
      kill();
      const line = out.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
      if (code !== 0 || !line) return reject(new Error(`verify worker (${database}) failed (exit ${code}):\n${out.slice(-3000)}`));
      resolve(JSON.parse(line.slice("BENCH_RESULT ".length)) as WorkerResult);
    });
  });
}

export async function verifyLatency(opts: Options): Promise<SectionResult> {
  const S = "2 verify";
  const pgDb = await createDatabase("verify");
  // PGlite and PostgreSQL one after the other in full mode (each measurement alone on the CPUs);
  // side by side in smoke mode, where only the plumbing matters.
  const [pglite, postgres] = opts.smoke
    ? await Promise.all([runWorker(opts, "pglite", undefined), runWorker(opts, "postgres", pgDb.url)])
    : [await runWorker(opts, "pglite", undefined), await runWorker(opts, "postgres", pgDb.url)];

  const rows: Row[] = [
    { section: S, metric: "warm (cache hit) p50, PostgreSQL", value: round(postgres.warm.p50, 2), unit: "µs" },
    targetRow(S, "warm (cache hit) p99, PostgreSQL", round(postgres.warm.p99, 2), "µs", "<=", 20),
    { section: S, metric: "warm (cache hit) p50, PGlite", value: round(pglite.warm.p50, 2), unit: "µs" },
    targetRow(S, "warm (cache hit) p99, PGlite", round(pglite.warm.p99, 2), "µs", "<=", 20),
    targetRow(S, "cold (miss → SQL) p50, PostgreSQL", round(postgres.coldDistinct.p50 / 1000, 3), "ms", "<=", 2),
    { section: S, metric: "cold (miss → SQL) p99, PostgreSQL", value: round(postgres.coldDistinct.p99 / 1000, 3), unit: "ms" },
    { section: S, metric: "cold (miss → SQL) p50, PGlite", value: round(pglite.coldDistinct.p50 / 1000, 3), unit: "ms" },
    { section: S, metric: "cold (miss → SQL) p99, PGlite", value: round(pglite.coldDistinct.p99 / 1000, 3), unit: "ms" },
    {
      section: S,
      metric: "cold, cache disabled p50 / p99, PostgreSQL",
      value: round(postgres.coldDisabled.p50 / 1000, 3),
      unit: "ms",
      note: `p99 ${round(postgres.coldDisabled.p99 / 1000, 3)} ms`,
    },
    {
      section: S,
      metric: "cold, cache disabled p50 / p99, PGlite",
      value: round(pglite.coldDisabled.p50 / 1000, 3),
      unit: "ms",
      note: `p99 ${round(pglite.coldDisabled.p99 / 1000, 3)} ms`,
    },
  ];
  return {
    id: "verify-latency",
    title: "2. Verification latency in-process",
    rows,
    details: { unit: "µs", pglite, postgres, samples: { warm: postgres.warm.n, cold: postgres.coldDistinct.n } },
    notes: [
      "verifyApiKey() called sequentially in a tsx process (--conditions=react-server), each call timed with process.hrtime.bigint().",
      `Warm: ${postgres.warm.n.toLocaleString("en-US")} calls with one cached key after a JIT warm-up. Cold: ${postgres.coldDistinct.n.toLocaleString("en-US")} distinct keys, each seen for the first time (miss → one SQL look-up → cached); also the same key with keyCache.disable().`,
    ],
  };
}
