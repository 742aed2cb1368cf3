// The key lifecycle through the real dashboard and the API over HTTP: expiry at creation, restricted
// keys, rolling with an overlap, editing, and revoking several keys at once.
import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { API_KEYS_PATH, storageStatePath } from "./helpers";

test.use({ storageState: storageStatePath("owner") });

// The database persists across the tests of a run: every key gets a name no other test uses.
let counter = 0;
function uniqueName(label: string): string {
  counter += 1;
  return `${label} ${Date.now().toString(36)}${counter}`;
}

function keyRow(page: Page, name: string, last4?: string): Locator {
  const rows = page.getByRole("row").filter({ hasText: name });
  return last4 ? rows.filter({ hasText: `…${last4}` }) : rows;
}

function createDialog(page: Page): Locator {
  return page.getByRole("dialog", { name: "Create API key" });
}

function secretDialog(page: Page): Locator {
  return page.getByRole("dialog", { name: "Save your API key" });
}

async function openCreateDialog(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Create new key" }).first().click();
  const dialog = createDialog(page);
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Reads the key the Save your API key dialog shows once, then closes it with Done. */
async function takeSecret(page: Page): Promise<string> {
  const secret = secretDialog(page).getByTestId("api-key-secret");
  await expect(secret).toHaveText(/^sk_(live|test)_/);
  const key = (await secret.textContent())!.trim();
  await secretDialog(page).getByRole("button", { name: "Done" }).click();
  await expect(secretDialog(page)).toBeHidden();
  return key;
}

async function createKey(
  page: Page,
  name: string,
  { expiration, permissions }: { expiration?: string; permissions?: string[] } = {},
): Promise<string> {
  const dialog = await openCreateDialog(page);
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Environment").selectOption("staging");
  if (expiration) await dialog.getByLabel("Expiration", { exact: true }).selectOption({ label: expiration });
  if (permissions) {
    await dialog.getByRole("radio", { name: "Restricted" }).click();
    for (const permission of permissions) await dialog.getByRole("checkbox", { name: permission, exact: true }).check();
  }
  await dialog.getByRole("button", { name: "Create key" }).click();
  return takeSecret(page);
}

/** A row's Edit or Roll key button. */
async function rowAction(row: Locator, item: "Edit" | "Roll key"): Promise<void> {
  await row.getByRole("button", { name: item, exact: true }).click();
}

async function roll(page: Page, row: Locator, overlap: "Immediately" | "In 1 hour" | "In 24 hours" | "In 7 days"): Promise<string> {
  await rowAction(row, "Roll key");
  const dialog = page.getByRole("alertdialog", { name: "Roll API key" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("radio", { name: overlap }).click();
  await expect(dialog.getByRole("radio", { name: overlap })).toBeChecked();
  await dialog.getByRole("button", { name: "Roll key" }).click();
  const key = await takeSecret(page);
  await expect(dialog).toBeHidden();
  return key;
}

async function revokeRow(page: Page, row: Locator): Promise<void> {
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("alertdialog", { name: "Revoke API key?" }).getByRole("button", { name: "Revoke key" }).click();
  // First the dialog closing (the revoke is done): while it is open the rows are aria-hidden, and a
  // role query would find none of them whatever happened.
  await expect(page.getByRole("alertdialog")).toHaveCount(0);
  await expect(row).toHaveCount(0);
}

function call(request: APIRequestContext, method: "GET" | "POST", path: string, key: string, data?: unknown) {
  return request.fetch(path, { method, headers: { Authorization: `Bearer ${key}` }, data });
}

/** YYYY-MM-DD, `days` from today in the browser's (and this runner's) time zone. */
function dayFromToday(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

test.describe("key lifecycle", () => {
  test("a 7-day key: Expires column, Expires soon badge, the notice and its filter", async ({ page }) => {
    test.slow();
    const name = uniqueName("Short-lived");
    await page.goto(API_KEYS_PATH);
    const key = await createKey(page, name, { expiration: "7 days" });

    const row = keyRow(page, name);
    await expect(row).toContainText("in 7 days");
    await expect(row.locator("time").filter({ hasText: "in 7 days" })).toHaveAttribute("title", /\d{2}:\d{2}:\d{2}/);
    const badge = row.getByRole("button", { name: "Expires soon" });
    await expect(badge).toBeVisible();
    await badge.focus();
    await expect(page.getByRole("tooltip")).toContainText("Stops working in 7 days");

    const notice = page.getByRole("link", { name: /^\d+ keys? expires? within 7 days$/ });
    await expect(notice).toBeVisible();
    await notice.click();
    await expect(page).toHaveURL(/status=expiring/);
    await expect(page.getByRole("tab", { name: "Expiring soon" })).toHaveAttribute("aria-selected", "true");
    await expect(keyRow(page, name)).toHaveCount(1);
    // The filter is the notice's destination: the notice itself isn't repeated there.
    await expect(notice).toHaveCount(0);

    // The key works until then.
    expect((await call(page.request, "GET", "/api/v1/ping", key)).status()).toBe(200);
    await revokeRow(page, keyRow(page, name));
  });

  test("a custom date must be in the future; nothing typed is lost", async ({ page }) => {
    const name = uniqueName("Custom expiry");
    await page.goto(API_KEYS_PATH);
    const dialog = await openCreateDialog(page);
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByLabel("Description").fill("Quarterly report");
    await dialog.getByLabel("Expiration", { exact: true }).selectOption({ label: "Custom date" });
    const date = dialog.getByLabel("Expiration date");
    await expect(date).toHaveAttribute("min", dayFromToday(1));
    await date.fill(dayFromToday(-2));
    await dialog.getByRole("radio", { name: "Restricted" }).click();
    await dialog.getByRole("checkbox", { name: "usage:write", exact: true }).check();
    await dialog.getByRole("button", { name: "Create key" }).click();

    await expect(date).toHaveAttribute("aria-invalid", "true");
    await expect(date).toBeFocused();
    await expect(dialog.getByText("Choose a date in the future.")).toBeVisible();
    await expect(dialog.getByLabel("Name")).toHaveValue(name);
    await expect(dialog.getByLabel("Description")).toHaveValue("Quarterly report");
    await expect(dialog.getByLabel("Expiration", { exact: true })).toHaveValue("custom");
    await expect(date).toHaveValue(dayFromToday(-2));
    await expect(dialog.getByRole("radio", { name: "Restricted" })).toBeChecked();
    await expect(dialog.getByRole("checkbox", { name: "usage:write", exact: true })).toBeChecked();
    await expect(dialog.getByRole("checkbox", { name: "usage:read", exact: true })).not.toBeChecked();

    // Restricted to nothing is refused beside the checkboxes, and the date's fix is kept.
    await date.fill(dayFromToday(20));
    await dialog.getByRole("checkbox", { name: "usage:write", exact: true }).uncheck();
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(dialog.getByText("Choose at least one permission, or let the key inherit your role.")).toBeVisible();
    await expect(date).toHaveValue(dayFromToday(20));
    await expect(date).not.toHaveAttribute("aria-invalid", "true");

    await dialog.getByRole("radio", { name: "Inherit my role" }).click();
    await dialog.getByRole("button", { name: "Create key" }).click();
    await takeSecret(page);
    await expect(keyRow(page, name)).toContainText(/in (20|21) days/);
    await expect(keyRow(page, name).getByRole("button", { name: "Restricted" })).toHaveCount(0);
    await revokeRow(page, keyRow(page, name));
  });

  test("a restricted key: badge, and the API keeps it to its permissions", async ({ page, request }) => {
    const name = uniqueName("Usage reader");
    await page.goto(API_KEYS_PATH);
    const key = await createKey(page, name, { permissions: ["usage:read"] });

    const badge = keyRow(page, name).getByRole("button", { name: "Restricted" });
    await expect(badge).toBeVisible();
    await badge.focus();
    await expect(page.getByRole("tooltip")).toContainText("usage:read");

    expect((await call(request, "GET", "/api/v1/usage-events", key)).status()).toBe(200);
    const refused = await call(request, "POST", "/api/v1/usage-events", key, { metric: "api_calls", quantity: 1 });
    expect(refused.status()).toBe(403);
    const { error } = await refused.json();
    expect(error.code).toBe("insufficient_permissions");
    expect(error.message).toContain("usage:write");
    expect(error.message).toContain("restricted to usage:read");

    const me = await (await call(request, "GET", "/api/v1/me", key)).json();
    expect(me.restrictions).toEqual(["usage:read"]);
    expect(me.permissions).toEqual(["usage:read"]);
    await revokeRow(page, keyRow(page, name));
  });

  test("rolling immediately: the new key is shown once, the old one is refused and names it", async ({ page, request }) => {
    test.slow();
    const name = uniqueName("Rotated now");
    await page.goto(API_KEYS_PATH);
    const oldKey = await createKey(page, name);
    expect((await call(request, "GET", "/api/v1/ping", oldKey)).status()).toBe(200);

    const row = keyRow(page, name);
    await rowAction(row, "Roll key");
    const dialog = page.getByRole("alertdialog", { name: "Roll API key" });
    await expect(dialog).toContainText(name);
    await expect(dialog).toContainText("Acme Inc");
    await expect(dialog.getByRole("radio", { name: "In 24 hours" })).toBeChecked();
    // Focus starts on the choice, not on Cancel: the arrow keys change it at once.
    await expect(dialog.getByRole("radio", { name: "In 24 hours" })).toBeFocused();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(row.getByRole("button", { name: "Roll key", exact: true })).toBeFocused();

    const newKey = await roll(page, row, "Immediately");
    expect(newKey).not.toBe(oldKey);
    expect(newKey).toMatch(/^sk_test_/);
    // Shown once: not in the page afterwards.
    expect(await page.content()).not.toContain(newKey);

    const refused = await call(request, "GET", "/api/v1/ping", oldKey);
    expect(refused.status()).toBe(401);
    const { error } = await refused.json();
    expect(error.code).toBe("expired_api_key");
    expect(error.message).toContain("rolled");
    expect(error.message).toContain(newKey.slice(-4));
    expect((await call(request, "GET", "/api/v1/ping", newKey)).status()).toBe(200);

    // The replacement is listed under the same name; the old key moved to Expired.
    await expect(keyRow(page, name, newKey.slice(-4))).toHaveCount(1);
    await expect(keyRow(page, name, oldKey.slice(-4))).toHaveCount(0);
    await page.getByRole("tab", { name: "Expired", exact: true }).click();
    await expect(page).toHaveURL(/status=expired/);
    const expired = keyRow(page, name, oldKey.slice(-4));
    await expect(expired).toContainText("Expired");
    await expect(expired).toContainText(`Replaced by the key ending in ${newKey.slice(-4)}`);
    await expect(expired.getByRole("button", { name: "Revoke" })).toHaveCount(0);

    await page.goto(API_KEYS_PATH);
    await revokeRow(page, keyRow(page, name, newKey.slice(-4)));
  });

  test("rolling with an overlap: both keys work, the old one is listed as Rolled", async ({ page, request }) => {
    test.slow();
    await page.goto(API_KEYS_PATH);
    const cases = [
      { overlap: "In 1 hour", stops: "stops in about 1 hour" },
      { overlap: "In 24 hours", stops: "stops in 1 day" },
      { overlap: "In 7 days", stops: "stops in 7 days" },
    ] as const;
    for (const { overlap, stops } of cases) {
      const name = uniqueName(`Rotated ${overlap}`);
      const oldKey = await createKey(page, name);
      const newKey = await roll(page, keyRow(page, name), overlap);
      expect((await call(request, "GET", "/api/v1/ping", oldKey)).status()).toBe(200);
      expect((await call(request, "GET", "/api/v1/ping", newKey)).status()).toBe(200);

      const old = keyRow(page, name, oldKey.slice(-4));
      await expect(old.getByRole("button", { name: `Rolled · ${stops}` })).toBeVisible();
      await expect(old).toContainText(`Replaced by the key ending in ${newKey.slice(-4)}`);
      // Rolled once: the old key can't be rolled again (its replacement can).
      const rollOld = old.getByRole("button", { name: "Roll key", exact: true });
      await expect(rollOld).toBeDisabled();
      await expect(rollOld).toHaveAttribute("title", new RegExp(`roll the key ending in ${newKey.slice(-4)}`));

      // Revoking the replacement doesn't revive or touch the old key's overlap.
      await revokeRow(page, keyRow(page, name, newKey.slice(-4)));
      expect((await call(request, "GET", "/api/v1/ping", newKey)).status()).toBe(401);
      expect((await call(request, "GET", "/api/v1/ping", oldKey)).status()).toBe(200);
      await revokeRow(page, keyRow(page, name, oldKey.slice(-4)));
    }
  });

  test("an admin sees an owner's key with Roll key disabled, and why", async ({ page, browser }) => {
    await page.goto(API_KEYS_PATH);
    const name = uniqueName("Owner's own");
    const secret = await createKey(page, name);
    const asAdmin = await browser.newContext({ storageState: storageStatePath("admin") });
    try {
      const admin = await asAdmin.newPage();
      await admin.goto(`${API_KEYS_PATH}?scope=all&q=${encodeURIComponent(name)}`);
      const row = keyRow(admin, name, secret.slice(-4));
      const rollButton = row.getByRole("button", { name: "Roll key", exact: true });
      await expect(rollButton).toBeDisabled();
      await expect(rollButton).toHaveAttribute("title", /Only an owner can roll an owner's key/);
      await rollButton.click({ force: true });
      await expect(admin.getByRole("alertdialog", { name: "Roll API key" })).toHaveCount(0);
      // Revoking it (a compromised key) stays open to the admin.
      await expect(row.getByRole("button", { name: "Revoke" })).toBeEnabled();
    } finally {
      await asAdmin.close();
    }
    await revokeRow(page, keyRow(page, name));
  });

  test("edit a key's name and description; errors stay beside the field", async ({ page, request }) => {
    const name = uniqueName("Before rename");
    const renamed = uniqueName("After rename");
    await page.goto(API_KEYS_PATH);
    const key = await createKey(page, name);

    await rowAction(keyRow(page, name), "Edit");
    const dialog = page.getByRole("dialog", { name: "Edit API key" });
    await expect(dialog.getByLabel("Name")).toHaveValue(name);
    await dialog.getByLabel("Name").fill("   ");
    await dialog.getByLabel("Description").fill("Renamed by the e2e suite");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
    await expect(dialog.getByText(/Enter a name/)).toBeVisible();
    await expect(dialog.getByLabel("Description")).toHaveValue("Renamed by the e2e suite");

    await dialog.getByLabel("Name").fill(renamed);
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText("API key updated")).toBeVisible();
    await expect(keyRow(page, renamed)).toContainText("Renamed by the e2e suite");
    await expect(keyRow(page, name)).toHaveCount(0);
    await expect(keyRow(page, renamed).getByRole("button", { name: "Edit", exact: true })).toBeFocused();

    // The key itself is unchanged, and the API sees the new name at once.
    const me = await (await call(request, "GET", "/api/v1/me", key)).json();
    expect(me.api_key.name).toBe(renamed);
    await revokeRow(page, keyRow(page, renamed));
  });

  test("select keys and revoke them together", async ({ page, request }) => {
    test.slow();
    const prefix = uniqueName("Bulk");
    const names = [`${prefix} one`, `${prefix} two`, `${prefix} three`];
    await page.goto(API_KEYS_PATH);
    const keys: string[] = [];
    for (const name of names) keys.push(await createKey(page, name));

    // Revoking is offered on the views of working keys only.
    await page.goto(`${API_KEYS_PATH}?status=revoked`);
    await expect(page.getByRole("checkbox", { name: "Select all" })).toHaveCount(0);
    await page.goto(`${API_KEYS_PATH}?status=inactive`);
    await expect(page.getByRole("tab", { name: "Inactive" })).toHaveAttribute("aria-selected", "true");
    await expect(keyRow(page, prefix)).toHaveCount(0); // just created: not inactive

    await page.goto(`${API_KEYS_PATH}?q=${encodeURIComponent(prefix)}`);
    await expect(keyRow(page, prefix)).toHaveCount(3);
    const selectAll = page.getByRole("checkbox", { name: "Select all" });
    await selectAll.check();
    for (const name of names) await expect(page.getByRole("checkbox", { name: `Select ${name}` })).toBeChecked();
    await expect(page.getByRole("button", { name: "Revoke selected (3)" })).toBeVisible();
    await page.getByRole("checkbox", { name: `Select ${names[2]}` }).uncheck();
    await expect(selectAll).toHaveAttribute("aria-checked", "mixed");

    await page.getByRole("button", { name: "Revoke selected (2)" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Revoke 2 API keys?" });
    await expect(confirm).toContainText(names[0]!);
    await expect(confirm).toContainText(names[1]!);
    await expect(confirm).toContainText(`…${keys[0]!.slice(-4)}`);
    await expect(confirm).not.toContainText(names[2]!);
    await confirm.getByRole("button", { name: "Revoke keys" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByText("2 API keys revoked")).toBeVisible();
    await expect(keyRow(page, names[0]!)).toHaveCount(0);
    await expect(keyRow(page, names[1]!)).toHaveCount(0);
    await expect(keyRow(page, names[2]!)).toHaveCount(1);
    await expect(page.getByRole("button", { name: /^Revoke selected/ })).toHaveCount(0);
    await expect(selectAll).not.toBeChecked();

    expect((await (await call(request, "GET", "/api/v1/ping", keys[0]!)).json()).error.code).toBe("revoked_api_key");
    expect((await (await call(request, "GET", "/api/v1/ping", keys[1]!)).json()).error.code).toBe("revoked_api_key");
    expect((await call(request, "GET", "/api/v1/ping", keys[2]!)).status()).toBe(200);

    await page.getByRole("tab", { name: "Revoked" }).click();
    await expect(keyRow(page, names[0]!)).toContainText("by Alice");
    await page.getByRole("tab", { name: "Active", exact: true }).click();
    await revokeRow(page, keyRow(page, names[2]!));
  });

  test("the key's name links to its page", async ({ page }) => {
    const name = uniqueName("Linked");
    await page.goto(API_KEYS_PATH);
    const key = await createKey(page, name);
    const me = await (await call(page.request, "GET", "/api/v1/me", key)).json();
    await expect(keyRow(page, name).getByRole("link", { name })).toHaveAttribute("href", `${API_KEYS_PATH}/${me.api_key.id}`);
    await revokeRow(page, keyRow(page, name));
  });
});
