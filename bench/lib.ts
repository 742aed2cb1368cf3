// Shared pieces of the benchmarks (`npm run bench`): child servers, scratch databases, the load
// generator process, sign-in, statistics and the result rows that run.ts prints and saves.
import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { buildIsFresh as buildIsFreshIn } from "../scripts/build-freshness.mjs";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { generateApiKey, hashApiKey } from "../lib/domain/api-keys/format";

export const ROOT = path.resolve(__dirname, "..");
export const PG_BASE = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
export const AUTH_SECRET = "paygentic-bench-auth-secret-0123456789";
export const DEMO_PASSWORD = "demo-password";
/** Set on every bench server so that rejection floods measure the rejection, not the 429 path. */
export const HIGH_FAILURE_LIMIT = "1000000000";

export type Options = {
  smoke: boolean;
  distDir: string;
  /** Extra node flags for the servers (e.g. --cpu-prof), from BENCH_SERVER_NODE_ARGS. */
  serverNodeArgs: string[];
  log: (line: string) => void;
};

// ───────────────────────────── results ─────────────────────────────

export type Row = {
  section: string;
  metric: string;
  value: number | null;
  unit: string;
  /** Human-readable target, e.g. "≥ 0.90". */
  target?: string;
  pass?: boolean;
  note?: string;
};

export type SectionResult = { id: string; title: string; rows: Row[]; details: Record<string, unknown>; notes: string[] };

export function targetRow(
  section: string,
  metric: string,
  value: number | null,
  unit: string,
  op: "<=" | ">=",
  limit: number,
  note?: string,
): Row {
  const pass = value !== null && Number.isFinite(value) && (op === "<=" ? value <= limit : value >= limit);
  return { section, metric, value, unit, target: `${op === "<=" ? "≤" : "≥"} ${limit}${unit && unit !== "×" ? " " + unit : ""}`, pass, note };
}

// ───────────────────────────── statistics ─────────────────────────────

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

export function median(values: readonly number[]): number {
  return percentile(sortedCopy(values), 50);
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ───────────────────────────── cleanup ─────────────────────────────

type Cleanup = { label: string; fn: () => Promise<void> | void };
const cleanups: Cleanup[] = [];
let cleaningUp: Promise<void> | null = null;
let interrupted = false;

/** Throws once the run was interrupted, so that no new server or database is created meanwhile. */
export function assertNotInterrupted(): void {
  if (interrupted) throw new Error("interrupted");
}

/** Registered cleanups run last-in first-out on exit, failure or SIGINT/SIGTERM. */
export function onCleanup(label: string, fn: () => Promise<void> | void): () => void {
  const entry = { label, fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

export function runCleanups(): Promise<void> {
  cleaningUp ??= (async () => {
    while (cleanups.length > 0) {
      const entry = cleanups.pop()!;
      try {
        await entry.fn();
      } catch (error) {
        console.error(`[bench] cleanup "${entry.label}" failed: ${error instanceof Error ? error.message : error}`);
      }
    }
  })().finally(() => {
    cleaningUp = null;
  });
  return cleaningUp;
}

/**
 * A bench script's entry point: exits with main's code (0 when it returns nothing), or prints the
 * error, runs the cleanups (servers, databases) and exits 1.
 */
export function runMain(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    async (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      await runCleanups();
      process.exit(1);
    },
  );
}

let signalsInstalled = false;
export function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`\n[bench] ${signal}: stopping servers and dropping databases…`);
      // Twice: something being created while the first pass ran registers its cleanup late.
      void runCleanups()
        .then(() => runCleanups())
        .finally(() => process.exit(130));
    });
  }
  // Last resort if something calls process.exit without awaiting cleanups: at least kill children.
  process.once("exit", () => {
    for (const child of liveChildren) child.kill("SIGKILL");
  });
}

const liveChildren = new Set<ChildProcess>();

function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.once("exit", () => liveChildren.delete(child));
}

// ───────────────────────────── databases ─────────────────────────────

