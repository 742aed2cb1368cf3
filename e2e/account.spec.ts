import AxeBuilder from "@axe-core/playwright";
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { apiKeysPath, demoUser, onPath, openMembers, signIn } from "./helpers";

// The account page and the password change, on a fresh account made through an invitation (the
// demo users' passwords never change, so the other specs keep signing in).

const PASSWORD = "violet-harbour-71-kites";
const NEW_PASSWORD = "second-tram-lemon-orbit-42";

async function freshAccount(page: Page, browserPage: Page): Promise<{ email: string; name: string }> {
  const email = `account-${randomBytes(4).toString("hex")}@example.test`;
  const name = "Acco Unt";
  await signIn(page, demoUser("owner").email);
  await openMembers(page);
  await page.getByRole("button", { name: "Invite member" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite member" });
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Role").selectOption({ label: "Developer" });
  await dialog.getByRole("button", { name: "Create invite" }).click();
  const link = (await page.getByTestId("invite-link").textContent())!.trim();
  await page.getByRole("button", { name: "Done" }).click();

  await browserPage.goto(link);
  await browserPage.getByLabel("Name").fill(name);
  await browserPage.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await browserPage.getByRole("button", { name: "Create account and join" }).click();
  await browserPage.waitForURL(onPath(apiKeysPath("acme")));
  return { email, name };
}

test("the account page shows who you are and your organizations; changing the password signs out your other browsers only", async ({ page, browser }) => {
  // Several browsers, several accounts, bcrypt at production cost on a busy machine.
  test.setTimeout(120_000);
  const mine = await browser.newContext();
  const other = await browser.newContext();
  try {
    const here = await mine.newPage();
    const { email, name } = await freshAccount(page, here);

    // A second browser signed in to the same account.
    const there = await other.newPage();
    await signIn(there, email, PASSWORD, { expectedPath: apiKeysPath("acme") });

    await here.getByRole("button", { name: "Account menu" }).click();
    await here.getByRole("menuitem", { name: "Account" }).click();
    await here.waitForURL(onPath("/account"));
    await expect(here.getByRole("heading", { level: 1, name: "Account" })).toBeVisible();
    const profile = here.getByRole("region", { name: "Profile" });
    await expect(profile).toContainText(name);
    await expect(profile).toContainText(email);
    await expect(profile.getByRole("textbox")).toHaveCount(0);
    const organizations = here.getByRole("region", { name: "Organizations" });
    await expect(organizations.getByRole("listitem")).toHaveCount(1);
    await expect(organizations.getByRole("listitem")).toContainText("Developer");
    await expect(organizations.getByRole("link", { name: "Acme Inc" })).toHaveAttribute("href", apiKeysPath("acme"));
    const { violations } = await new AxeBuilder({ page: here }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]).analyze();
    expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    // A wrong current password, then a weak new one: refused beside the field, nothing changes.
    await here.getByLabel("Current password").fill("not-my-password-at-all");
    await here.getByLabel("New password").fill(NEW_PASSWORD);
    await here.getByRole("button", { name: "Change password" }).click();
    await expect(here.getByLabel("Current password")).toHaveAccessibleDescription("That isn't your current password.");
    // Passwords are never echoed back: the form comes back empty.
    await expect(here.getByLabel("Current password")).toHaveValue("");
    await expect(here.getByLabel("New password")).toHaveValue("");

    await here.getByLabel("Current password").fill(PASSWORD);
    await here.getByLabel("New password").fill("password1234");
    await expect(here.getByTestId("password-strength")).toContainText("Too weak");
    await here.getByRole("button", { name: "Change password" }).click();
    await expect(here.getByLabel("New password")).toHaveAccessibleDescription(/too common/);
    await expect(here.getByLabel("Current password")).toHaveValue("");

    await here.getByLabel("Current password").fill(PASSWORD);
    await here.getByLabel("New password").fill(NEW_PASSWORD);
    await here.getByRole("button", { name: "Change password" }).click();
    await expect(here.getByText("Your password was changed.")).toBeVisible();

    // The other browser is signed out at its next request; this one isn't.
    await there.goto(apiKeysPath("acme"));
    await expect(there).toHaveURL(onPath("/login"));
    await here.goto(apiKeysPath("acme"));
    await expect(here.getByRole("heading", { name: "API Keys" })).toBeVisible();

    // The new password signs in; the old one doesn't.
    await signIn(there, email, NEW_PASSWORD, { expectedPath: apiKeysPath("acme") });
    await expect(there.getByRole("heading", { name: "API Keys" })).toBeVisible();
  } finally {
    await mine.close();
    await other.close();
  }
});

test("signed out, /account goes to sign in and comes back", async ({ browser }) => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto("/account");
    await expect(page).toHaveURL(onPath("/login"));
    expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe("/account");
    await signIn(page, demoUser("viewer").email, undefined, { expectedPath: "/account" });
    await expect(page.getByRole("heading", { level: 1, name: "Account" })).toBeVisible();
  } finally {
    await context.close();
  }
});

test("sign-up is by invitation only unless ALLOW_SIGNUP is set", async ({ browser }) => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const response = await page.goto("/signup");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "Sign-up is by invitation only" })).toBeVisible();
    await expect(page.getByLabel("Password")).toHaveCount(0);
  } finally {
    await context.close();
  }
});
