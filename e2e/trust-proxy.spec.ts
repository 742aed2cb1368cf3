// Client addresses over real sockets: the production server (scripts/server.mjs) limits failed
// authentications by the socket's address unless TRUST_PROXY says a proxy reports it, so a client
// can neither escape the limit by rotating X-Forwarded-For nor get another client's key refused.
// Runs its own servers (own ports, own data folders, a low limit): tripping the limit for
// 127.0.0.1 on the suite's shared server would refuse the other specs' API calls for a minute.
// Distinct clients are distinct loopback addresses (127.0.0.2, 127.0.0.3: Linux routes 127/8 to lo).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { expect, test, type Browser } from "@playwright/test";
import { API_KEYS_PATH, DEMO_PASSWORD, demoUser } from "./helpers";

const FAILURES = 20;

type Server = { port: number; child: ChildProcess; dataDir: string; output: string[] };
const servers: Server[] = [];

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function startServer(extraEnv: Record<string, string>): Promise<Server> {
  const port = await freePort();
  mkdirSync(".data", { recursive: true });
  const dataDir = mkdtempSync(path.join(".data", "e2e-trust-proxy-"));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, API_AUTH_FAILURES_PER_MINUTE: String(FAILURES) };
  delete env.DATABASE_URL;
  delete env.TRUST_PROXY;
  Object.assign(env, extraEnv);
  const child = spawn(process.execPath, ["scripts/server.mjs"], { env, stdio: ["ignore", "pipe", "pipe"] });
  const server = { port, child, dataDir, output: [] as string[] };
  child.stdout?.on("data", (chunk) => server.output.push(String(chunk)));
  child.stderr?.on("data", (chunk) => server.output.push(String(chunk)));
  servers.push(server);
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if ((await send(server, "/api/health/ready").catch(() => 0)) === 200) return server;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server on ${port} never became ready:\n${server.output.join("")}`);
}

/** One request from the loopback address `from`; resolves to the status. */
function send(server: Server, urlPath: string, options: { from?: string; key?: string; headers?: Record<string, string> } = {}): Promise<number> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port: server.port, path: urlPath, localAddress: options.from ?? "127.0.0.1", headers, agent: false }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    request.on("error", reject);
  });
}

async function createKeyThroughUi(browser: Browser, baseURL: string): Promise<string> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(demoUser("owner").email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname !== "/login");
  await page.goto(API_KEYS_PATH);
  await page.getByRole("button", { name: "Create new key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await dialog.getByLabel("Name").fill(`trust-proxy-${Date.now()}`);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("api-key-secret").textContent())!.trim();
  await context.close();
  return key;
}

const badKey = (i: number) => `sk_live_${String(i).padStart(38, "0")}`;
const randomAddress = () => `198.51.100.${Math.floor(Math.random() * 254) + 1}`;

test.describe.configure({ mode: "serial" });

test.afterAll(async () => {
  for (const { child } of servers) child.kill("SIGTERM");
  await Promise.all(servers.map(({ child }) => new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)))));
  for (const { dataDir } of servers) rmSync(dataDir, { recursive: true, force: true });
});

test.describe("TRUST_PROXY unset (no proxy): the socket's address", () => {
  let server: Server;
  let validKey = "";

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    server = await startServer({});
    validKey = await createKeyThroughUi(browser, `http://127.0.0.1:${server.port}`);
  });

  test("rotating X-Forwarded-For does not escape the failed-authentication limit", async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= FAILURES; i++) {
      statuses.push(await send(server, "/api/v1/ping", { from: "127.0.0.3", key: badKey(i), headers: { "x-forwarded-for": randomAddress() } }));
    }
    expect(statuses.slice(0, FAILURES).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Now blocked whatever it claims, even with a valid key.
    expect(await send(server, "/api/v1/ping", { from: "127.0.0.3", key: validKey, headers: { "x-forwarded-for": randomAddress() } })).toBe(429);
  });

  test("failures claiming another client's address don't get that client's valid key refused", async () => {
    const victim = "127.0.0.2";
    expect(await send(server, "/api/v1/ping", { from: victim, key: validKey })).toBe(200);
    let last = 0;
    for (let i = 0; i <= FAILURES; i++) {
      last = await send(server, "/api/v1/ping", { from: "127.0.0.1", key: badKey(i), headers: { "x-forwarded-for": victim } });
    }
    expect(last, "the attacker itself is limited").toBe(429);
    expect(await send(server, "/api/v1/ping", { from: victim, key: validKey })).toBe(200);
  });
});

test.describe("TRUST_PROXY=1 (one proxy in front): the address the proxy appended", () => {
  let server: Server;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    server = await startServer({ TRUST_PROXY: "1", PGLITE_DIR: "memory://", SEED_DEMO_DATA: "false" });
  });

  test("clients behind the proxy are limited one by one, whatever they wrote before the proxy's entry", async () => {
    const via = (client: string) => ({ from: "127.0.0.1", headers: { "x-forwarded-for": `203.0.113.66, ${client}` } });
    let last = 0;
    for (let i = 0; i <= FAILURES; i++) last = await send(server, "/api/v1/ping", { ...via("192.0.2.1"), key: badKey(i) });
    expect(last).toBe(429);
    // Same socket (the proxy), same forged first entry, another client: not limited.
    expect(await send(server, "/api/v1/ping", { ...via("192.0.2.2"), key: badKey(0) })).toBe(401);
    // A request that reaches the app without the proxy is the proxy's own address, not the limited client.
    expect(await send(server, "/api/v1/ping", { from: "127.0.0.1", key: badKey(0) })).toBe(401);
  });
});
