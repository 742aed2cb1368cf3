import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { apiKeysPath, createKeyThroughDialog, LONG_DESCRIPTION, membersPath, revokeAllListedKeys, storageStatePath } from "./helpers";

// gina, the only member of Globex besides dana: her key list starts empty.
const API_KEYS_PATH = apiKeysPath("globex");
const MEMBERS_PATH = membersPath("globex");

// WCAG 2.2 A and AA, as axe-core tags them.
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

async function expectNoViolations(page: Page, state: string): Promise<void> {
  // Transitions (dialogs fading in, toasts sliding) would be scanned half-drawn.
  await page.waitForTimeout(0);
  await page.evaluate(() =>
    document
      .getAnimations()
      .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
      .forEach((animation) => animation.finish()),
  );
  // Next re-renders the page's metadata after a navigation or a refresh (its <title> is replaced a
  // moment after the rows show): a scan that ran across the swap saw no title. Scan again then; a
  // page that really has none fails all three times.
  let violations: Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    await expect(page).toHaveTitle(/\S/);
    ({ violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze());
    if (!violations.some((v) => v.id === "document-title")) break;
  }
  const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`);
  expect(summary, `axe violations: ${state}`).toEqual([]);
}

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`${colorScheme} scheme`, () => {
    // The theme follows the system by default: the emulated preference is what a visitor's OS says.
    test.use({ colorScheme });

    test("login", async ({ page }) => {
      await page.goto("/login");
      await expect(page.locator("html")).toHaveClass(new RegExp(colorScheme));
      await expectNoViolations(page, "login");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByText("Enter your email address.")).toBeVisible();
      await expectNoViolations(page, "login with field errors");
    });

    test.describe("signed in", () => {
      test.use({ storageState: storageStatePath("globex-owner") });

      test("keys: empty, full, create, show-once, revoke", async ({ page }) => {
        test.setTimeout(180_000); // some twenty axe scans, on a machine that may be busy
        // Unique per attempt: a retry finds the first attempt's revoked keys still listed.
        const exporter = `Exporter ${colorScheme} ${Date.now().toString(36)}`;
        await page.goto(API_KEYS_PATH);
        await revokeAllListedKeys(page);
        await page.reload();
        await expect(page.getByText("No API keys yet")).toBeVisible();
        await expectNoViolations(page, "key list, empty");

        await createKeyThroughDialog(page, `Reconciler ${colorScheme}`, { description: LONG_DESCRIPTION });
        await createKeyThroughDialog(page, `Webhook relay ${colorScheme}`);
        await expect(page.getByRole("row").filter({ hasText: `Webhook relay ${colorScheme}` })).toHaveCount(1);
        await expectNoViolations(page, "key list with keys");
        await page.getByRole("tab", { name: "All keys" }).click();
        await expect(page.getByRole("columnheader", { name: "Owner" })).toBeVisible();
        await expectNoViolations(page, "all keys");

        await page.getByRole("button", { name: "Create new key" }).click();
        const create = page.getByRole("dialog", { name: "Create API key" });
        await create.getByRole("button", { name: "Create key" }).click();
        await expect(create.getByText(/Enter a name/)).toBeVisible();
        await expectNoViolations(page, "create dialog with an error");
        await create.getByLabel("Name").fill(`reconciler ${colorScheme}`);
        await expect(create.getByText(/You already have an active key named/)).toBeVisible();
        await expectNoViolations(page, "create dialog with the duplicate-name warning");
        await create.getByLabel("Name").fill(exporter);
        await create.getByLabel("Expiration", { exact: true }).selectOption({ label: "Custom date" });
        await create.getByRole("radio", { name: "Restricted" }).click();
        await create.getByRole("button", { name: "Create key" }).click();
        await expect(create.getByText("Choose a date.")).toBeVisible();
        await expect(create.getByText(/Choose at least one permission/)).toBeVisible();
        await expectNoViolations(page, "create dialog with expiry and permission errors");
        await create.getByLabel("Expiration", { exact: true }).selectOption({ label: "7 days" });
        await create.getByRole("checkbox", { name: "usage:read", exact: true }).check();
        await create.getByRole("button", { name: "Create key" }).click();
        const secret = page.getByRole("dialog", { name: "Save your API key" });
        await expect(secret.getByTestId("api-key-secret")).toBeVisible();
        await expectNoViolations(page, "show-once dialog");
        await secret.getByRole("button", { name: "Done" }).click();

        // The expiring-keys notice, the Expires soon and Restricted badges, the row menu and its dialogs.
        const exporterRow = page.getByRole("row").filter({ hasText: exporter });
        await expect(exporterRow.getByRole("button", { name: "Expires soon" })).toBeVisible();
        await expect(page.getByRole("link", { name: /expires? within 7 days/ })).toBeVisible();
        await exporterRow.getByRole("button", { name: "Restricted" }).focus();
        await expect(page.getByRole("tooltip")).toContainText("usage:read");
        await expectNoViolations(page, "key list with an expiring, restricted key");
        await exporterRow.getByRole("button", { name: "Edit", exact: true }).click();
        const edit = page.getByRole("dialog", { name: "Edit API key" });
        await edit.getByLabel("Name").fill("");
        await edit.getByRole("button", { name: "Save" }).click();
        await expect(edit.getByText(/Enter a name/)).toBeVisible();
        await expectNoViolations(page, "edit dialog with an error");
        await edit.getByRole("button", { name: "Cancel" }).click();
        await exporterRow.getByRole("button", { name: "Roll key", exact: true }).click();
        const rollDialog = page.getByRole("alertdialog", { name: "Roll API key" });
        await expect(rollDialog.getByRole("radio", { name: "In 24 hours" })).toBeChecked();
        await expectNoViolations(page, "roll dialog");
        await rollDialog.getByRole("button", { name: "Cancel" }).click();
        await page.getByRole("checkbox", { name: "Select all" }).check();
        await page.getByRole("button", { name: /^Revoke selected/ }).click();
        const bulk = page.getByRole("alertdialog", { name: /^Revoke \d+ API keys\?$/ });
        await expect(bulk).toBeVisible();
        await expectNoViolations(page, "bulk revoke dialog");
        await bulk.getByRole("button", { name: "Cancel" }).click();
        await page.getByRole("button", { name: "Clear selection" }).click();

        await page.getByRole("row").filter({ hasText: exporter }).getByRole("button", { name: "Revoke" }).click();
        await expect(page.getByRole("alertdialog", { name: "Revoke API key?" })).toBeVisible();
        await expectNoViolations(page, "revoke dialog");
        await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
        await expect(page.getByText("API key revoked")).toBeVisible();
        await expectNoViolations(page, "after a revoke, with its toast");
        // A toast on its way out is scanned half-transparent: let it go before the next states.
        await expect(page.locator("[data-sonner-toast]")).toHaveCount(0, { timeout: 15_000 });

        await page.getByRole("tab", { name: "Revoked" }).click();
        await expect(page.getByRole("row").filter({ hasText: exporter })).toHaveCount(1);
        await expectNoViolations(page, "revoked keys");

        await page.getByRole("button", { name: "Account menu" }).click();
        await expect(page.getByRole("menuitemradio", { name: "System" })).toBeVisible();
        await expectNoViolations(page, "account menu");
      });

      test("members, docs, 404", async ({ page }) => {
        await page.goto(MEMBERS_PATH);
        await expect(page.getByRole("heading", { level: 1, name: "Members" })).toBeVisible();
        await expectNoViolations(page, "members");
        await page.goto("/docs/api");
        await expect(page.getByRole("heading", { level: 1, name: "API reference" })).toBeVisible();
        await expectNoViolations(page, "docs");
        await page.goto("/globex/settings/no-such-page");
        await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
        await expectNoViolations(page, "404");
      });
    });
  });
}

test.describe("theme", () => {
  test.use({ storageState: storageStatePath("globex-owner"), colorScheme: "light" });

  test("the choice in the account menu is remembered and applied before the first paint", async ({ page }) => {
    await page.goto(API_KEYS_PATH);
    await expect(page.locator("html")).toHaveClass(/light/);
    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("menuitemradio", { name: "Dark" }).click();
    await expect(page.locator("html")).toHaveClass(/dark/);

    // The server's HTML carries the theme script with the page's CSP nonce: it runs, so the class
    // is set before any stylesheet paints (no flash of the light scheme), and the CSP allows it.
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.route("**/_next/static/**/*.js", (route) => route.abort());
    await page.reload();
    await expect(page.locator("html")).toHaveClass(/dark/);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe("rgb(255, 255, 255)");
    expect(violations).toEqual([]);
    await page.unroute("**/_next/static/**/*.js");

    await page.reload();
    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("menuitemradio", { name: "System" }).click();
    await expect(page.locator("html")).toHaveClass(/light/);
  });
});
