import { expect, test, type Locator, type Page } from "@playwright/test";
import { API_KEYS_PATH, demoUser, onPath, signIn } from "./helpers";

// The database persists across the tests of a run: every key gets a name no other test uses.
let counter = 0;
function uniqueName(label: string): string {
  counter += 1;
  return `${label} ${Date.now().toString(36)}${counter}`;
}

type EnvironmentLabel = "Production" | "Staging" | "Development";

const TODAY = () => new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric" }).format(new Date());

function createDialog(page: Page): Locator {
  return page.getByRole("dialog", { name: "Create API key" });
}

function secretDialog(page: Page): Locator {
  return page.getByRole("dialog", { name: "Save your API key" });
}

function keyRow(page: Page, name: string): Locator {
  return page.getByRole("row").filter({ hasText: name });
}

async function openCreateDialog(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Create new key" }).click();
  const dialog = createDialog(page);
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Creates a key through the dialog and returns the plaintext shown once; leaves the secret dialog open. */
async function createKey(
  page: Page,
  name: string,
  { environment = "Staging", description }: { environment?: EnvironmentLabel; description?: string } = {},
): Promise<string> {
  const dialog = await openCreateDialog(page);
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Environment").selectOption({ label: environment });
  if (description) await dialog.getByLabel("Description").fill(description);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secret = secretDialog(page).getByTestId("api-key-secret");
  await expect(secret).toHaveText(/^sk_(live|test)_/);
  return (await secret.textContent())!.trim();
}

async function finishCreate(page: Page): Promise<void> {
  await secretDialog(page).getByRole("button", { name: "Done" }).click();
  await expect(secretDialog(page)).toBeHidden();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.waitForURL(onPath("/login"));
}

async function revoke(page: Page, name: string): Promise<void> {
  await keyRow(page, name).getByRole("button", { name: "Revoke" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Revoke API key?" });
  await expect(confirm).toContainText(name);
  await confirm.getByRole("button", { name: "Revoke key" }).click();
  await expect(confirm).toBeHidden();
  await expect(keyRow(page, name)).toHaveCount(0);
}

test.describe("API keys", () => {
  test("alice creates, copies, lists and revokes a key", async ({ page }) => {
    test.slow(); // several sign-ins and round trips; the default 30 s is tight on a busy machine
    const name = uniqueName("CI deploy");
    await signIn(page, demoUser("owner").email);

    // Reachable from the header navigation.
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
    await expect(page).toHaveURL(onPath(API_KEYS_PATH));
    await expect(page).toHaveTitle(/API Keys/);

    const key = await createKey(page, name, { environment: "Staging", description: "Deploys from CI" });
    expect(key).toMatch(/^sk_test_[0-9A-Za-z]{38}$/);
    const dialog = secretDialog(page);
    await expect(dialog).toContainText("This key won't be shown again.");
    await expect(dialog.locator("pre")).toHaveText(
      `curl -H "Authorization: Bearer ${key}" ${new URL(page.url()).origin}/api/v1/me`,
    );
    await expect(dialog.getByRole("button", { name: /Copy/ })).toHaveCount(1);

    await dialog.getByRole("button", { name: "Copy" }).click();
    await expect(dialog.getByRole("button", { name: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    // The confirmation is temporary.
    await expect(dialog.getByRole("button", { name: "Copy" })).toBeVisible({ timeout: 5_000 });

    // Neither Escape nor a click outside loses the key; only Done closes.
    await page.keyboard.press("Escape");
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("Copy your key, then press Done. It can't be shown again.");
    await page.mouse.click(5, 5);
    await expect(dialog).toBeVisible();
    await finishCreate(page);
    await expect(page.getByRole("button", { name: "Create new key" })).toBeFocused();

    const row = keyRow(page, name);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("Deploys from CI");
    await expect(row).toContainText("Staging");
    await expect(row).toContainText(TODAY());
    await expect(row).toContainText("Never");
    await expect(row).toContainText(`sk_test_…${key.slice(-4)}`);
    await expect(row.locator("time").first()).toHaveAttribute("title", /\d{2}:\d{2}:\d{2}/);

    // The key is shown once: not in the page after a reload, nor in the server's HTML.
    await page.reload();
    await expect(keyRow(page, name)).toHaveCount(1);
    expect(await page.content()).not.toContain(key);
    const html = await (await page.request.get(API_KEYS_PATH)).text();
    expect(html).toContain(name);
    expect(html).not.toContain(key);
    expect(html).not.toContain(key.slice(8, 40));

    // Cancel changes nothing.
    await keyRow(page, name).getByRole("button", { name: "Revoke" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Revoke API key?" });
    await expect(confirm).toContainText(name);
    await expect(confirm).toContainText(`sk_test_…${key.slice(-4)}`);
    await expect(confirm).toContainText("Applications using it will start getting authentication errors.");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toBeHidden();
    await expect(keyRow(page, name)).toHaveCount(1);
    await expect(keyRow(page, name).getByRole("button", { name: "Revoke" })).toBeFocused();

    await revoke(page, name);
    await expect(page.getByText("API key revoked")).toBeVisible();
    await page.reload();
    await expect(page.getByRole("heading", { name: "API Keys" })).toBeVisible();
    await expect(keyRow(page, name)).toHaveCount(0);

    await page.getByRole("tab", { name: "Revoked" }).click();
    await expect(page.getByRole("tab", { name: "Revoked" })).toHaveAttribute("aria-selected", "true");
    await expect(page).toHaveURL(/status=revoked/);
    const revoked = keyRow(page, name);
    await expect(revoked).toContainText(`${TODAY()} by Alice`);
    await expect(revoked.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  });

  test("production keys are live keys", async ({ page }) => {
    await signIn(page, demoUser("owner").email);
    const key = await createKey(page, uniqueName("Billing worker"), { environment: "Production" });
    expect(key).toMatch(/^sk_live_[0-9A-Za-z]{38}$/);
    await finishCreate(page);
  });

  test("the create form validates beside each field and keeps what was typed", async ({ page }) => {
    await signIn(page, demoUser("owner").email);
    const dialog = await openCreateDialog(page);
    await dialog.getByLabel("Description").fill("Nightly export job");
    await dialog.getByLabel("Environment").selectOption("development");

    await dialog.getByRole("button", { name: "Create key" }).click();
    const name = dialog.getByLabel("Name");
    await expect(dialog).toBeVisible();
    await expect(name).toHaveAttribute("aria-invalid", "true");
    await expect(name).toBeFocused();
    const nameError = page.locator(`#${await name.getAttribute("aria-describedby")}`);
    await expect(nameError).toHaveText(/Enter a name/);

    // Whitespace only is still empty.
    await name.fill("   ");
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(nameError).toHaveText(/Enter a name/);

    await name.fill("x".repeat(65));
    await dialog.getByRole("button", { name: "Create key" }).click();
    // The action validates: the error (and its id) arrive with its answer.
    await expect(name).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator(`#${await name.getAttribute("aria-describedby")}`)).toHaveText("Use at most 64 characters.");
    await expect(dialog.getByLabel("Description")).toHaveValue("Nightly export job");
    await expect(dialog.getByLabel("Environment")).toHaveValue("development");

    // Fixing the name clears its error and the key is created with everything that was typed.
    const keyName = uniqueName("Export");
    await name.fill(keyName);
    await expect(name).not.toHaveAttribute("aria-invalid", "true");
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(secretDialog(page).getByTestId("api-key-secret")).toHaveText(/^sk_test_/);
    await finishCreate(page);
    await expect(keyRow(page, keyName)).toContainText("Nightly export job");
    await expect(keyRow(page, keyName)).toContainText("Development");
  });

  test("Cancel discards the form; a duplicate name warns but still creates", async ({ page }) => {
    await signIn(page, demoUser("owner").email);
    const dialog = await openCreateDialog(page);
    await dialog.getByLabel("Name").fill("never created");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("button", { name: "Create new key" })).toBeFocused();
    await expect(keyRow(page, "never created")).toHaveCount(0);

    const name = uniqueName("Twin");
    await createKey(page, name);
    await finishCreate(page);
    // The warning comes while the name is typed (case and spaces aside), before a duplicate exists.
    const again = await openCreateDialog(page);
    await again.getByLabel("Name").fill(`  ${name.toUpperCase()} `);
    await expect(again.getByText(`You already have an active key named “${name}”`)).toBeVisible();
    await again.getByLabel("Name").fill(name);
    await again.getByRole("button", { name: "Create key" }).click();
    await expect(secretDialog(page).getByTestId("api-key-secret")).toHaveText(/^sk_live_/);
    await finishCreate(page);
    await expect(keyRow(page, name)).toHaveCount(2);
  });

  test("search, environment filter, sorting and pagination live in the URL", async ({ page }) => {
    test.slow();
    await signIn(page, demoUser("owner").email);
    const prefix = uniqueName("Batch");
    const names = Array.from({ length: 11 }, (_, i) => `${prefix} ${String(i + 1).padStart(2, "0")}`);
    for (const [i, name] of names.entries()) {
      await createKey(page, name, { environment: i === 0 ? "Development" : "Staging" });
      await finishCreate(page);
    }

    const search = page.getByLabel("Search keys");
    await search.fill(prefix);
    await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(prefix).replace(/%20/g, "\\+")}`));
    await expect(page.getByText("11 keys")).toBeVisible();
    // The list re-renders around the search box without taking the caret away.
    await expect(search).toBeFocused();

    await page.getByLabel("Rows per page").selectOption("10");
    await expect(page).toHaveURL(/size=10/);
    await expect(page.getByText("Page 1 of 2")).toBeVisible();
    const body = page.locator("tbody tr");
    await expect(body).toHaveCount(10);
    // Newest first by default.
    await expect(body.first()).toContainText(names[10]!);
    await expect(page.getByRole("columnheader", { name: "Created" })).toHaveAttribute("aria-sort", "descending");

    await page.getByRole("button", { name: "Next" }).click();
    await expect(page.getByText("Page 2 of 2")).toBeVisible();
    await expect(page).toHaveURL(/page=2/);
    await expect(body).toHaveCount(1);
    await expect(body.first()).toContainText(names[0]!);
    await expect(page.getByRole("button", { name: "Next" })).toBeDisabled();
    // Next carries a cursor (where page 1 ended), so a deep page reads from the index.
    await expect(page).toHaveURL(/cursor=[A-Za-z0-9_-]+/);
    // Previous back to page 1 is page 1's own address.
    await page.getByRole("button", { name: "Previous" }).click();
    await expect(page.getByText("Page 1 of 2")).toBeVisible();
    await expect(page).not.toHaveURL(/cursor=|page=/);
    await expect(body).toHaveCount(10);
    await expect(body.first()).toContainText(names[10]!);
    await expect(page.getByRole("button", { name: "Previous" })).toBeDisabled();

    // Sorting goes back to page 1.
    await page.getByRole("button", { name: "Created" }).click();
    await expect(page.getByRole("columnheader", { name: "Created" })).toHaveAttribute("aria-sort", "ascending");
    await expect(page).toHaveURL(/dir=asc/);
    await expect(page.getByText("Page 1 of 2")).toBeVisible();
    await expect(body.first()).toContainText(names[0]!);

    // The URL is the state: a reload shows the same view.
    await page.reload();
    await expect(page.getByLabel("Search keys")).toHaveValue(prefix);
    await expect(page.getByText("Page 1 of 2")).toBeVisible();
    await expect(body.first()).toContainText(names[0]!);

    await page.getByLabel("Environment", { exact: true }).selectOption({ label: "Development" });
    await expect(page.getByText("1 key", { exact: true })).toBeVisible();
    await expect(body).toHaveCount(1);
    await expect(body.first()).toContainText(names[0]!);

    await page.getByLabel("Search keys").fill(`${prefix} nothing like this`);
    await expect(page.getByText("No keys match these filters")).toBeVisible();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(page.getByLabel("Search keys")).toHaveValue("");
    await expect(page.getByLabel("Environment", { exact: true })).toHaveValue("");
    await expect(page).not.toHaveURL(/[?&](q|environment)=/);
  });

  test("victor (viewer) can create a key", async ({ page }) => {
    await signIn(page, demoUser("viewer").email);
    const name = uniqueName("Viewer script");
    const key = await createKey(page, name, { environment: "Development" });
    expect(key).toMatch(/^sk_test_[0-9A-Za-z]{38}$/);
    await finishCreate(page);
    await expect(keyRow(page, name)).toContainText("Development");
    await expect(page.getByRole("tab", { name: "All keys" })).toHaveCount(0);
  });

  test("dana (developer) sees only her own keys: no All keys tab, no Owner column", async ({ page }) => {
    await signIn(page, demoUser("developer").email);
    const name = uniqueName("Dana job");
    await createKey(page, name);
    await finishCreate(page);
    await expect(keyRow(page, name)).toHaveCount(1);
    await expect(page.getByRole("tab", { name: "All keys" })).toHaveCount(0);
    await expect(page.getByRole("tab", { name: "My keys" })).toHaveCount(0);
    await expect(page.getByRole("columnheader", { name: "Owner" })).toHaveCount(0);

    // Asking for everyone's keys in the URL still shows only hers.
    await page.goto(`${API_KEYS_PATH}?scope=all`);
    await expect(keyRow(page, name)).toHaveCount(1);
    await expect(page.getByRole("columnheader", { name: "Owner" })).toHaveCount(0);
  });

  test("adam (admin) sees alice's key under All keys and revokes it", async ({ page }) => {
    test.slow(); // several sign-ins and round trips; the default 30 s is tight on a busy machine
    const name = uniqueName("Alice service");
    await signIn(page, demoUser("owner").email);
    await createKey(page, name, { environment: "Production" });
    await finishCreate(page);
    await signOut(page);

    await signIn(page, demoUser("admin").email);
    await expect(keyRow(page, name)).toHaveCount(0); // "My keys" is the default
    await page.getByRole("tab", { name: "All keys" }).click();
    await expect(page).toHaveURL(/scope=all/);
    await expect(page.getByRole("columnheader", { name: "Owner" })).toBeVisible();
    const row = keyRow(page, name);
    await expect(row).toContainText("Alice Owner");
    await expect(row).toContainText("alice@acme.test");

    await row.getByRole("button", { name: "Revoke" }).click();
    await expect(page.getByRole("alertdialog", { name: "Revoke API key?" })).toContainText("Alice Owner");
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
    await expect(page.getByRole("alertdialog")).toHaveCount(0);
    await expect(keyRow(page, name)).toHaveCount(0);

    await page.getByRole("tab", { name: "Revoked" }).click();
    await expect(keyRow(page, name)).toContainText("by Adam Admin");
    await expect(keyRow(page, name)).toContainText("Alice Owner");
  });

  test("gina (Globex owner) never sees Acme keys", async ({ page }) => {
    test.slow(); // several sign-ins and round trips; the default 30 s is tight on a busy machine
    const name = uniqueName("Acme secret project");
    await signIn(page, demoUser("owner").email);
    await createKey(page, name);
    await finishCreate(page);
    await signOut(page);

    await signIn(page, demoUser("globex-owner").email);
    await expect(page.getByTestId("current-organization")).toHaveText("Globex");
    await page.getByRole("tab", { name: "All keys" }).click();
    await expect(page).toHaveURL(/scope=all/);
    await expect(page.getByRole("heading", { name: "API Keys" })).toBeVisible();
    await expect(page.getByText(name)).toHaveCount(0);
    await page.getByLabel("Search keys").fill(name);
    await expect(page.getByText("No keys match these filters")).toBeVisible();
  });
});
