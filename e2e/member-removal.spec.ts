import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { apiKeysPath, demoUser, memberRow, membersPath, onPath, openMembers, removeButton, signIn } from "./helpers";

// Removing a member, on a member of its own: Alice (Acme's owner) invites a fresh address, which
// joins, creates an organization of its own and a key in Acme; Alice removes it. No demo user's
// memberships change, so this file runs in any order with the others.

const alice = demoUser("owner");
const PASSWORD = "violet-harbour-71-kites";

/** Invite member → Create invite → the link. */
async function invite(page: Page, email: string): Promise<string> {
  await page.getByRole("button", { name: "Invite member" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite member" });
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Role").selectOption({ label: "Developer" });
  await dialog.getByRole("button", { name: "Create invite" }).click();
  const linkDialog = page.getByRole("dialog", { name: "Invitation link" });
  const link = (await linkDialog.getByTestId("invite-link").textContent())!.trim();
  await linkDialog.getByRole("button", { name: "Done" }).click();
  await expect(linkDialog).toBeHidden();
  return link;
}

/** The invitee joins Acme with a new account, creates an organization of its own, then a key in Acme. */
async function joinWithKey(browser: Browser, link: string, member: { name: string; home: string; homeSlug: string; keyName: string }): Promise<void> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(link);
    await page.getByLabel("Name").fill(member.name);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account and join" }).click();
    await page.waitForURL(onPath(apiKeysPath("acme")));

    await page.getByRole("button", { name: "Organization menu (current: Acme Inc)" }).click();
    await page.getByRole("menuitem", { name: "Create organization" }).click();
    const create = page.getByRole("dialog", { name: "Create organization" });
    await create.getByLabel("Name").fill(member.home);
    await expect(create.getByLabel("Slug")).toHaveValue(member.homeSlug);
    await create.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(onPath(apiKeysPath(member.homeSlug)));

    await page.goto(apiKeysPath("acme"));
    await expect(page.getByTestId("current-organization")).toHaveText("Acme Inc");
    await page.getByRole("button", { name: "Create new key" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create API key" });
    await dialog.getByLabel("Name").fill(member.keyName);
    await dialog.getByRole("button", { name: "Create key" }).click();
    const save = page.getByRole("dialog", { name: "Save your API key" });
    await expect(save.getByTestId("api-key-secret")).toHaveText(/^sk_live_[0-9A-Za-z]{38}$/);
    await save.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("row").filter({ hasText: member.keyName })).toBeVisible();
  } finally {
    await context.close();
  }
}

test.describe.serial("removing a member", () => {
  const tag = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  const member = {
    name: `Removable ${tag}`,
    email: `removable-${tag}@example.test`,
    home: `Harbour ${tag}`,
    homeSlug: `harbour-${tag}`,
    keyName: `removable-acme-${tag}`,
  };

  test("the owner removes a member from Acme; the member's keys there are revoked at once", async ({ page, browser }) => {
    // Two browsers, a new account, bcrypt at production cost on a busy machine.
    test.setTimeout(120_000);
    await signIn(page, alice.email);
    await openMembers(page);
    const link = await invite(page, member.email);
    await joinWithKey(browser, link, member);

    await openMembers(page);
    const row = memberRow(page, member.email);
    await expect(row.getByRole("cell").nth(3)).toHaveText("1");

    await removeButton(page, member.name).click();
    const dialog = page.getByRole("alertdialog", { name: "Remove member?" });
    await expect(dialog).toContainText(`${member.name} will lose access to Acme Inc and their 1 active API key will be revoked at once.`);

    // Slow the server action down so the pending state is observable: the dialog must stay open.
    await page.route(
      (url) => url.pathname === membersPath("acme"),
      async (route) => {
        if (route.request().method() === "POST") await new Promise((resolve) => setTimeout(resolve, 1_000));
        await route.fallback();
      },
    );
    await dialog.getByRole("button", { name: "Remove", exact: true }).click();
    await expect(dialog.getByRole("button", { name: "Removing…" })).toBeDisabled();
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeDisabled();
    await expect(dialog).toBeHidden();
    await page.unrouteAll({ behavior: "wait" });

    await expect(row).toHaveCount(0);
    await expect(page.getByText(`${member.name} removed. 1 API key revoked.`)).toBeVisible();
    await page.reload();
    await expect(memberRow(page, alice.email)).toBeVisible();
    await expect(memberRow(page, member.email)).toHaveCount(0);

    await page.goto(apiKeysPath("acme"));
    await page.getByRole("tab", { name: "All keys" }).click();
    await page.getByRole("tab", { name: "Revoked" }).click();
    const revoked = page.getByRole("row").filter({ hasText: member.keyName });
    await expect(revoked).toContainText("Member removed");
    await expect(revoked).toContainText(alice.name);
  });

  test("afterwards the member signs in to their own organization only", async ({ page }) => {
    await signIn(page, member.email, PASSWORD, { expectedPath: apiKeysPath(member.homeSlug) });
    await expect(page.getByTestId("current-organization")).toHaveText(member.home);
    // Nothing to switch to: the organization menu only offers to create one.
    await expect(page.getByRole("button", { name: /^Switch organization/ })).toHaveCount(0);
    await page.getByRole("button", { name: `Organization menu (current: ${member.home})` }).click();
    await expect(page.getByRole("menuitem", { name: /Acme/ })).toHaveCount(0);
    await expect(page.getByRole("menuitem", { name: "Create organization" })).toBeVisible();
    await page.keyboard.press("Escape");
    // Their membership of their own organization is untouched.
    await openMembers(page, member.homeSlug);
    await expect(memberRow(page, member.email)).toContainText(`${member.name} (you)`);
    // Acme's pages are now the 404 page for them, as for anyone outside Acme.
    const response = await page.goto(apiKeysPath("acme"));
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  });
});
