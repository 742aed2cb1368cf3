import { expect, test, type Page } from "@playwright/test";
import { API_KEYS_PATH, MEMBERS_PATH, revokeAllListedKeys, storageStatePath } from "./helpers";

/** Presses Tab until `name` (a button or link) has focus: how a keyboard user gets there. */
async function tabTo(page: Page, role: "button" | "link" | "combobox", name: string | RegExp, limit = 60): Promise<void> {
  const target = page.getByRole(role, { name }).first();
  for (let i = 0; i < limit; i += 1) {
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${role} "${name}"`);
}

test.describe("keyboard only", () => {
  test.use({ storageState: storageStatePath("developer") });

  test("create, copy, revoke: focus lands somewhere sensible after each", async ({ page, context }) => {
    test.slow();
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.goto(API_KEYS_PATH);
    await revokeAllListedKeys(page);
    await page.reload();

    // The skip link is the first stop and lands past the header.
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.locator("#main")).toBeFocused();

    const names = ["Keyboard one", "Keyboard two", "Keyboard three"];
    for (const name of names) {
      await tabTo(page, "button", "Create new key");
      await page.keyboard.press("Enter");
      const dialog = page.getByRole("dialog", { name: "Create API key" });
      await expect(dialog.getByLabel("Name")).toBeFocused();
      await page.keyboard.type(name);
      // Escape with something typed keeps the dialog and what was typed.
      await page.keyboard.press("Escape");
      await expect(dialog).toBeVisible();
      await expect(dialog.getByLabel("Name")).toHaveValue(name);
      await expect(dialog.getByText("What you typed is kept. Choose Cancel to discard it.")).toBeVisible();
      await dialog.getByLabel("Name").focus();
      await page.keyboard.press("Enter"); // submits the form
      const secretDialog = page.getByRole("dialog", { name: "Save your API key" });
      await expect(secretDialog.getByTestId("api-key-secret")).toBeVisible();
      await tabTo(page, "button", "Copy");
      await page.keyboard.press("Enter");
      await expect(secretDialog.getByRole("button", { name: "Copied" })).toBeFocused();
      await tabTo(page, "button", "Done");
      await page.keyboard.press("Enter");
      await expect(secretDialog).toBeHidden();
      await expect(page.getByRole("button", { name: "Create new key" })).toBeFocused();
    }

    // An empty form still closes on Escape.
    await page.keyboard.press("Enter");
    await expect(page.getByRole("dialog", { name: "Create API key" })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog", { name: "Create API key" })).toBeHidden();
    await expect(page.getByRole("button", { name: "Create new key" })).toBeFocused();

    // Newest first: three, two, one. Revoking the middle row moves focus to the next row's Revoke.
    const row = (name: string) => page.getByRole("row").filter({ hasText: name });
    const revokeOf = (name: string) => row(name).getByRole("button", { name: "Revoke" });
    async function revokeFocused(name: string) {
      await expect(revokeOf(name)).toBeFocused();
      await page.keyboard.press("Enter");
      const confirm = page.getByRole("alertdialog", { name: "Revoke API key?" });
      await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
      await page.keyboard.press("Tab");
      await expect(confirm.getByRole("button", { name: "Revoke key" })).toBeFocused();
      await page.keyboard.press("Enter");
      await expect(confirm).toBeHidden();
      await expect(row(name)).toHaveCount(0);
    }

    // Forward through the rows (their checkboxes, links and menus) to the second row's Revoke.
    await tabTo(page, "button", "Revoke");
    for (let i = 0; i < 10 && !(await revokeOf("Keyboard two").evaluate((element) => element === document.activeElement)); i += 1) {
      await page.keyboard.press("Tab");
    }
    await revokeFocused("Keyboard two");
    await expect(revokeOf("Keyboard one")).toBeFocused();
    // Still there once the refreshed list has landed (it re-renders the rows).
    await page.waitForLoadState("networkidle");
    await expect(revokeOf("Keyboard one")).toBeFocused();

    // The last row: focus goes to the previous one.
    await revokeFocused("Keyboard one");
    await expect(revokeOf("Keyboard three")).toBeFocused();
    await page.waitForLoadState("networkidle");
    await expect(revokeOf("Keyboard three")).toBeFocused();

    // None left: focus goes to Create new key (the empty state's, once the list has refreshed).
    await revokeFocused("Keyboard three");
    await expect(page.getByText("No API keys yet")).toBeVisible();
    await expect(page.getByRole("button", { name: "Create new key" })).toBeFocused();
  });
});

test.describe("keyboard only, as an admin", () => {
  test.use({ storageState: storageStatePath("admin") });

  test("arrowing through the role options saves nothing; a change needs Change role, and focus comes back", async ({ page }) => {
    await page.goto(MEMBERS_PATH);
    const select = page.getByRole("combobox", { name: "Role for Victor Viewer", exact: true });
    const dialog = page.getByRole("alertdialog", { name: "Change role?" });
    await tabTo(page, "combobox", /^Role for Victor Viewer$/);
    // In Chrome on Linux an arrow key on a closed select changes its value: that only proposes the change.
    await page.keyboard.press("ArrowUp"); // Viewer → Developer
    await expect(dialog).toContainText("Victor Viewer will be Developer instead of Viewer");
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(select).toBeFocused();
    await expect(select).toHaveValue("viewer");
    await expect(page.getByText(/^Role updated/)).toHaveCount(0);
    await page.reload();
    await expect(select).toHaveValue("viewer");

    await tabTo(page, "combobox", /^Role for Victor Viewer$/);
    await page.keyboard.press("ArrowUp");
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(dialog.getByRole("button", { name: "Change role" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByText("Role updated: Victor Viewer is now Developer.", { exact: false })).toBeVisible();
    await expect(dialog).toBeHidden();
    await expect(select).toBeFocused();
    await expect(select).toHaveValue("developer");

    // And back, for the other specs.
    await page.keyboard.press("ArrowDown");
    await expect(dialog).toContainText("Victor Viewer will be Viewer instead of Developer");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect(page.getByText("Role updated: Victor Viewer is now Viewer.", { exact: false })).toBeVisible();
    await expect(select).toBeFocused();
    await expect(select).toHaveValue("viewer");
  });
});