export function databaseUrl(name: string, base = PG_BASE): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh PostgreSQL database, dropped by the cleanups. */
export async function createDatabase(label: string): Promise<{ name: string; url: string }> {
  assertNotInterrupted();
  const name = `paygentic_bench_${label}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  onCleanup(`drop database ${name}`, () => dropDatabase(name)); // before: an interruption may land mid-CREATE
  await withClient(PG_BASE, (c) => c.query(`CREATE DATABASE "${name}"`));
  return { name, url: databaseUrl(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await withClient(PG_BASE, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

// ───────────────────────────── build ─────────────────────────────

/** Is there a build in `distDir` newer than every source file? (The same check as `npm start`.) */
export function buildIsFresh(distDir: string): boolean {
  return buildIsFreshIn(distDir, ROOT);
}

export function nextBuild(distDir: string, log: (line: string) => void): void {
  log(`building the app into ${distDir} (next build)…`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

// ───────────────────────────── servers ─────────────────────────────

export type Server = {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  /** Every stdout/stderr line so far. */
  lines: string[];
  onLine(listener: (line: string) => void): () => void;
  stop(): Promise<void>;
};

export type ServerOptions = {
  name: string;
  port: number;
  /** Undefined: the embedded database (PGlite) in dataDir. */
  databaseUrl?: string;
  dataDir?: string;
  env?: Record<string, string>;
};

export async function startServer(opts: Options, server: ServerOptions): Promise<Server> {
  assertNotInterrupted();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_DIST_DIR: opts.distDir,
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_MANUAL_SIG_HANDLE: "1",
    PORT: String(server.port),
    AUTH_SECRET,
    SEED_DEMO_DATA: "true",
    API_AUTH_FAILURES_PER_MINUTE: HIGH_FAILURE_LIMIT,
    PAYGENTIC_TIMING_LOG: "1",
    PGAPPNAME: `paygentic-bench-${server.name}`,
    ...server.env,
  };
  delete env.DATABASE_URL;
  delete env.PGLITE_DIR;
  delete env.NODE_OPTIONS;
  if (server.databaseUrl) env.DATABASE_URL = server.databaseUrl;
  if (server.dataDir) env.DATA_DIR = server.dataDir;
  const child = spawn(
    process.execPath,
    // The production server as `npm start` runs it (PORT is in env).
    [...opts.serverNodeArgs, path.join(ROOT, "scripts/server.mjs")],
    { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  track(child);
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (lines.length > 20_000) lines.splice(0, 10_000);
        for (const listener of listeners) listener(line);
      }
    });
  }
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exit;
    clearTimeout(timer);
  };
  const unregister = onCleanup(`stop server ${server.name}`, stop);
  const url = `http://127.0.0.1:${server.port}`;
  const started = Date.now();
  try {
    await waitReady(url, () => exited, 90_000);
  } catch (error) {
    await stop();
    unregister();
    throw new Error(`${error instanceof Error ? error.message : error}\n--- ${server.name} output ---\n${lines.slice(-40).join("\n")}`);
  }
  opts.log(`server ${server.name} ready on :${server.port} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    name: server.name,
    port: server.port,
    url,
    child,
    lines,
    onLine(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      unregister();
      await stop();
    },
  };
}

async function waitReady(url: string, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`server at ${url} exited during start-up`);
    try {
      if ((await fetch(`${url}/api/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  throw new Error(`server at ${url} was not ready after ${timeoutMs / 1000} s`);
}

// ───────────────────────────── keys and users ─────────────────────────────

/** Inserts a key straight into "ApiKey" for a member of `orgSlug`; returns its id and plaintext. */
export async function insertKey(
  client: pg.Client,
  params: { email: string; orgSlug?: string; environment?: "production" | "staging" | "development"; name?: string },
): Promise<{ id: string; key: string }> {
  const environment = params.environment ?? "production";
  const { key, prefix, last4 } = generateApiKey(environment === "production" ? "live" : "test");
  const id = `bench_${randomBytes(8).toString("hex")}`;
  const inserted = await client.query(
    `INSERT INTO "ApiKey" (id, "organizationId", "userId", name, environment, prefix, last4, hash)
     SELECT $1, o.id, u.id, $2, $3::"Environment", $4, $5, $6
       FROM "User" u JOIN "Membership" m ON m."userId" = u.id JOIN "Organization" o ON o.id = m."organizationId"
      WHERE u.email = $7 AND o.slug = $8`,
    [id, params.name ?? `bench ${id}`, environment, prefix, last4, hashApiKey(key), params.email, params.orgSlug ?? "acme"],
  );
  if (inserted.rowCount !== 1) throw new Error(`insertKey: no membership of ${params.email} in ${params.orgSlug ?? "acme"}`);
  return { id, key };
}

/** A well-formed key (valid checksum) that exists nowhere. */
export function unknownKey(): string {
  return generateApiKey("live").key;
}

/** The right shape and length, a wrong checksum: rejected without hashing or a database look-up. */
export function malformedKey(): string {
  const { key } = generateApiKey("live");
  const last = key.at(-1) === "A" ? "B" : "A";
  return key.slice(0, -1) + last;
}

/** Signs in through next-auth's credentials endpoint; returns the Cookie header value of the session. */
export async function signIn(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const csrfResponse = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const eq = pair!.indexOf("=");
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  };
  keep(csrfResponse);
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookieHeader() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(),
  });
  keep(response);
  const session = [...jar.keys()].find((k) => k.endsWith("next-auth.session-token"));
  if (!session) throw new Error(`sign-in as ${email} failed: HTTP ${response.status} ${await response.text().catch(() => "")}`);
  return `${session}=${jar.get(session)}`;
}

