// The API over real HTTP against the production server: keys created through the dashboard, each
// role's key against each route, a role change applying on the very next request, Bearer variants,
// and the Last used column catching up with API traffic.
import { expect, test, type Browser, type APIRequestContext } from "@playwright/test";
import { API_KEYS_PATH, demoUser, storageStatePath, type DemoRole } from "./helpers";

test.describe.configure({ mode: "serial" });

type Created = { key: string; id: string; name: string };
const keys = new Map<DemoRole, Created>();
let acmeId = "";

/** `lookUpId: false` leaves the key unused (its id is then ""): the /me call that finds the id counts as a use. */
async function createKeyThroughUi(browser: Browser, role: DemoRole, name: string, environment = "production", lookUpId = true): Promise<Created> {
  const context = await browser.newContext({ storageState: storageStatePath(role) });
  const page = await context.newPage();
  await page.goto(API_KEYS_PATH);
  await page.getByRole("button", { name: "Create new key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Environment").selectOption(environment);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("api-key-secret").textContent())!.trim();
  await page.getByRole("button", { name: "Done" }).click();
  const id = lookUpId ? (await (await page.request.get("/api/v1/me", { headers: { Authorization: `Bearer ${key}` } })).json()).api_key.id : "";
  await context.close();
  return { key, id, name };
}

function auth(key: string) {
  return { Authorization: `Bearer ${key}` };
}

async function status(request: APIRequestContext, method: string, path: string, key: string, body?: unknown): Promise<number> {
  const response = await request.fetch(path, { method, headers: auth(key), data: body });
  return response.status();
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  for (const role of ["owner", "admin", "developer", "viewer"] as const) {
    keys.set(role, await createKeyThroughUi(browser, role, `http-${role}-${Date.now()}`));
  }
});

test("GET /api/v1/me describes the key, its owner, organization and current role", async ({ request }) => {
  const response = await request.get("/api/v1/me", { headers: auth(keys.get("admin")!.key) });
  expect(response.status()).toBe(200);
  expect(response.headers()["x-request-id"]).toBeTruthy();
  const me = await response.json();
  expect(me.api_key).toMatchObject({ object: "api_key", environment: "production", livemode: true, last4: keys.get("admin")!.key.slice(-4) });
  expect(me.user.email).toBe(demoUser("admin").email);
  expect(me.organization).toMatchObject({ name: "Acme Inc", slug: "acme" });
  expect(me.role).toBe("admin");
  expect(me.permissions).toContain("api_keys:manage");
  acmeId = me.organization.id;
});

// The spec's permission table, route by route (status per owner / admin / developer / viewer).
const MATRIX: { method: string; label: string; path: () => string; body?: unknown; expect: Record<"owner" | "admin" | "developer" | "viewer", number> }[] = [
  { method: "GET", label: "/api/v1/ping", path: () => "/api/v1/ping", expect: { owner: 200, admin: 200, developer: 200, viewer: 200 } },
  { method: "GET", label: "/api/v1/me", path: () => "/api/v1/me", expect: { owner: 200, admin: 200, developer: 200, viewer: 200 } },
  { method: "GET", label: "/api/v1/organizations/{own id}", path: () => `/api/v1/organizations/${acmeId}`, expect: { owner: 200, admin: 200, developer: 200, viewer: 200 } },
  { method: "GET", label: "/api/v1/organizations/{other id}", path: () => "/api/v1/organizations/org_someone_else", expect: { owner: 403, admin: 403, developer: 403, viewer: 403 } },
  { method: "GET", label: "/api/v1/usage-events", path: () => "/api/v1/usage-events", expect: { owner: 200, admin: 200, developer: 200, viewer: 200 } },
  {
    method: "POST",
    label: "/api/v1/usage-events", path: () => "/api/v1/usage-events",
    body: { metric: "api_calls", quantity: 1 },
    expect: { owner: 201, admin: 201, developer: 201, viewer: 403 },
  },
  { method: "GET", label: "/api/v1/api-keys", path: () => "/api/v1/api-keys", expect: { owner: 200, admin: 200, developer: 200, viewer: 200 } },
  { method: "GET", label: "/api/v1/api-keys?scope=organization", path: () => "/api/v1/api-keys?scope=organization", expect: { owner: 200, admin: 200, developer: 403, viewer: 403 } },
  // Another member's key: only api_keys:manage may revoke it (the owner's key is the target, so
  // only the refusals run here; the admin's successful revoke is its own test below).
  { method: "DELETE", label: "/api/v1/api-keys/{another member's key}", path: () => `/api/v1/api-keys/${keys.get("owner")!.id}`, expect: { owner: 0, admin: 0, developer: 403, viewer: 403 } },
];

