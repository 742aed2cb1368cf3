// A database outage is not a sign-out. A production server (scripts/server.mjs, as `npm start` runs
// it) on PostgreSQL, reached through a proxy that the test blackholes: while the database is silent,
// pages show the 503 page and retry by themselves, actions say the service is unavailable,
// /api/auth/session answers 503 and keeps the cookie; once it answers again the same session goes on.
// Runs only when TEST_DATABASE_URL (or DATABASE_URL) names a PostgreSQL server.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, test, type BrowserContext } from "@playwright/test";
import pg from "pg";
import { BlackholeProxy } from "../tests/helpers/blackhole-proxy";
import { API_KEYS_PATH, demoUser, onPath, submitLogin } from "./helpers";

const BASE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
const PORT = 3401;
const UNAVAILABLE_HEADING = "The database is unreachable; retrying…";
const UNAVAILABLE_ACTION = "The service is temporarily unavailable. Try again in a moment.";

test.describe.configure({ mode: "serial" });
test.skip(!BASE, "needs TEST_DATABASE_URL (a PostgreSQL server)");
test.use({ baseURL: `http://127.0.0.1:${PORT}` });

let server: ChildProcess | undefined;
let proxy: BlackholeProxy;
let dbName = "";

function databaseUrl(name: string): string {
  const url = new URL(BASE!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function waitReady(): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/api/health/ready`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the server never became ready");
}

async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name.endsWith("next-auth.session-token"));
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dbName = `paygentic_outage_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const root = new pg.Client({ connectionString: BASE });
  await root.connect();
  await root.query(`CREATE DATABASE "${dbName}"`);
  await root.end();
  proxy = await BlackholeProxy.start(databaseUrl(dbName));
  server = spawn(process.execPath, ["scripts/server.mjs"], {
    env: {
      ...process.env,
      PORT: String(PORT),
      DATABASE_URL: proxy.url(databaseUrl(dbName)),
      AUTH_SECRET: "database-outage-test-secret-0123456789",
      SEED_DEMO_DATA: "true",
      NEXT_MANUAL_SIG_HANDLE: "1",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "ignore", "ignore"],
  });
  await waitReady();
});

test.afterAll(async () => {
  proxy?.restore();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once("exit", resolve));
    server.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (server.exitCode === null) server.kill("SIGKILL");
  }
  await proxy?.close();
  const root = new pg.Client({ connectionString: BASE });
  await root.connect();
  await root.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await root.end();
});

test("while the database is silent the dashboard says so and keeps the session; it comes back by itself", async ({ page, context }) => {
  test.setTimeout(240_000);
  await page.goto("/login");
  await submitLogin(page, demoUser("owner").email, "demo-password");
  await page.waitForURL(onPath(API_KEYS_PATH));
  await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
  const cookie = await sessionCookie(context);
  expect(cookie).toBeDefined();
  // A form left open across the outage: its action must not say "Your session has ended".
  await page.getByRole("button", { name: "Create new key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await dialog.getByLabel("Name").fill("during the outage");

  proxy.blackhole({ newConnections: "blackhole" });

  await dialog.getByRole("button", { name: "Create key" }).click();
  await expect(dialog.getByText(UNAVAILABLE_ACTION)).toBeVisible({ timeout: 30_000 });
  await expect(dialog.getByLabel("Name")).toHaveValue("during the outage");

  // next-auth's session endpoint: a 503 that leaves the cookie alone, not "{}" and a cleared cookie.
  const session = await page.request.get("/api/auth/session", { timeout: 30_000 });
  expect(session.status()).toBe(503);
  expect((await session.json()).error).toMatchObject({ code: "service_unavailable" });
  expect(session.headers()["retry-after"]).toBeTruthy();
  expect(session.headers()["set-cookie"] ?? "").not.toContain("next-auth.session-token");

  // A page: the 503 page, not the sign-in form. (Next 16 answers a page that fails before
  // streaming with a 500: a page can only choose 404, 403, 401 or a redirect.)
  const response = await page.goto(API_KEYS_PATH, { timeout: 30_000 });
  expect(response?.status()).toBeGreaterThanOrEqual(500);
  await expect(page.getByRole("heading", { level: 1, name: UNAVAILABLE_HEADING })).toBeVisible({ timeout: 30_000 });
  expect(new URL(page.url()).pathname).toBe(API_KEYS_PATH);
  expect((await sessionCookie(context))?.value).toBe(cookie!.value);

  proxy.restore();
  // No reload, no sign-in: the page retries on its own and the same session carries on.
  await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible({ timeout: 90_000 });
  expect(new URL(page.url()).pathname).toBe(API_KEYS_PATH);
  expect((await (await page.request.get("/api/auth/session")).json()).user?.email).toBe(demoUser("owner").email);
});
