// Two production servers (scripts/server.mjs, as `npm start` runs them) on one PostgreSQL database:
// revocation reaches the other instance through LISTEN/NOTIFY, a lost subscription fails safe, and a
// database outage answers 503 and heals by itself. Runs only when TEST_DATABASE_URL (or DATABASE_URL)
// names a server.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { generateApiKey, hashApiKey } from "../lib/domain/api-keys/format";

const BASE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
const PORT_A = 3231;
const PORT_B = 3232;

test.describe.configure({ mode: "serial" });
test.skip(!BASE, "needs TEST_DATABASE_URL (a PostgreSQL server)");

function urlFor(name: string, port?: number): string {
  const url = new URL(BASE!);
  url.pathname = `/${name}`;
  if (port) {
    url.hostname = "127.0.0.1";
    url.port = String(port);
  }
  return url.toString();
}

/** A TCP relay in front of PostgreSQL that the test can cut, to simulate an outage for one instance. */
class Relay {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}
  async start(port = 0): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}

const servers: ChildProcess[] = [];
let dbName = "";
let admin: pg.Client;
let relay: Relay;

function startServer(port: number, databaseUrl: string, appName: string): ChildProcess {
  const child = spawn(process.execPath, ["scripts/server.mjs"], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: "multi-instance-test-secret-0123456789",
      SEED_DEMO_DATA: "true",
      NEXT_MANUAL_SIG_HANDLE: "1",
      NEXT_TELEMETRY_DISABLED: "1",
      PGAPPNAME: appName,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", () => {});
  child.stderr?.on("data", () => {});
  servers.push(child);
  return child;
}

async function waitReady(port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health/ready`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`instance on ${port} never became ready`);
}

async function insertKey(email: string, environment = "production"): Promise<{ id: string; key: string }> {
  const { key, prefix, last4 } = generateApiKey(environment === "production" ? "live" : "test");
  const id = `key_${randomBytes(8).toString("hex")}`;
  await admin.query(
    `INSERT INTO "ApiKey" (id, "organizationId", "userId", name, environment, prefix, last4, hash)
     SELECT $1, m."organizationId", u.id, $2, $3::"Environment", $4, $5, $6
       FROM "User" u JOIN "Membership" m ON m."userId" = u.id JOIN "Organization" o ON o.id = m."organizationId"
      WHERE u.email = $7 AND o.slug = 'acme'`,
    [id, `mi-${id}`, environment, prefix, last4, hashApiKey(key), email],
  );
  return { id, key };
}

async function ping(port: number, key: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/ping`, { headers: { Authorization: `Bearer ${key}` } });
  return response.status;
}

async function revokeOnA(adminKey: string, id: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${PORT_A}/api/v1/api-keys/${id}`, {
    method: "DELETE",
    headers: { Authorization: `Bearer ${adminKey}` },
  });
  expect(response.status).toBe(200);
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dbName = `paygentic_mi_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const root = new pg.Client({ connectionString: BASE });
  await root.connect();
  await root.query(`CREATE DATABASE "${dbName}"`);
  await root.end();
  const target = new URL(BASE!);
  relay = new Relay({ host: target.hostname || "127.0.0.1", port: Number(target.port || 5432) });
  await relay.start();
  startServer(PORT_A, urlFor(dbName), "paygentic-a");
  await waitReady(PORT_A); // A migrates and seeds first; B then finds both done
  startServer(PORT_B, urlFor(dbName, relay.port), "paygentic-b");
  await waitReady(PORT_B);
  admin = new pg.Client({ connectionString: urlFor(dbName) });
  await admin.connect();
});

test.afterAll(async () => {
  for (const child of servers) child.kill("SIGTERM");
  await Promise.all(servers.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r)))));
  await admin?.end().catch(() => {});
  await relay?.stop();
  if (dbName) {
    const root = new pg.Client({ connectionString: BASE });
    await root.connect();
    await root.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await root.end();
  }
});

// The 100 ms target is measured by the benchmark (section 4) on a quiet machine. Here the bound only
// has to tell the push path from the fall-backs (a lost listener is noticed in 2–5 s, a cached key
// lives 60 s) while the test shares two cores with the rest of the suite.
const PUSH_BOUND_MS = 1_000;

