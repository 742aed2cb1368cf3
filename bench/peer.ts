// 8. Peer (`npm run bench -- --peer`, or `npm run bench:peer` for this section alone): the product
// against Better Auth's API-key plugin, the library a Next.js team would otherwise use, side by side
// in one run on this machine. The peer is the Next.js 16 app in bench/better-auth (its own
// package.json, pinned versions; installed and built here, never part of the product), on its own
// PostgreSQL databases, in three configurations (bench/better-auth/lib/auth.ts): its defaults, Redis
// secondary storage with rate limiting off (its documented speed configuration), and the same with
// deferUpdates. Measured, interleaved round by round with ours, with the same load generator,
// connections and durations:
//   · req/s of the verified route (ours: GET /api/v1/ping, Bearer key; theirs: GET /api/verify,
//     x-api-key) and of each app's own unauthenticated health route, and their ratio;
//   · p50/p99 latency; server CPU, database transactions/statements, row writes, index scans,
//     database-backend CPU and Redis commands per request;
//   · revocation: how long a second instance keeps accepting a key after the first one deleted it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { dbDelta, dbSnapshot, REDIS_URL, redisCommand, redisDeletePrefix, redisStats, type DbDelta } from "./db-activity";
import {
  assertNotInterrupted,
  databaseUrl,
  describeStatuses,
  insertKey,
  median,
  okShare,
  onCleanup,
  PG_BASE,
  PORT_BASE,
  processTreeCpuMs,
  ROOT,
  round,
  sleep,
  targetRow,
  withClient,
  type Context,
  type LoadJob,
  type LoadResult,
  type Options,
  type Row,
  type SectionResult,
} from "./lib";

export const PEER_DIR = path.join(ROOT, "bench/better-auth");
export const PEER_DIST = process.env.BENCH_PEER_DIST_DIR || ".next-bench";
const PEER_SECRET = "paygentic-bench-peer-secret-0123456789abcdef";
const PEER_EMAIL = "bench@peer.test";
const PEER_PASSWORD = "bench-peer-password";
const MODES = ["defaults", "redis", "deferred"] as const;
type Mode = (typeof MODES)[number];
const MODE_LABEL: Record<Mode, string> = {
  defaults: "Better Auth, defaults",
  redis: "Better Auth, Redis, rate limit off",
  deferred: "Better Auth, Redis, rate limit off, deferUpdates",
};

// ───────────────────────────── install, build ─────────────────────────────

function newestMtime(entries: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const e of readdirSync(p)) visit(path.join(p, e));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const e of entries) visit(path.join(PEER_DIR, e));
  return newest;
}

/** `npm ci` in bench/better-auth when its node_modules is missing or older than its lockfile. */
export function installPeer(log: (line: string) => void): void {
  const marker = path.join(PEER_DIR, "node_modules/.package-lock.json");
  const lock = path.join(PEER_DIR, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log("installing the peer (npm ci in bench/better-auth)…");
  const started = Date.now();
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: PEER_DIR, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`npm ci in bench/better-auth failed (exit ${result.status ?? result.signal})`);
  }
  log(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

export function buildPeer(log: (line: string) => void): void {
  const buildId = path.join(PEER_DIR, PEER_DIST, "BUILD_ID");
  const sources = newestMtime(["app", "lib", "next.config.ts", "package-lock.json", "node_modules/.package-lock.json"]);
  if (existsSync(buildId) && statSync(buildId).mtimeMs > sources) return;
  log(`building the peer into bench/better-auth/${PEER_DIST}…`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(PEER_DIR, "node_modules/next/dist/bin/next"), "build"], {
    cwd: PEER_DIR,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PEER_DIST_DIR: PEER_DIST, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`next build of the peer failed (exit ${result.status ?? result.signal})`);
  }
  log(`peer built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

// ───────────────────────────── databases, servers ─────────────────────────────

async function createPeerDatabase(mode: Mode): Promise<{ name: string; url: string }> {
  assertNotInterrupted();
  const name = `bench_better_auth_${mode}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  onCleanup(`drop database ${name}`, () => withClient(PG_BASE, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}));
  await withClient(PG_BASE, (c) => c.query(`CREATE DATABASE "${name}"`));
  return { name, url: databaseUrl(name) };
}

