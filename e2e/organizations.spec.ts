import { expect, test } from "@playwright/test";
import { apiKeysPath, demoUser, memberRow, membersPath, onPath, signIn } from "./helpers";

// gina creates an organization: she stays its owner for the rest of the run (nothing deletes an
// organization), and she still lands in Globex, her first. No other spec counts gina's organizations.
const gina = demoUser("globex-owner");

test("create an organization from the switcher, land on its key page; its only owner can't leave it", async ({ page }) => {
  const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const name = `Initech ${tag}`;
  const slug = `initech-${tag}`;
  await signIn(page, gina.email);

  // With one organization there is nothing to switch to, but the menu creates one.
  await page.getByRole("button", { name: "Organization menu (current: Globex)" }).click();
  await page.getByRole("menuitem", { name: "Create organization" }).click();
  const dialog = page.getByRole("dialog", { name: "Create organization" });
  const slugField = dialog.getByLabel("Slug");

  // The slug follows the name as it is typed…
  await dialog.getByLabel("Name").fill(name);
  await expect(slugField).toHaveValue(slug);
  await expect(dialog).toContainText(`/${slug}/settings`);
  // …is checked as it is edited…
  await slugField.fill("settings");
  await expect(dialog.getByText("That slug is reserved. Choose another.")).toBeVisible();
  await slugField.fill("ab");
  await expect(dialog.getByText("Use at least 3 characters.")).toBeVisible();
  // …and a taken one is refused by the server, with a free one offered.
  await slugField.fill("acme");
  await dialog.getByRole("button", { name: "Create organization" }).click();
  await expect(dialog.getByText(/The slug “acme” is taken\. Try “acme-\d+”/)).toBeVisible();
  await expect(dialog.getByRole("button", { name: /^Use acme-\d+$/ })).toBeVisible();
  await expect(slugField).toBeFocused();
  await expect(dialog.getByLabel("Name")).toHaveValue(name);

  await slugField.fill(slug);
  await dialog.getByRole("button", { name: "Create organization" }).click();
  await page.waitForURL(onPath(apiKeysPath(slug)));
  await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
  await expect(page.getByTestId("current-organization")).toHaveText(name);

  // Now she has two: the switcher lists both.
  await page.getByRole("button", { name: `Switch organization (current: ${name})` }).click();
  await expect(page.getByRole("menuitem", { name: /Globex/ })).toBeVisible();
  await expect(page.getByRole("menuitem", { name: new RegExp(name) })).toContainText("Owner");
  await page.keyboard.press("Escape");

  // She is its only owner, so she can't leave it.
  await page.goto(membersPath(slug));
  await expect(memberRow(page, gina.email)).toContainText(`${gina.name} (you)`);
  await expect(page.getByRole("combobox", { name: `Role for ${gina.name}` })).toBeDisabled();
  const leave = page.getByRole("button", { name: "Leave organization" });
  await expect(leave).toBeDisabled();
  await expect(leave).toHaveAccessibleDescription("You're the organization's only owner. Make someone else an owner before leaving.");

  // Globex is still her first organization.
  await page.goto(apiKeysPath("globex"));
  await expect(page.getByTestId("current-organization")).toHaveText("Globex");
});

test("Escape or Cancel closes Create organization without creating anything", async ({ page }) => {
  await signIn(page, demoUser("owner").email);
  await page.getByRole("button", { name: "Organization menu (current: Acme Inc)" }).click();
  await page.getByRole("menuitem", { name: "Create organization" }).click();
  const dialog = page.getByRole("dialog", { name: "Create organization" });
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("button", { name: "Organization menu (current: Acme Inc)" })).toBeFocused();
});