// ───────────────────────────── load generator (autocannon in a child process) ─────────────────────────────

export type LoadJob = {
  url: string;
  connections: number;
  durationSec: number;
  headers?: Record<string, string>;
  /** A fresh well-formed unknown key in the Authorization header of every request. */
  freshUnknownKeys?: boolean;
};

export type LoadResult = {
  url: string;
  durationSec: number;
  requests: number;
  rps: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
};

type WorkerMessage = { id: number; result?: LoadResult; error?: string };

export class LoadGenerator {
  private child: ChildProcess;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();

  constructor() {
    this.child = fork(path.join(__dirname, "load-worker.ts"), [], {
      cwd: ROOT,
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    track(this.child);
    this.child.on("message", (message: WorkerMessage) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error || !message.result) waiter.reject(new Error(`load worker: ${message.error}`));
      else waiter.resolve(message.result);
    });
    this.child.on("exit", (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`load worker exited (${code})`));
      this.pending.clear();
    });
    onCleanup("stop load generator", () => this.close());
  }

  run(job: LoadJob): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, job });
    });
  }

  close(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
  }
}

let sharedLoad: LoadGenerator | undefined;
export function loadGenerator(): LoadGenerator {
  sharedLoad ??= new LoadGenerator();
  return sharedLoad;
}

export function okShare(result: LoadResult, status: string): number {
  return (result.statusCodes[status] ?? 0) / Math.max(1, result.requests);
}

export function describeStatuses(result: LoadResult): string {
  return Object.entries(result.statusCodes)
    .map(([code, n]) => `${code}×${n}`)
    .join(" ");
}

// ───────────────────────────── small helpers ─────────────────────────────

/** Reads the `[timing] <name> <ms>` lines a server prints with PAYGENTIC_TIMING_LOG=1, by name. */
export function timingCollector(server: Server): { values(name: string): number[]; all: Map<string, number[]>; clear(): void; stop(): void } {
  const all = new Map<string, number[]>();
  const stop = server.onLine((line) => {
    const match = /\[timing\] (\S+) ([0-9.]+)/.exec(line);
    if (!match) return;
    const list = all.get(match[1]!) ?? [];
    list.push(Number(match[2]));
    all.set(match[1]!, list);
  });
  return { values: (name) => all.get(name) ?? [], all, clear: () => all.clear(), stop };
}

export function fmt(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(digits);
}

// ───────────────────────────── the shared PostgreSQL deployment ─────────────────────────────

/** BENCH_PORT_BASE moves every bench port (A–E at base..base+4, the scale server at base+6, the peer at base+20..). */
export const PORT_BASE = Number(process.env.BENCH_PORT_BASE) || 3401;
export const PORTS = { A: PORT_BASE, B: PORT_BASE + 1, C: PORT_BASE + 2, D: PORT_BASE + 3, E: PORT_BASE + 4 } as const;

/**
 * One PostgreSQL database and up to three production servers on it, started on first use:
 * A (first: migrates and seeds), B (second instance, for revocation), C (default failure limit,
 * for the 429 path). All but C run with API_AUTH_FAILURES_PER_MINUTE=HIGH_FAILURE_LIMIT.
 */