for (const route of MATRIX) {
  test(`${route.method} ${route.label}: each role's key gets the spec's status`, async ({ request }) => {
    for (const role of ["owner", "admin", "developer", "viewer"] as const) {
      const expected = route.expect[role];
      if (expected === 0) continue;
      const response = await request.fetch(route.path(), { method: route.method, headers: auth(keys.get(role)!.key), data: route.body });
      expect(response.status(), `${role} ${route.method} ${route.path()}`).toBe(expected);
      if (expected === 403) {
        const body = await response.json();
        expect(body.error.type).toBe("permission_error");
        expect(["insufficient_permissions", "organization_mismatch"]).toContain(body.error.code);
      }
    }
  });
}

test("an admin revokes another member's key over the API; the key stops on the next request", async ({ browser, request }) => {
  const victim = await createKeyThroughUi(browser, "viewer", `http-victim-${Date.now()}`);
  expect(await status(request, "GET", "/api/v1/ping", victim.key)).toBe(200);
  const response = await request.delete(`/api/v1/api-keys/${victim.id}`, { headers: auth(keys.get("admin")!.key) });
  expect(response.status()).toBe(200);
  const revoked = await response.json();
  expect(revoked).toMatchObject({ id: victim.id, object: "api_key" });
  expect(revoked.revoked_at).toBeTruthy();
  expect(JSON.stringify(revoked)).not.toContain(victim.key);
  const after = await request.get("/api/v1/ping", { headers: auth(victim.key) });
  expect(after.status()).toBe(401);
  expect((await after.json()).error.code).toBe("revoked_api_key");
  expect(after.headers()["www-authenticate"]).toContain("Bearer");
});

test("a key revoked in the dashboard is refused by the API on the very next request", async ({ browser, request }) => {
  const created = await createKeyThroughUi(browser, "developer", `http-ui-revoke-${Date.now()}`);
  expect(await status(request, "GET", "/api/v1/ping", created.key)).toBe(200); // now cached by the API
  const context = await browser.newContext({ storageState: storageStatePath("developer") });
  const page = await context.newPage();
  await page.goto(`${API_KEYS_PATH}?q=${encodeURIComponent(created.name)}`);
  await page.getByRole("row").filter({ hasText: created.name }).getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("alertdialog", { name: "Revoke API key?" }).getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByRole("alertdialog")).toHaveCount(0);
  await context.close();
  const after = await request.get("/api/v1/ping", { headers: auth(created.key) });
  expect(after.status()).toBe(401);
  expect((await after.json()).error.code).toBe("revoked_api_key");
});

test("a role change in Members applies to the member's existing key on the very next request", async ({ browser, request }) => {
  const viewerKey = keys.get("viewer")!.key;
  const event = { metric: "api_calls", quantity: 2 };
  expect(await status(request, "POST", "/api/v1/usage-events", viewerKey, event)).toBe(403);
  const context = await browser.newContext({ storageState: storageStatePath("owner") });
  const page = await context.newPage();
  await page.goto("/settings/members");
  const select = page.getByLabel(`Role for ${demoUser("viewer").name}`);
  try {
    await select.selectOption("developer");
    await page.getByRole("alertdialog", { name: "Change role?" }).getByRole("button", { name: "Change role" }).click();
    await expect(page.getByText(/Role updated/)).toBeVisible();
    expect(await status(request, "POST", "/api/v1/usage-events", viewerKey, event)).toBe(201);
  } finally {
    await select.selectOption("viewer");
    await page.getByRole("alertdialog", { name: "Change role?" }).getByRole("button", { name: "Change role" }).click();
    await expect(page.getByText(/is now Viewer/)).toBeVisible();
    await context.close();
  }
  expect(await status(request, "POST", "/api/v1/usage-events", viewerKey, event)).toBe(403);
});