test("a key revoked on instance A is refused by instance B at once, through NOTIFY", async () => {
  const adminKey = (await insertKey("alice@acme.test")).key;
  const trials: number[] = [];
  for (let trial = 0; trial < 5; trial++) {
    const victim = await insertKey("dana@acme.test");
    for (let i = 0; i < 3; i++) expect(await ping(PORT_B, victim.key)).toBe(200); // cached on B now
    let revokedAt = 0;
    let firstRefusal = 0;
    let stop = false;
    // Several clients at once, so that some request starts right after B hears of the revocation.
    const client = async () => {
      while (!stop && !firstRefusal) {
        const sentAt = performance.now();
        const status = await ping(PORT_B, victim.key);
        if (status === 401) {
          firstRefusal ||= performance.now();
          return;
        }
        expect(status).toBe(200);
        // Anything sent well after A answered must already be refused.
        if (revokedAt && sentAt > revokedAt + PUSH_BOUND_MS) throw new Error(`B accepted a key revoked ${sentAt - revokedAt} ms earlier`);
      }
    };
    const hammer = Promise.all([client(), client(), client(), client()]);
    await new Promise((r) => setTimeout(r, 50));
    await revokeOnA(adminKey, victim.id);
    revokedAt = performance.now();
    await Promise.race([hammer, new Promise((r) => setTimeout(r, 2_000))]);
    stop = true;
    await hammer;
    expect(firstRefusal, "B never refused the revoked key").toBeGreaterThan(0);
    trials.push(Math.max(0, firstRefusal - revokedAt));
  }
  console.log(`revocation A→B, ms after A's response: ${trials.map((t) => t.toFixed(1)).join(", ")}`);
  expect(Math.max(...trials)).toBeLessThanOrEqual(PUSH_BOUND_MS);
});

test("when B's LISTEN connection dies, B still never accepts a revoked key", async () => {
  const adminKey = (await insertKey("alice@acme.test")).key;
  const victim = await insertKey("dana@acme.test");
  expect(await ping(PORT_B, victim.key)).toBe(200);
  expect(await ping(PORT_B, victim.key)).toBe(200);
  // B's listener connection: its last statement is its LISTEN, or the NOTIFY of its own heartbeat.
  const killed = await admin.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = $1 AND application_name = 'paygentic-b' AND query ~ '^(LISTEN|NOTIFY) paygentic_'`,
    [dbName],
  );
  expect(killed.rowCount).toBe(1);
  // Revoked while B is (or may be) unsubscribed: the notification can be lost.
  await revokeOnA(adminKey, victim.id);
  expect(await ping(PORT_B, victim.key)).toBe(401);
  // And after B has re-subscribed (its cache was emptied), still refused.
  await new Promise((r) => setTimeout(r, 1_500));
  expect(await ping(PORT_B, victim.key)).toBe(401);
  const relisten = await admin.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'paygentic-b' AND query ~ '^(LISTEN|NOTIFY) paygentic_'`,
    [dbName],
  );
  expect(relisten.rows[0].n).toBe(1);
});

test("database unreachable: 503 for keys B can't check, and B recovers by itself", async () => {
  const fresh = await insertKey("dana@acme.test");
  await relay.stop();
  const port = relay.port;
  const during = await fetch(`http://127.0.0.1:${PORT_B}/api/v1/me`, { headers: { Authorization: `Bearer ${fresh.key}` } });
  expect(during.status).toBe(503);
  const body = await during.json();
  expect(body.error).toMatchObject({ type: "api_error", code: "service_unavailable" });
  expect(during.headers.get("retry-after")).toBeTruthy();
  expect((await fetch(`http://127.0.0.1:${PORT_B}/api/health/ready`)).status).toBe(503);
  expect((await fetch(`http://127.0.0.1:${PORT_B}/api/health`)).status).toBe(200);

  await relay.start(port);
  await expect
    .poll(async () => ping(PORT_B, fresh.key), { timeout: 20_000, intervals: [250] })
    .toBe(200);
  expect((await fetch(`http://127.0.0.1:${PORT_B}/api/health/ready`)).status).toBe(200);
});