function peerEnv(mode: Mode, database: string, redisPrefix: string, url: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    BETTER_AUTH_TELEMETRY: "0",
    PEER_DIST_DIR: PEER_DIST,
    PEER_MODE: mode,
    PEER_REDIS_PREFIX: redisPrefix,
    REDIS_URL,
    DATABASE_URL: database,
    BETTER_AUTH_SECRET: PEER_SECRET,
    BETTER_AUTH_URL: url,
    PEER_EMAIL,
    PEER_PASSWORD,
  };
  delete env.NODE_OPTIONS;
  return env;
}

/** Better Auth's migrations and the user that owns the keys (bench/better-auth/scripts/setup.ts). */
function setupPeer(mode: Mode, database: string, redisPrefix: string): void {
  const result = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/setup.ts"], {
    cwd: PEER_DIR,
    env: peerEnv(mode, database, redisPrefix, "http://127.0.0.1"),
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0 || !result.stdout.includes("PEER_SETUP ")) {
    throw new Error(`peer setup (${mode}) failed (exit ${result.status ?? result.signal}):\n${(result.stdout + result.stderr).slice(-3000)}`);
  }
}

export type PeerServer = { name: string; url: string; child: ChildProcess; stop(): Promise<void> };

export async function startPeer(opts: Options, name: string, port: number, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<PeerServer> {
  assertNotInterrupted();
  const url = `http://127.0.0.1:${port}`;
  try {
    await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1_000) });
    throw new Error(`port ${port} is already in use (a leftover bench server?); stop it first`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("port ")) throw error;
  }
  const child = spawn(process.execPath, [...nodeArgs, path.join(PEER_DIR, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: PEER_DIR,
    env: { ...env, BETTER_AUTH_URL: url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  for (const s of [child.stdout!, child.stderr!]) {
    s.setEncoding("utf8").on("data", (c: string) => {
      lines.push(...c.split("\n"));
      if (lines.length > 60) lines.splice(0, lines.length - 60);
    });
  }
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exit;
    clearTimeout(timer);
  };
  onCleanup(`stop peer ${name}`, stop);
  const started = Date.now();
  while (!exited && Date.now() - started < 90_000) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) {
        opts.log(`peer ${name} ready on :${port} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return { name, url, child, stop };
      }
    } catch {
      // not yet listening
    }
    await sleep(150);
  }
  await stop();
  throw new Error(`peer ${name} did not start:\n${lines.join("\n")}`);
}

/** Signs in through Better Auth's email endpoint; returns the Cookie header. */
async function peerSignIn(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: url },
    body: JSON.stringify({ email: PEER_EMAIL, password: PEER_PASSWORD }),
  });
  if (!response.ok) throw new Error(`peer sign-in: HTTP ${response.status} ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/** POST /api/auth/api-key/create, as a signed-in user would (the plugin's documented client endpoint). */
async function peerCreateKey(url: string, cookie: string, name: string): Promise<{ id: string; key: string }> {
  const response = await fetch(`${url}/api/auth/api-key/create`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: url, Cookie: cookie },
    body: JSON.stringify({ name }),
  });
  const body = (await response.json()) as { id?: string; key?: string };
  if (!response.ok || !body.id || !body.key) throw new Error(`peer api-key/create: HTTP ${response.status} ${JSON.stringify(body)}`);
  return { id: body.id, key: body.key };
}

async function peerDeleteKey(url: string, cookie: string, keyId: string): Promise<void> {
  const response = await fetch(`${url}/api/auth/api-key/delete`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: url, Cookie: cookie },
    body: JSON.stringify({ keyId }),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`peer api-key/delete: HTTP ${response.status}`);
}

// ───────────────────────────── measuring ─────────────────────────────

type Measured = LoadResult & { cpuUsPerRequest: number; db: DbDelta; redisCommands: number | null; redisCpuMs: number | null };

/** `settle`: wait for the database's statistics to arrive (only the verified runs' are reported). */
async function measure(ctx: Context, pid: number, db: { url: string; name: string }, job: LoadJob, settle = true): Promise<Measured> {
  const dbBefore = await dbSnapshot(db.url, db.name);
  const redisBefore = await redisStats();
  const cpuBefore = processTreeCpuMs(pid);
  const result = await ctx.load.run(job);
  const cpuAfter = processTreeCpuMs(pid);
  const redisAfter = await redisStats();
  if (settle && !ctx.opts.smoke) await sleep(1_100); // let the last second's statistics reach pg_stat_*
  const dbAfter = await dbSnapshot(db.url, db.name);
  return {
    ...result,
    cpuUsPerRequest: ((cpuAfter - cpuBefore) * 1000) / Math.max(1, result.requests),
    db: dbDelta(dbBefore, dbAfter),
    redisCommands: redisBefore && redisAfter ? redisAfter.commands - redisBefore.commands - 1 : null,
    redisCpuMs: redisBefore && redisAfter ? redisAfter.cpuMs - redisBefore.cpuMs : null,
  };
}

type Trial = {
  ms: number | null;
  rawMs: number | null;
  /** Send time, relative to the delete's response, of the first refused request and of the last accepted one. */
  firstRefusedSentMs: number | null;
  lastAcceptedSentMs: number | null;
  lateAccepts: number;
  requests: number;
  stillAcceptedAfterMs: number | null;
};

const REVOCATION_WAIT_MS = 5_000;

/**
 * One revocation trial, the same for both products (as section 4): 4 clients loop on the second
 * instance with the victim key (warm there), the first instance deletes it; the time from the
 * delete's response to the second instance's first refusal, and how many requests sent more than
 * 100 ms after that response were still accepted. A key still accepted after REVOCATION_WAIT_MS is
 * a result, not an error (`ms: null`): the key is then tried again, alone, after a further 5 s, to
 * tell "slow to notice" from "the deleted key is back for good".
 */
async function revocationTrial(verify: () => Promise<number>, revoke: () => Promise<void>): Promise<Trial> {
  for (let i = 0; i < 3; i++) {
    const status = await verify();
    if (status !== 200) throw new Error(`second instance answered ${status} for a fresh key`);
  }
  let revokedAt = 0;
  let firstRefusal = 0;
  let firstRefusedSent = 0;
  let lastAcceptedSent = 0;
  let stop = false;
  let requests = 0;
  let lateAccepts = 0;
  const client = async () => {
    while (!stop && !firstRefusal) {
      const sentAt = performance.now();
      const status = await verify();
      requests++;
      if (status === 401) {
        if (!firstRefusal) {
          firstRefusal = performance.now();
          firstRefusedSent = sentAt;
        }
        return;
      }
      if (status !== 200) throw new Error(`second instance answered ${status}`);
      lastAcceptedSent = Math.max(lastAcceptedSent, sentAt);
      if (revokedAt && sentAt > revokedAt + 100) lateAccepts++;
    }
  };
  const hammer = Promise.all(Array.from({ length: 4 }, client));
  await sleep(50);
  await revoke();
  revokedAt = performance.now();
  await Promise.race([hammer, sleep(REVOCATION_WAIT_MS)]);
  stop = true;
  await hammer;
  const lastAcceptedSentMs = lastAcceptedSent ? round(lastAcceptedSent - revokedAt, 2) : null;
  if (!firstRefusal) {
    await sleep(REVOCATION_WAIT_MS);
    const later = await verify();
    const stillAcceptedAfterMs = later === 200 ? round(performance.now() - revokedAt, 0) : null;
    return { ms: null, rawMs: null, firstRefusedSentMs: null, lastAcceptedSentMs, lateAccepts, requests, stillAcceptedAfterMs };
  }
  const rawMs = firstRefusal - revokedAt;
  const firstRefusedSentMs = round(firstRefusedSent - revokedAt, 2);
  return { ms: Math.max(0, rawMs), rawMs: round(rawMs, 2), firstRefusedSentMs, lastAcceptedSentMs, lateAccepts, requests, stillAcceptedAfterMs: null };
}

async function status(url: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  return response.status;
}

// ───────────────────────────── the section ─────────────────────────────

type System = {
  id: string;
  label: string;
  pid: number;
  db: { url: string; name: string };
  health: LoadJob;
  verified: LoadJob;
  runs: { health: Measured[]; verified: Measured[] };
  revocation: Trial[];
};

export async function peer(ctx: Context): Promise<SectionResult> {
  const S = "8 peer";
  const { smoke, log } = ctx.opts;
  const rounds = smoke ? 1 : Number(process.env.BENCH_PEER_RUNS) || 5;
  const durationSec = smoke ? 1 : Number(process.env.BENCH_PEER_DURATION) || 4;
  const trials = smoke ? 2 : Number(process.env.BENCH_PEER_REVOCATION_TRIALS) || 10;
  const connections = 10;
  const modes = (process.env.BENCH_PEER_MODES?.split(",") as Mode[] | undefined) ?? [...MODES];
  for (const m of modes) if (!MODES.includes(m)) throw new Error(`BENCH_PEER_MODES: unknown mode ${m}`);

  installPeer(log);
  buildPeer(log);
  const redisPing = await redisCommand(["PING"]).catch((e: unknown) => `ERR ${e instanceof Error ? e.message : e}`);
  const redisModes = modes.filter((m) => m !== "defaults");
  if (redisModes.length && redisPing !== "PONG") throw new Error(`no Redis at ${REDIS_URL} (${redisPing}); set BENCH_REDIS_URL or BENCH_PEER_MODES=defaults`);
  const redisPrefix = `paygentic-bench-peer-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}:`;
  onCleanup("delete the peer's Redis keys", async () => void (await redisDeletePrefix(redisPrefix).catch(() => 0)));

  // Ours: instances A and B of the shared context.
  const A = await ctx.serverA();
  const B = await ctx.serverB();
  const sql = await ctx.sql();
  const ours: System = {
    id: "ours",
    label: "Paygentic",
    pid: A.child.pid!,
    db: ctx.database,
    health: { url: `${A.url}/api/health`, connections, durationSec },
    verified: { url: `${A.url}/api/v1/ping`, connections, durationSec, headers: { authorization: `Bearer ${(await insertKey(sql, { email: "adam@acme.test", name: "bench peer" })).key}` } },
    runs: { health: [], verified: [] },
    revocation: [],
  };

  // Theirs: per configuration a database, a first instance (load, create/delete) and a second one.
  const peers: (System & { mode: Mode; a: PeerServer; b: PeerServer; cookie: string })[] = [];
  for (const [i, mode] of modes.entries()) {
    const database = await createPeerDatabase(mode);
    const prefix = `${redisPrefix}${mode}:`;
    setupPeer(mode, database.url, prefix);
    const env = peerEnv(mode, database.url, prefix, "");
    const a = await startPeer(ctx.opts, `${mode}-1`, PORT_BASE + 20 + 2 * i, env);
    const b = await startPeer(ctx.opts, `${mode}-2`, PORT_BASE + 21 + 2 * i, env);
    const cookie = await peerSignIn(a.url);
    const { key } = await peerCreateKey(a.url, cookie, "bench load");
    peers.push({
      id: `better-auth-${mode}`,
      label: MODE_LABEL[mode],
      mode,
      a,
      b,
      cookie,
      pid: a.child.pid!,
      db: database,
      health: { url: `${a.url}/api/health`, connections, durationSec },
      verified: { url: `${a.url}/api/verify`, connections, durationSec, headers: { "x-api-key": key } },
      runs: { health: [], verified: [] },
      revocation: [],
    });
  }
  const systems: System[] = [ours, ...peers];

  // Warm-up (JIT, route modules, connections, caches), then interleaved rounds.
  for (const s of systems) {
    await ctx.load.run({ ...s.health, durationSec: smoke ? 0.5 : 2 });
    await ctx.load.run({ ...s.verified, durationSec: smoke ? 0.5 : 2 });
  }
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round so that no system always follows the same neighbour.
    const order = systems.map((_, i) => systems[(i + r) % systems.length]!);
    for (const s of order) {
      s.runs.health.push(await measure(ctx, s.pid, s.db, s.health, false));
      s.runs.verified.push(await measure(ctx, s.pid, s.db, s.verified));
    }
    log(`  round ${r + 1}/${rounds}: ${systems.map((s) => `${s.id} ${round(s.runs.verified.at(-1)!.rps, 0)}`).join(", ")} req/s`);
  }
  for (const s of systems) {
    for (const [what, list] of [["health", s.runs.health], ["verified", s.runs.verified]] as const) {
      for (const run of list) {
        if (okShare(run, "200") < 0.999) throw new Error(`${s.label} ${what}: expected 200s, got ${describeStatuses(run)} (errors ${run.errors})`);
      }
    }
  }

  // Revocation on a second instance.
  const ownerKey = (await insertKey(sql, { email: "alice@acme.test", name: "bench peer revoker" })).key;
  for (let t = 0; t < trials; t++) {
    const victim = await insertKey(sql, { email: "dana@acme.test", name: `bench peer victim ${t}` });
    ours.revocation.push(
      await revocationTrial(
        () => status(`${B.url}/api/v1/ping`, { Authorization: `Bearer ${victim.key}` }),
        async () => {
          const response = await fetch(`${A.url}/api/v1/api-keys/${victim.id}`, { method: "DELETE", headers: { Authorization: `Bearer ${ownerKey}` } });
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`revoking through A answered ${response.status}`);
        },
      ),
    );
    for (const p of peers) {
      const v = await peerCreateKey(p.a.url, p.cookie, `victim ${t}`);
      p.revocation.push(
        await revocationTrial(
          () => status(`${p.b.url}/api/verify`, { "x-api-key": v.key }),
          () => peerDeleteKey(p.a.url, p.cookie, v.id),
        ),
      );
    }
  }
  for (const p of peers) {
    await p.b.stop();
    await p.a.stop();
  }

  // ── results ──
  type Summary = {
    id: string;
    label: string;
    verifiedRps: number;
    healthRps: number;
    ratio: number;
    p50: number;
    p99: number;
    healthP99: number;
    cpuUs: number;
    statements: number | null;
    transactions: number;
    rowsWritten: number;
    indexScans: number;
    dbCpuUs: number;
    redisCommands: number | null;
    /** null when some trial's key was still accepted after REVOCATION_WAIT_MS. */
    revocationMaxMs: number | null;
    revocationMedianMs: number | null;
    lateAccepts: number;
    neverRefused: number;
    stillAcceptedLater: number;
    /** The latest a request was sent, relative to the delete's response, and still accepted (max over trials): propagation without the refusal's own latency. */
    lastAcceptedSentMaxMs: number | null;
  };
  const per = (list: Measured[], f: (m: Measured) => number) => median(list.map(f));
  const refused = (s: System) => s.revocation.flatMap((t) => (t.ms === null ? [] : [t.ms]));
  const revocationText = (s: Summary) =>
    [
      s.revocationMedianMs === null ? null : `median ${s.revocationMedianMs} ms`,
      s.neverRefused === 0 && s.lastAcceptedSentMaxMs !== null
        ? `the latest request still accepted was sent ${s.lastAcceptedSentMaxMs} ms ${s.lastAcceptedSentMaxMs < 0 ? "before" : "after"} the delete's response`.replace("-", "")
        : null,
      s.neverRefused ? `${s.neverRefused} of ${trials} keys still accepted ${REVOCATION_WAIT_MS / 1000} s after the delete` : null,
      s.stillAcceptedLater ? `${s.stillAcceptedLater} of them still accepted ${(2 * REVOCATION_WAIT_MS) / 1000} s after` : null,
    ]
      .filter(Boolean)
      .join("; ")
  const summaries: Summary[] = systems.map((s) => {
    const v = s.runs.verified;
    const perReq = (f: (m: Measured) => number) => per(v, (m) => f(m) / Math.max(1, m.requests));
    const redis = s.id.includes("defaults") || s.id === "ours" ? null : perReq((m) => m.redisCommands ?? NaN);
    return {
      id: s.id,
      label: s.label,
      verifiedRps: round(per(v, (m) => m.rps), 0),
      healthRps: round(per(s.runs.health, (m) => m.rps), 0),
      ratio: round(median(v.map((m, i) => m.rps / s.runs.health[i]!.rps)), 3),
      p50: round(per(v, (m) => m.latencyMs.p50), 2),
      p99: round(per(v, (m) => m.latencyMs.p99), 2),
      healthP99: round(per(s.runs.health, (m) => m.latencyMs.p99), 2),
      cpuUs: round(per(v, (m) => m.cpuUsPerRequest), 0),
      statements: v[0]?.db.statements === null ? null : round(perReq((m) => m.db.statements ?? NaN), 2),
      transactions: round(perReq((m) => m.db.transactions), 2),
      rowsWritten: round(perReq((m) => m.db.rowsWritten), 2),
      indexScans: round(perReq((m) => m.db.indexScans), 2),
      dbCpuUs: round(perReq((m) => m.db.backendCpuMs * 1000), 0),
      redisCommands: redis === null ? null : round(redis, 2),
      revocationMaxMs: refused(s).length < s.revocation.length ? null : round(Math.max(...refused(s)), 1),
      revocationMedianMs: refused(s).length ? round(median(refused(s)), 1) : null,
      lateAccepts: s.revocation.reduce((n, t) => n + t.lateAccepts, 0),
      neverRefused: s.revocation.length - refused(s).length,
      stillAcceptedLater: s.revocation.filter((t) => t.stillAcceptedAfterMs !== null).length,
      lastAcceptedSentMaxMs: s.revocation.some((t) => t.lastAcceptedSentMs !== null) ? round(Math.max(...s.revocation.map((t) => t.lastAcceptedSentMs ?? -Infinity)), 1) : null,
    };
  });
  const o = summaries[0]!;
  const theirs = summaries.slice(1);
  const best = theirs.reduce((a, b) => (b.verifiedRps > a.verifiedRps ? b : a));
  const rows: Row[] = [];
  for (const s of summaries) {
    rows.push({
      section: S,
      metric: `${s.label}: verified req/s (median)`,
      value: s.verifiedRps,
      unit: "req/s",
      note: `health ${s.healthRps} req/s, ratio ${s.ratio}; p50 ${s.p50} / p99 ${s.p99} ms; server CPU ${s.cpuUs} µs, DB ${s.statements ?? s.transactions} ${s.statements === null ? "transactions" : "statements"}, ${s.rowsWritten} row writes, ${s.indexScans} index scans, DB CPU ${s.dbCpuUs} µs${s.redisCommands === null ? "" : `, Redis ${s.redisCommands} commands`} per request`,
    });
  }
  for (const s of summaries) {
    rows.push({
      section: S,
      metric: `${s.label}: deleted key accepted by a 2nd instance, max of ${trials}`,
      value: s.revocationMaxMs,
      unit: "ms",
      note: `${revocationText(s)}; ${s.lateAccepts} requests accepted > 100 ms after the delete`,
    });
  }
  rows.push(targetRow(S, `ours / peer's best (${best.label}) verified req/s`, round(o.verifiedRps / best.verifiedRps, 3), "×", ">=", 1.5));
  rows.push(targetRow(S, `ours / peer's best verified p99`, round(o.p99 / best.p99, 3), "×", "<=", 1, `${o.p99} vs ${best.p99} ms`));
  rows.push(targetRow(S, "ours: revoked key accepted by a 2nd instance, max", o.revocationMaxMs, "ms", "<=", 100));

  // A side-by-side table in the log.
  const cols: [string, (s: Summary) => string][] = [
    ["", (s) => s.label],
    ["verified req/s", (s) => String(s.verifiedRps)],
    ["health req/s", (s) => String(s.healthRps)],
    ["ratio", (s) => s.ratio.toFixed(3)],
    ["p50 ms", (s) => s.p50.toFixed(2)],
    ["p99 ms", (s) => s.p99.toFixed(2)],
    ["CPU µs/req", (s) => String(s.cpuUs)],
    [o.statements === null ? "DB xact/req" : "DB stmt/req", (s) => String(s.statements ?? s.transactions)],
    ["row writes/req", (s) => String(s.rowsWritten)],
    ["DB CPU µs/req", (s) => String(s.dbCpuUs)],
    ["Redis cmd/req", (s) => (s.redisCommands === null ? "—" : String(s.redisCommands))],
    ["revoked accepted ms (max)", (s) => `${s.revocationMaxMs ?? "never refused"} (${revocationText(s)})`],
  ];
  const widths = cols.map(([h, f]) => Math.max(h.length, ...summaries.map((s) => f(s).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const tableText = [line(cols.map(([h]) => h)), ...summaries.map((s) => line(cols.map(([, f]) => f(s))))].join("\n");
  log(`peer comparison (median of ${rounds} interleaved rounds):\n${tableText}`);

  return {
    id: "peer",
    title: "8. Peer: Better Auth",
    rows,
    details: {
      betterAuth: "better-auth 1.7.5, @better-auth/api-key 1.7.5 (bench/better-auth/package.json)",
      rounds,
      durationSec,
      connections,
      trials,
      statementsSource: o.statements === null ? "pg_stat_database transactions (pg_stat_statements not preloaded)" : "pg_stat_statements",
      summaries,
      table: tableText,
      runs: Object.fromEntries(systems.map((s) => [s.id, { health: s.runs.health, verified: s.runs.verified, revocation: s.revocation }])),
    },
    notes: [
      `${rounds} interleaved rounds (order rotated each round) of ${durationSec} s at ${connections} connections per route, autocannon in one separate process for all; medians. Ours: GET /api/v1/ping (Bearer); Better Auth 1.7.5: GET /api/verify calling auth.api.verifyApiKey (x-api-key). Ratios are to each app's own /api/health in the same round.`,
      `DB per request: ${o.statements === null ? "transactions from pg_stat_database (≈ statements, autocommit; pg_stat_statements isn't in shared_preload_libraries here)" : "pg_stat_statements calls"}, row writes and index scans from pg_stat_user_tables, CPU of the database's backends from /proc; Redis commands from INFO (server-wide).`,
      `Revocation: ${trials} trials per system; 4 clients loop on the second instance with the victim key, the first instance deletes it (ours: DELETE /api/v1/api-keys/{id}; theirs: POST /api/auth/api-key/delete signed in); time from the delete's response to the second instance's first 401.`,
      "The peer's defaults limit each key to 10 requests a day; the limit is raised to 10⁹ so that every request does the same work and none is refused.",
      ...summaries
        .filter((s) => s.neverRefused > 0)
        .map(
          (s) =>
            `${s.label}: ${s.neverRefused} of ${trials} deleted keys were still accepted ${REVOCATION_WAIT_MS / 1000} s after the delete (${s.stillAcceptedLater} still ${(2 * REVOCATION_WAIT_MS) / 1000} s after). With secondary storage only, each verification reads the key from Redis and writes it back with its new lastRequest (claimUsageInSecondaryStorage: GET, then SET of the merged record); a delete that lands between the two is undone by the SET, and the key is back for good (no TTL without an expiry). deferUpdates moves that write after the response, which widens the window.`,
        ),
    ],
  };
}