test("Bearer variants and a one-character typo get the documented answers", async ({ request }) => {
  const key = keys.get("developer")!.key;
  const ping = (authorization?: string) =>
    request.get("/api/v1/ping", { headers: authorization === undefined ? {} : { Authorization: authorization } });
  expect((await ping(`bearer ${key}`)).status()).toBe(200);
  expect((await ping(`BEARER ${key}`)).status()).toBe(200);
  expect((await ping(`Bearer  ${key}`)).status()).toBe(200); // RFC 6750: 1*SP
  expect((await ping(`Bearer ${key} `)).status()).toBe(200); // trailing whitespace is not part of the value
  for (const header of [`Bearer ${key} ${key}`, "Basic dXNlcjpwYXNz", "Bearer", key]) {
    const response = await ping(header);
    expect(response.status(), header).toBe(401);
    expect((await response.json()).error.code, header).toBe("malformed_api_key");
    expect(response.headers()["www-authenticate"], header).toContain('Bearer realm="api"');
  }
  const missing = await ping();
  expect(missing.status()).toBe(401);
  expect((await missing.json()).error.code).toBe("missing_api_key");
  expect(missing.headers()["www-authenticate"]).toBe('Bearer realm="api"');
  const last = key.at(-1)!;
  const typo = key.slice(0, -1) + (last === "a" ? "b" : "a");
  const typoResponse = await ping(`Bearer ${typo}`);
  expect(typoResponse.status()).toBe(401);
  expect((await typoResponse.json()).error).toMatchObject({ type: "authentication_error", code: "malformed_api_key" });
});

test("through Next's own routing, an undescribed method is a JSON 405 with Allow, and an unknown path a JSON 404", async ({ request }) => {
  const key = keys.get("developer")!.key;
  for (const [method, path, allow] of [
    ["POST", "/api/v1/ping", "GET"],
    ["PUT", "/api/v1/usage-events", "GET, POST"],
    ["POST", "/api/health", "GET"],
  ] as const) {
    const response = await request.fetch(path, { method, headers: auth(key), data: {} });
    expect(response.status(), `${method} ${path}`).toBe(405);
    expect(response.headers()["allow"]).toBe(allow);
    expect((await response.json()).error.code).toBe("method_not_allowed");
  }
  const unknown = await request.get("/api/v1/nothing-here", { headers: auth(key) });
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error).toMatchObject({ code: "resource_missing", request_id: unknown.headers()["x-request-id"] });
});

test("the Last used column catches up with API traffic", async ({ browser, request }) => {
  test.slow();
  // Never used until the ping below: "Never" first must not depend on when last-used is flushed.
  const created = await createKeyThroughUi(browser, "developer", `http-last-used-${Date.now()}`, "production", false);
  const context = await browser.newContext({ storageState: storageStatePath("developer") });
  const page = await context.newPage();
  await page.goto(`${API_KEYS_PATH}?q=${encodeURIComponent(created.name)}`);
  const row = page.getByRole("row").filter({ hasText: created.name });
  // The Last used cell (the Expires cell says "Never" too, for a key without an expiry).
  const lastUsed = row.locator('[data-label="Last used"]');
  await expect(lastUsed).toHaveText("Never");
  expect(await status(request, "GET", "/api/v1/ping", created.key)).toBe(200);
  // Last-used times are written in batches (within a few seconds of the first use).
  await expect
    .poll(
      async () => {
        await page.reload();
        return (await lastUsed.textContent()) ?? "";
      },
      { timeout: 20_000, intervals: [1_000] },
    )
    .not.toContain("Never");
  await context.close();
});

test("the API reference renders its Markdown, keeps codes' underscores, and copies examples, readable at 390 px", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/docs/api");
  const main = page.getByRole("main");
  await expect(main.getByRole("heading", { level: 1, name: "API reference" })).toBeVisible();
  // Code spans are elements, not backticks.
  expect(await main.innerText()).not.toContain("`");
  await expect(main.locator("code", { hasText: "organization_mismatch" }).first()).toBeVisible();
  // No sideways scrolling of the page itself.
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  // A linked code's underline sits below its underscores rather than through them.
  const link = main.getByRole("link", { name: "missing_api_key" }).first();
  const offset = await link.evaluate((a) => getComputedStyle(a).textUnderlineOffset);
  expect(parseFloat(offset)).toBeGreaterThanOrEqual(4);
  // Each example is a keyboard-scrollable region with a Copy button that says it copied.
  const example = page.getByRole("region", { name: "Example: GET /api/v1/me" });
  await example.focus();
  await expect(example).toBeFocused();
  const block = example.locator("xpath=..");
  await block.getByRole("button", { name: "Copy" }).click();
  await expect(block.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^curl -H "Authorization: Bearer \$PAYGENTIC_API_KEY" http:\/\/localhost:\d+\/api\/v1\/me$/);
});
