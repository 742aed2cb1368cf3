// `npm run bench` — benchmarks of the API-key verification layer against a production build.
//
//   npm run bench                  full run (~8 min + a build when the sources changed); results in
//                                  bench/results/latest.json; exit 1 when a target fails
//   npm run bench -- --smoke       every section with short durations (under a minute with a fresh
//                                  build): checks that the scripts work; exit 0 whatever the numbers
//   npm run bench -- --only=1,3    some sections
//   npm run bench -- --peer        adds section 8, Better Auth side by side (installs and builds
//                                  bench/better-auth; `npm run bench:peer` runs it alone)
//   npm run bench -- --scale       adds section 9, a million keys (`npm run bench:scale` alone)
//   --out=FILE                     where a partial or smoke run saves its JSON (default: the temp dir)
//
// Environment: BENCH_DATABASE_URL (PostgreSQL server), BENCH_DIST_DIR (build folder),
// BENCH_NO_BUILD=1 (use the existing build even if stale), BENCH_RUNS / BENCH_DURATION (sections
// 1 and 3), BENCH_REVOCATION_TRIALS, BENCH_LAST_USED_SECONDS, BENCH_ACTION_RUNS,
// BENCH_SERVER_NODE_ARGS (extra node flags for the servers, e.g. "--cpu-prof").
//
// Builds once into .next-bench (NEXT_DIST_DIR) unless that build is fresh; in smoke mode a fresh
// default build (.next, e.g. from the Playwright stage of `npm test`) is used instead of building.
// Servers: `next start` child processes on ports 3401-3403 on a scratch PostgreSQL database
// (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres),
// all stopped and the databases dropped on exit, failure or Ctrl-C. Ports 3401-3405 (section 10:
// 3406, 3408, 3409; BENCH_PORT_BASE moves them all).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { authOverhead } from "./auth-overhead";
import { keyActions } from "./key-actions";
import { keyPage } from "./key-page";
import { lastUsed } from "./last-used";
import {
  buildIsFresh,
  createContext,
  fmt,
  installSignalHandlers,
  nextBuild,
  PG_BASE,
  ROOT,
  runCleanups,
  runMain,
  withClient,
  type Context,
  type Options,
  type Row,
  type SectionResult,
} from "./lib";
import { peer } from "./peer";
import { rejection } from "./rejection";
import { requestCounting } from "./request-counts";
import { revocation } from "./revocation";
import { scale } from "./scale";
import { verifyLatency } from "./verify-latency";

type Section = { n: number; title: string; run: (ctx: Context) => Promise<SectionResult> };

const SECTIONS: Section[] = [
  { n: 1, title: "1. Auth overhead", run: authOverhead },
  { n: 2, title: "2. Verification latency in-process", run: (ctx) => verifyLatency(ctx.opts) },
  { n: 3, title: "3. Rejection path", run: rejection },
  { n: 4, title: "4. Revocation propagation", run: revocation },
  { n: 5, title: "5. Last-used writes", run: lastUsed },
  { n: 6, title: "6. Key page at scale", run: keyPage },
  { n: 7, title: "7. Create and revoke", run: keyActions },
  // Opt-in (--peer, --scale): they install a second app, or load a million keys.
  { n: 8, title: "8. Peer: Better Auth", run: peer },
  { n: 9, title: "9. A million keys", run: scale },
  // Servers and a database of its own (ports base+5, base+7, base+8).
  { n: 10, title: "10. Request counting", run: requestCounting },
];
/** Sections that start their own servers: run alone, they don't need A, B and C. */
const OWN_SERVERS = new Set([10]);

function parseArgs(argv: string[]) {
  const smoke = argv.includes("--smoke");
  const onlyArg = argv.find((a) => a.startsWith("--only="));
  const only = onlyArg ? new Set(onlyArg.slice("--only=".length).split(",").map(Number)) : null;
  const peer = argv.includes("--peer");
  const scale = argv.includes("--scale");
  const out = argv.find((a) => a.startsWith("--out="))?.slice("--out=".length);
  const unknown = argv.filter((a) => !["--smoke", "--peer", "--scale"].includes(a) && !a.startsWith("--only=") && !a.startsWith("--out="));
  if (unknown.length) throw new Error(`unknown arguments: ${unknown.join(" ")} (use --smoke, --only=1,3, --peer, --scale, --out=FILE)`);
  return { smoke, only, peer, scale, out };
}

function gitCommit(): { commit: string; dirty: boolean | null } {
  const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" });
  if (head.status !== 0) return { commit: "uncommitted", dirty: null };
  const status = spawnSync("git", ["status", "--porcelain"], { cwd: ROOT, encoding: "utf8" });
  return { commit: head.stdout.trim(), dirty: status.status === 0 ? status.stdout.trim().length > 0 : null };
}

const LOAD_AT_START = os.loadavg().map((l) => Math.round(l * 100) / 100);

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: LOAD_AT_START,
  };
}