export type Context = {
  opts: Options;
  load: LoadGenerator;
  database: { name: string; url: string };
  /** A connection to the bench database (seeded once A is up). */
  sql(): Promise<pg.Client>;
  serverA(): Promise<Server>;
  serverB(): Promise<Server>;
  serverC(): Promise<Server>;
  // (Section 5 starts D and E on a database of its own.)
  /** A first (it migrates and seeds), then B and C side by side. */
  startAll(): Promise<void>;
};

async function assertPortFree(port: number): Promise<void> {
  try {
    await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(1_000) });
  } catch {
    return; // nothing answers: free
  }
  throw new Error(`port ${port} is already in use (a leftover bench server?); stop it first`);
}

export async function createContext(opts: Options): Promise<Context> {
  const database = await createDatabase("main");
  const started = new Map<string, Promise<Server>>();
  let client: pg.Client | undefined;
  const server = (name: "A" | "B" | "C", env?: Record<string, string>) => {
    let promise = started.get(name);
    if (!promise) {
      promise = (async () => {
        if (name !== "A") await ctx.serverA(); // A migrates and seeds first; the others find both done
        await assertPortFree(PORTS[name]);
        return startServer(opts, { name, port: PORTS[name], databaseUrl: database.url, env });
      })();
      started.set(name, promise);
    }
    return promise;
  };
  const ctx: Context = {
    opts,
    load: loadGenerator(),
    database,
    async sql() {
      await ctx.serverA();
      if (!client) {
        client = new pg.Client({ connectionString: database.url });
        await client.connect();
        const c = client;
        onCleanup("close bench database connection", () => c.end().catch(() => {}));
      }
      return client;
    },
    serverA: () => server("A"),
    serverB: () => server("B"),
    serverC: () => server("C", { API_AUTH_FAILURES_PER_MINUTE: "100" }),
    async startAll() {
      await ctx.serverA();
      await Promise.all([ctx.serverB(), ctx.serverC()]);
    },
  };
  return ctx;
}

// ───────────────────────────── server CPU time ─────────────────────────────

const CLOCK_TICKS = (() => {
  const out = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  return Number(out.stdout?.trim()) || 100;
})();

/** User + system CPU milliseconds of a process and its descendants (Linux /proc; NaN elsewhere). */
export function processTreeCpuMs(rootPid: number): number {
  if (!existsSync("/proc/self/stat")) return NaN;
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name (field 2) may contain spaces and parentheses: split after its last ")".
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // exited meanwhile
    }
  }
  let ticks = 0;
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.pop()!;
    const s = stats.get(pid);
    if (!s) continue;
    ticks += s.ticks;
    for (const [child, cs] of stats) if (cs.ppid === pid) queue.push(child);
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

/** Committed + rolled-back transactions of a database so far (PostgreSQL publishes them within ~1 s under load). */
async function databaseTransactions(url: string, name: string): Promise<number> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ n: string }>(`SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = $1`, [name]);
    return Number(rows[0]?.n ?? NaN);
  });
}

export type MeasuredLoad = LoadResult & { serverCpuUsPerRequest: number; dbTransactionsPerRequest: number };

/**
 * A load run against `server`, with the server's CPU time per request (µs) and the database
 * transactions per request (≈ statements: the app runs its hot-path SQL in autocommit) added.
 */
export async function loadWithCpu(ctx: Context, server: Server, job: LoadJob): Promise<MeasuredLoad> {
  const xactBefore = await databaseTransactions(ctx.database.url, ctx.database.name);
  const before = processTreeCpuMs(server.child.pid!);
  const result = await ctx.load.run(job);
  const after = processTreeCpuMs(server.child.pid!);
  if (!ctx.opts.smoke) await sleep(1_100); // let the last second's statistics reach pg_stat_database
  const xactAfter = await databaseTransactions(ctx.database.url, ctx.database.name);
  const requests = Math.max(1, result.requests);
  return {
    ...result,
    serverCpuUsPerRequest: ((after - before) * 1000) / requests,
    dbTransactionsPerRequest: Math.max(0, xactAfter - xactBefore - 2) / requests,
  };
}
