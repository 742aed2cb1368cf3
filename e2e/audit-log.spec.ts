import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { apiKeysPath, createKeyThroughDialog, demoUser, storageStatePath } from "./helpers";

const AUDIT_LOG_PATH = "/acme/settings/audit-log";
const alice = demoUser("owner");

function uniqueName(base: string): string {
  return `${base} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

function eventRow(page: Page, action: string, text: string) {
  return page.getByRole("row").filter({ hasText: action }).filter({ hasText: text });
}

test.describe("alice (owner)", () => {
  test.use({ storageState: storageStatePath("owner") });

  test("sees the key she just created and revoked, filters by action, and exports the same rows", async ({ page }) => {
    test.slow(); // a build under load, several round trips
    const name = uniqueName("Audit trail");
    await page.goto(apiKeysPath("acme"));
    const last4 = await createKeyThroughDialog(page, name);
    // Revoked again so the demo data the other specs see keeps its active keys as they were.
    const row = page.getByRole("row").filter({ hasText: name });
    await row.getByRole("button", { name: "Revoke" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Revoke API key?" });
    await confirm.getByRole("button", { name: "Revoke key" }).click();
    await expect(confirm).toBeHidden();

    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Audit log" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
    await expect(page).toHaveURL((url) => url.pathname === AUDIT_LOG_PATH);

    const created = eventRow(page, "api_key.created", name);
    await expect(created).toHaveCount(1);
    await expect(created).toContainText(alice.name);
    await expect(created).toContainText(alice.email);
    await expect(created).toContainText(`sk_live_…${last4}`);
    // Newest first: the revoke comes above the create.
    const rows = page.getByRole("row").filter({ hasText: name });
    await expect(rows.first()).toContainText("api_key.revoked");
    // The relative time carries the exact time on hover.
    await expect(created.locator("time")).toHaveAttribute("title", /\d{4}/);
    await expect(created.locator("time")).toContainText(/ago|less than a minute/);

    await page.getByLabel("Action").selectOption("api_key.revoked");
    await expect(page).toHaveURL((url) => url.searchParams.get("action") === "api_key.revoked");
    await expect(eventRow(page, "api_key.revoked", name)).toHaveCount(1);
    await expect(eventRow(page, "api_key.created", name)).toHaveCount(0);
    const actions = await page.locator("tbody tr td:nth-child(3)").allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(["api_key.revoked"]));

    const exportLink = page.getByRole("link", { name: "Export CSV" });
    await expect(exportLink).toHaveAttribute("href", /\/acme\/settings\/audit-log\/export\?action=api_key\.revoked/);
    const [download] = await Promise.all([page.waitForEvent("download"), exportLink.click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-log-acme-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = await readFile((await download.path())!);
    // A UTF-8 byte-order mark first, so that Excel doesn't read the names in the locale's code page.
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = file.subarray(3).toString("utf8").split("\r\n").filter(Boolean);
    expect(lines[0]).toBe("time,actor,actor_email,action,target,ip,user_agent,details");
    const mine = lines.filter((line) => line.includes(name));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain(",api_key.revoked,");
    expect(mine[0]).toContain(`${alice.name},${alice.email}`);
    // The same rows as the filtered page (the page shows at most 50).
    expect(lines.slice(1).every((line) => line.includes(",api_key.revoked,"))).toBe(true);
    expect(Math.min(lines.length - 1, 50)).toBe(actions.length);
  });

  test("a date range applies on Enter; one nothing matches shows the empty state, and Clear filters returns to every event", async ({ page }) => {
    await page.goto(AUDIT_LOG_PATH);
    // Yesterday (UTC): today's events are in range whatever the hour.
    const since = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    await page.getByLabel("From").fill(since);
    await page.getByLabel("From").press("Enter");
    await expect(page).toHaveURL((url) => url.searchParams.get("from") === since);
    // The field keeps focus: a keyboard user goes on to the next one.
    await expect(page.getByLabel("From")).toBeFocused();
    await expect(page.getByRole("row").nth(1)).toBeVisible();

    await page.goto(`${AUDIT_LOG_PATH}?from=2001-01-01&to=2001-01-02`);
    await expect(page.getByText("No events match these filters")).toBeVisible();
    await expect(page.getByLabel("From")).toHaveValue("2001-01-01");
    await page.getByRole("link", { name: "Clear filters" }).first().click();
    await expect(page).toHaveURL((url) => url.pathname === AUDIT_LOG_PATH && url.search === "");
    await expect(page.getByRole("row").nth(1)).toBeVisible();
    await expect(page.getByText("No events match these filters")).toHaveCount(0);
  });
});

test.describe("victor (viewer)", () => {
  test.use({ storageState: storageStatePath("viewer") });

  test("has no Audit log link, gets the 404 page, and can't export", async ({ page }) => {
    await page.goto(apiKeysPath("acme"));
    const nav = page.getByRole("navigation", { name: "Settings" });
    await expect(nav.getByRole("link", { name: "API Keys" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Audit log" })).toHaveCount(0);

    const response = await page.goto(AUDIT_LOG_PATH);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();

    const csv = await page.request.get(`${AUDIT_LOG_PATH}/export`, { maxRedirects: 0 });
    expect(csv.status()).toBe(404);
    expect(await csv.text()).not.toContain("api_key.");
  });
});