function table(rows: Row[]): string {
  const header = ["section", "metric", "value", "target", "result"];
  const body = rows.map((r) => [
    r.section,
    r.metric,
    `${fmt(r.value, r.unit === "×" ? 3 : r.unit === "req/s" || r.unit === "" || r.unit === "rows" ? 0 : 2)}${r.unit && r.unit !== "×" ? " " + r.unit : r.unit === "×" ? "×" : ""}${r.note ? `  (${r.note})` : ""}`,
    r.target ?? "",
    r.pass === undefined ? "" : r.pass ? "PASS" : "FAIL",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

async function main(): Promise<number> {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => console.log(`[bench +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
  installSignalHandlers();

  let postgresVersion: string;
  try {
    postgresVersion = await withClient(PG_BASE, async (c) => (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v);
  } catch (error) {
    const where = new URL(PG_BASE).host;
    const message = `no PostgreSQL at ${where} (${error instanceof Error ? error.message : error}); set BENCH_DATABASE_URL (or TEST_DATABASE_URL)`;
    if (args.smoke) {
      // npm test runs the smoke everywhere; PostgreSQL is optional there, as for the integration tests.
      console.log(`[bench] smoke SKIPPED: ${message}`);
      return 0;
    }
    throw new Error(message);
  }

  let distDir = process.env.BENCH_DIST_DIR || ".next-bench";
  if (process.env.BENCH_NO_BUILD === "1" && existsSync(path.join(ROOT, distDir, "BUILD_ID"))) {
    log(`BENCH_NO_BUILD=1: using ${distDir}${buildIsFresh(distDir) ? "" : " although the sources are newer"}`);
  } else if (!buildIsFresh(distDir)) {
    if (args.smoke && !process.env.BENCH_DIST_DIR && buildIsFresh(".next")) {
      distDir = ".next";
      log("using the fresh build in .next (smoke mode)");
    } else {
      nextBuild(distDir, log);
    }
  } else {
    log(`using the fresh build in ${distDir}`);
  }
  const opts: Options = {
    smoke: args.smoke,
    distDir,
    serverNodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean),
    log,
  };
  const results: SectionResult[] = [];
  const errors: { section: string; error: string }[] = [];
  const optIn = (n: number) => (n === 8 ? args.peer : n === 9 ? args.scale : true);
  const wanted = (n: number) => optIn(n) && (!args.only || args.only.has(n));
  const runSection = async (section: Section, run: () => Promise<SectionResult>) => {
    log(`${section.title}…`);
    const t = Date.now();
    try {
      const result = await run();
      results.push(result);
      for (const row of result.rows) {
        if (row.target) log(`  ${row.metric}: ${fmt(row.value, 3)} ${row.unit} (target ${row.target}) ${row.pass ? "PASS" : "FAIL"}`);
      }
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      errors.push({ section: section.title, error: message });
      log(`  ERROR in ${section.title}: ${message}`);
    }
    log(`  ${section.title.split(".")[0]}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  try {
    // Section 2 needs no server. Full mode: first, alone on the machine. Smoke mode: in the
    // background while the servers start and the other sections run (only the plumbing counts).
    const inProcess = SECTIONS.find((s) => s.n === 2)!;
    let background: Promise<void> | undefined;
    if (wanted(2)) {
      if (args.smoke) background = runSection(inProcess, () => verifyLatency(opts));
      else await runSection(inProcess, () => verifyLatency(opts));
    }
    if (SECTIONS.some((s) => s.n !== 2 && wanted(s.n))) {
      const ctx = await createContext(opts);
      if (SECTIONS.some((s) => s.n !== 2 && !OWN_SERVERS.has(s.n) && wanted(s.n))) await ctx.startAll();
      for (const section of SECTIONS) {
        if (section.n === 2 || !wanted(section.n)) continue;
        await runSection(section, () => section.run(ctx));
      }
    }
    await background;
  } finally {
    log("stopping servers, dropping databases…");
    await runCleanups();
  }
  results.sort((a, b) => a.title.localeCompare(b.title, "en", { numeric: true }));

  const rows = results.flatMap((r) => r.rows);
  for (const e of errors) rows.push({ section: e.section.split(".")[0] ?? e.section, metric: `ERROR: ${e.error.split("\n")[0]}`, value: null, unit: "", pass: false, target: "runs" });
  const failed = rows.filter((r) => r.pass === false);
  const durationSec = Math.round((Date.now() - started) / 100) / 10;
  const report = {
    mode: args.smoke ? "smoke" : "full",
    date: new Date().toISOString(),
    ...gitCommit(),
    machine: { ...machine(), loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
    postgres: postgresVersion,
    build: distDir,
    durationSec,
    summary: { targets: rows.filter((r) => r.pass !== undefined).length, failed: failed.map((r) => `${r.section}: ${r.metric}`), errors },
    rows,
    sections: results,
  };

  console.log(`\nPaygentic verification-layer benchmarks (${report.mode}) — ${report.date}`);
  console.log(`${report.machine.cpu}, ${report.machine.cores} cores, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}, PostgreSQL ${postgresVersion}, commit ${report.commit}`);
  console.log(`load average at start ${report.machine.loadAverageAtStart.join(" ")}, at end ${report.machine.loadAverageAtEnd.join(" ")}\n`);
  console.log(table(rows));
  for (const r of results) for (const note of r.notes) console.log(`  · ${r.title.split(".")[0]}: ${note}`);

  // Only a complete full run replaces bench/results/latest.json.
  const file = args.out
    ? path.resolve(args.out)
    : args.smoke || args.only
      ? path.join(os.tmpdir(), `paygentic-bench-${args.smoke ? "smoke" : "partial"}.json`)
      : path.join(ROOT, "bench/results/latest.json");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(`\n${failed.length} of ${report.summary.targets} targets failed; ${errors.length} section error(s); ${durationSec} s. Saved ${path.relative(ROOT, file) || file}`);
  if (errors.length) return 1; // the script itself broke
  if (args.smoke) return 0; // smoke: the numbers don't count
  return failed.length ? 1 : 0;
}

runMain(main);
