// Where the server's time goes for one kind of request: starts instance A with `node --cpu-prof`,
// applies load, stops it, and prints the self time of the hottest functions and modules during
// the load window only (bundled app code is mapped back to its source through the build's maps).
//
//   npx tsx bench/profile.ts --target=ping [--seconds=10] [--connections=10]
//   targets: health, ping, malformed, unknown, unknown-fresh, peer-health
//
// peer-health is the health route of the Better Auth peer (bench/better-auth, `next start`: a bare
// Next.js 16 app with one JSON route), profiled in its own process the same way; with health beside
// it (--target=health,peer-health) the script prints where our health route's extra time goes.
//
// The .cpuprofile is kept in bench/results/ (gitignored); open it in Chrome DevTools for more.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildIsFresh,
  createContext,
  installSignalHandlers,
  insertKey,
  malformedKey,
  PORTS,
  processTreeCpuMs,
  ROOT,
  round,
  runCleanups,
  runMain,
  unknownKey,
  type LoadJob,
  type Options,
} from "./lib";
import { buildPeer, installPeer, PEER_DIST, startPeer, type PeerServer } from "./peer";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

const maps = new Map<string, SourceMap | null>();
function original(url: string, line: number, column: number): string | null {
  if (!url.startsWith("file://")) return null;
  const file = fileURLToPath(url);
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, "utf8"))) : null);
  }
  const map = maps.get(file);
  if (!map) return null;
  const entry = map.findEntry(line, column) as { originalSource?: string; originalLine?: number };
  if (!entry?.originalSource) return null;
  const source = entry.originalSource.replace(/^.*\[project\]\//, "").replace(/^turbopack:\/\/\//, "");
  return `${source}:${(entry.originalLine ?? 0) + 1}`;
}

function moduleOf(url: string, mapped: string | null): string {
  if (!url) return "(native / V8)";
  if (url.startsWith("node:")) return "node internals";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)(\/dist\/[^/]+\/[^/]+)?/.exec(url);
  if (nm) return nm[1] === "next" && nm[2] ? `next${nm[2]}` : nm[1]!;
  if (mapped) {
    const bundled = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(mapped);
    return bundled ? `bundled ${bundled[1]}` : `app ${mapped.split(":")[0]!.split("/").slice(0, 2).join("/")}`;
  }
  return path.relative(ROOT, url.replace("file://", ""));
}

type Window = { target: string; from: number; to: number; requests: number };

const PEER_TARGET = "peer-health";

