// A key's own page (/{slug}/settings/api-keys/{keyId}): reached from the list by the key's name,
// its facts, the Requests chart with its table for screen readers, edit and roll from there, and
// the 404 page for anyone who may not see the key.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { API_KEYS_PATH, storageStatePath, type DemoRole } from "./helpers";

test.describe.configure({ mode: "serial" });

const run = Date.now().toString(36);
let keyId = "";
let secret = "";
const name = `key page ${run}`;

async function pageAs(browser: Browser, role: DemoRole): Promise<Page> {
  const context = await browser.newContext({ storageState: storageStatePath(role) });
  return context.newPage();
}

test("the key's name in the list opens its page, with its facts", async ({ browser }) => {
  const page = await pageAs(browser, "developer");
  await page.goto(API_KEYS_PATH);
  await page.getByRole("button", { name: "Create new key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Description").fill("used by the key page test");
  await dialog.getByRole("button", { name: "Create key" }).click();
  secret = (await page.getByTestId("api-key-secret").textContent())!.trim();
  await page.getByRole("button", { name: "Done" }).click();
  const me = await (await page.request.get("/api/v1/me", { headers: { Authorization: `Bearer ${secret}` } })).json();
  keyId = me.api_key.id;

  await page.getByRole("link", { name }).click();
  await expect(page).toHaveURL(new RegExp(`/acme/settings/api-keys/${keyId}$`));
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const facts = page.locator("dl");
  await expect(facts.getByText(`sk_live_…${secret.slice(-4)}`)).toBeVisible();
  await expect(facts.getByText("Production")).toBeVisible();
  await expect(facts.getByText("Dana", { exact: false }).first()).toBeVisible();
  await expect(facts.getByText("Active")).toBeVisible();
  await expect(page.getByRole("list", { name: "Effective permissions" }).getByText("usage:write")).toBeVisible();
  await expect(page.getByText("Inherits its owner's current role.")).toBeVisible();
  await page.context().close();
});

test("the Requests chart has a table of the same numbers, by day or by hour", async ({ browser }) => {
  const page = await pageAs(browser, "developer");
  // 4 succeeded (the first test's /me, 3 pings) and 2 refused (another organization's id:
  // organization_mismatch). The e2e server
  // writes its counts every second (REQUEST_COUNTS_FLUSH_MS); in production, once a minute.
  const auth = { Authorization: `Bearer ${secret}` };
  for (let i = 0; i < 3; i++) expect((await page.request.get("/api/v1/ping", { headers: auth })).status()).toBe(200);
  for (let i = 0; i < 2; i++) expect((await page.request.get("/api/v1/organizations/not-ours", { headers: auth })).status()).toBe(403);
  await expect
    .poll(
      async () => {
        await page.goto(`${API_KEYS_PATH}/${keyId}`);
        // Today's row: succeeded, refused, failed.
        return page.getByRole("table", { name: /Requests, last 30 days/ }).locator("tbody tr").last().locator("td").allTextContents();
      },
      { timeout: 15_000 },
    )
    .toEqual(["4", "2", "0"]);
  const refusals = page.getByRole("table").filter({ hasText: "Error code" });
  await expect(refusals.getByRole("row", { name: /organization_mismatch/ })).toContainText("2");
  await expect(page.getByRole("heading", { name: "Requests" })).toBeVisible();
  const daily = page.getByRole("table", { name: /Requests, last 30 days/ });
  await expect(daily.locator("tbody tr")).toHaveCount(30);
  await page.getByRole("tab", { name: "24 hours" }).click();
  const hourly = page.getByRole("table", { name: /Requests, last 24 hours/ });
  await expect(hourly.locator("tbody tr")).toHaveCount(24);
  await page.context().close();
});

test("edit from the key's page", async ({ browser }) => {
  const page = await pageAs(browser, "developer");
  await page.goto(`${API_KEYS_PATH}/${keyId}`);
  await page.getByRole("button", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit API key" });
  await dialog.getByLabel("Name").fill(`${name} renamed`);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("heading", { level: 1, name: `${name} renamed` })).toBeVisible();
  await page.context().close();
});

test("another member's key: the 404 page for a viewer, the key's page for an admin", async ({ browser }) => {
  const viewer = await pageAs(browser, "viewer");
  const response = await viewer.goto(`${API_KEYS_PATH}/${keyId}`);
  expect(response?.status()).toBe(404);
  await expect(viewer.getByRole("heading", { level: 1, name: `${name} renamed` })).toHaveCount(0);
  await viewer.context().close();

  const admin = await pageAs(browser, "admin");
  await admin.goto(`${API_KEYS_PATH}/${keyId}`);
  await expect(admin.getByRole("heading", { level: 1, name: `${name} renamed` })).toBeVisible();
  await admin.context().close();
});

test("roll from the key's page: the new key once, then its own page; the old one says it was rolled", async ({ browser }) => {
  const page = await pageAs(browser, "developer");
  await page.goto(`${API_KEYS_PATH}/${keyId}`);
  await page.getByRole("button", { name: "Roll key" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Roll API key" });
  await dialog.getByLabel("In 1 hour").check();
  await dialog.getByRole("button", { name: "Roll key" }).click();
  const saved = page.getByRole("dialog", { name: "Save your API key" });
  const replacement = (await saved.getByTestId("api-key-secret").textContent())!.trim();
  expect(replacement).toMatch(/^sk_live_[0-9A-Za-z]{38}$/);
  await saved.getByRole("button", { name: "Done" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/${keyId}$`));
  await expect(page.getByRole("heading", { level: 1, name: `${name} renamed` })).toBeVisible();
  await expect(page.locator("dl").getByText(`sk_live_…${replacement.slice(-4)}`)).toBeVisible();

  // Both work during the overlap.
  for (const key of [secret, replacement]) {
    expect((await page.request.get("/api/v1/ping", { headers: { Authorization: `Bearer ${key}` } })).status()).toBe(200);
  }
  await page.goto(`${API_KEYS_PATH}/${keyId}`);
  await expect(page.locator("dl").getByText("Rolled")).toBeVisible();
  await expect(page.locator("dl").getByRole("link", { name: `…${replacement.slice(-4)}` })).toBeVisible();
  await page.context().close();
});