async function main() {
  const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
  const targets = arg("target", "ping").split(",");
  const seconds = Number(arg("seconds", "10"));
  const connections = Number(arg("connections", "10"));
  const rounds = Number(arg("rounds", "1"));
  const distDir = process.env.BENCH_DIST_DIR || ".next-bench";
  if (!buildIsFresh(distDir)) console.warn(`warning: ${distDir} is older than the sources (run npm run bench once to rebuild)`);
  const dir = path.join(ROOT, "bench/results", `profile-${Date.now().toString(36)}`);
  const peerDir = `${dir}-peer`;
  mkdirSync(dir, { recursive: true });
  installSignalHandlers();
  const log = (l: string) => console.log(`[profile] ${l}`);
  const opts: Options = { smoke: false, distDir, serverNodeArgs: ["--cpu-prof", "--cpu-prof-dir", dir], log };
  const ctx = await createContext(opts);
  try {
    const ours = targets.filter((t) => t !== PEER_TARGET);
    const A = ours.length ? await ctx.serverA() : null;
    let peer: PeerServer | null = null;
    if (targets.includes(PEER_TARGET)) {
      installPeer(log);
      buildPeer(log);
      mkdirSync(peerDir, { recursive: true });
      // The health route touches neither Better Auth nor a database: the bare framework's cost.
      const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", PEER_DIST_DIR: PEER_DIST };
      delete env.NODE_OPTIONS;
      peer = await startPeer(opts, "profile", PORTS.A + 30, env, ["--cpu-prof", "--cpu-prof-dir", peerDir]);
    }
    const jobs: Record<string, LoadJob> = {};
    if (A) {
      const { key } = await insertKey(await ctx.sql(), { email: "adam@acme.test" });
      Object.assign(jobs, {
        health: { url: `${A.url}/api/health`, connections, durationSec: seconds },
        ping: { url: `${A.url}/api/v1/ping`, connections, durationSec: seconds, headers: { authorization: `Bearer ${key}` } },
        malformed: { url: `${A.url}/api/v1/ping`, connections, durationSec: seconds, headers: { authorization: `Bearer ${malformedKey()}` } },
        unknown: { url: `${A.url}/api/v1/ping`, connections, durationSec: seconds, headers: { authorization: `Bearer ${unknownKey()}` } },
        "unknown-fresh": { url: `${A.url}/api/v1/ping`, connections, durationSec: seconds, freshUnknownKeys: true },
      } satisfies Record<string, LoadJob>);
    }
    if (peer) jobs[PEER_TARGET] = { url: `${peer.url}/api/health`, connections, durationSec: seconds };
    for (const target of targets) if (!jobs[target]) throw new Error(`unknown target ${target}`);
    for (const target of targets) await ctx.load.run({ ...jobs[target]!, durationSec: 3 });
    const windows: Window[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const target of targets) {
        const from = Number(process.hrtime.bigint() / 1000n);
        const pid = target === PEER_TARGET ? peer!.child.pid! : A!.child.pid!;
        const cpuBefore = processTreeCpuMs(pid);
        const result = await ctx.load.run(jobs[target]!);
        const cpuUs = ((processTreeCpuMs(pid) - cpuBefore) * 1000) / Math.max(1, result.requests);
        windows.push({ target, from, to: from + result.durationSec * 1e6, requests: result.requests });
        console.log(`[profile] ${target}: ${round(result.rps, 0)} req/s, p50 ${round(result.latencyMs.p50, 2)} ms, server CPU ${round(cpuUs, 0)} µs/request`);
      }
    }
    await A?.stop();
    await peer?.stop();

    const tallies = new Map<string, Tally>();
    const kept: string[] = [];
    for (const [from, label, mine] of [
      [dir, targets.filter((t) => t !== PEER_TARGET).join("+"), ours],
      [peerDir, PEER_TARGET, peer ? [PEER_TARGET] : []],
    ] as const) {
      if (!mine.length) continue;
      const file = readdirSync(from).find((f) => f.endsWith(".cpuprofile"));
      if (!file) throw new Error(`no .cpuprofile written in ${from}`);
      const to = path.join(ROOT, "bench/results", `${label}-${Date.now().toString(36)}.cpuprofile`);
      renameSync(path.join(from, file), to);
      kept.push(to);
      for (const [t, tally] of tallyProfile(JSON.parse(readFileSync(to, "utf8")) as Profile, windows.filter((w) => mine.includes(w.target)), [...mine])) tallies.set(t, tally);
    }
    printTallies(tallies, targets);
    console.log(`\nprofiles: ${kept.map((k) => path.relative(ROOT, k)).join(", ")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(peerDir, { recursive: true, force: true });
    await runCleanups();
  }
}

type Tally = { samples: number; idle: number; requests: number; usPerSample: number; fn: Map<string, number>; mod: Map<string, number>; app: Map<string, number> };

function tallyProfile(profile: Profile, windows: Window[], targets: string[]): Map<string, Tally> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = new Map<number, { fn: string; mod: string; app: string | null; idle: boolean }>();
  const describe = (id: number) => {
    let d = label.get(id);
    if (!d) {
      const { functionName, url, lineNumber, columnNumber } = byId.get(id)!.callFrame;
      const mapped = original(url, lineNumber, columnNumber);
      const where = mapped ?? (url ? `${moduleOf(url, null)}:${lineNumber + 1}` : "");
      const source = mapped?.replace(/^(\.\.\/)+/, "") ?? null;
      const app = source && /^(lib|app)\//.test(source) ? source.split(":")[0]! : null;
      d = { fn: `${functionName || "(anonymous)"} ${where}`.trim(), mod: moduleOf(url, mapped), app, idle: functionName === "(idle)" };
      label.set(id, d);
    }
    return d;
  };
  const tallies = new Map<string, Tally>(
    targets.map((t) => [t, { samples: 0, idle: 0, requests: 0, usPerSample: 0, fn: new Map(), mod: new Map(), app: new Map() }]),
  );
  for (const w of windows) tallies.get(w.target)!.requests += w.requests;
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i]!;
    t += dt;
    const w = windows.find((x) => t >= x.from && t <= x.to);
    if (!w) continue;
    const tally = tallies.get(w.target)!;
    tally.samples++;
    tally.usPerSample += dt;
    const id = profile.samples[i]!;
    const d = describe(id);
    if (d.idle) {
      tally.idle++;
      continue;
    }
    add(tally.fn, d.fn);
    add(tally.mod, d.mod);
    // Inclusive time of app source files: every file on this sample's stack, once.
    const files = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const app = describe(n).app;
      if (app) files.add(app);
    }
    for (const f of files) add(tally.app, f);
  }
  return tallies;
}

function printTallies(tallies: Map<string, Tally>, targets: string[]): void {
  const us = (tally: Tally, n: number) => (n * (tally.usPerSample / Math.max(1, tally.samples))) / Math.max(1, tally.requests);
  for (const target of targets) {
    const tally = tallies.get(target)!;
    if (tally.samples === 0) throw new Error(`no samples in the ${target} windows (clock mismatch?)`);
    const busy = tally.samples - tally.idle;
    console.log(`\n═══ ${target}: ${tally.requests} requests, ${tally.samples} samples, ${((100 * tally.idle) / tally.samples).toFixed(1)}% idle, ${round(us(tally, busy), 0)} µs busy per request`);
    const show = (title: string, entries: Map<string, number>, limit: number) => {
      console.log(`${title} (% of busy samples, µs per request)`);
      for (const [name, n] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
        console.log(`  ${((100 * n) / busy).toFixed(1).padStart(5)}%  ${round(us(tally, n), 1).toFixed(1).padStart(7)} µs  ${name}`);
      }
    };
    show("app code, inclusive", tally.app, 12);
    show("modules, self", tally.mod, 15);
    show("functions, self", tally.fn, 30);
  }
  if (targets.length > 1) {
    const base = tallies.get(targets[0]!)!;
    for (const target of targets.slice(1)) {
      const other = tallies.get(target)!;
      const total = us(other, other.samples - other.idle) - us(base, base.samples - base.idle);
      console.log(`\n═══ ${target} − ${targets[0]}: ${round(total, 0)} µs busy per request`);
      for (const [what, a, b] of [["modules", base.mod, other.mod], ["functions", base.fn, other.fn]] as const) {
        const keys = new Set([...a.keys(), ...b.keys()]);
        const diff = [...keys].map((k) => [k, us(other, b.get(k) ?? 0) - us(base, a.get(k) ?? 0)] as const);
        console.log(`largest differences by ${what} (self, µs per request)`);
        for (const [k, d] of diff.sort((x, y) => Math.abs(y[1]) - Math.abs(x[1])).slice(0, what === "modules" ? 15 : 30)) console.log(`  ${round(d, 1).toFixed(1).padStart(8)}  ${k}`);
      }
    }
  }
}

runMain(main);
