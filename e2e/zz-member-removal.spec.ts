import { expect, test, type Page } from "@playwright/test";
import { apiKeysPath, demoUser, memberRow, membersPath, onPath, openMembers, removeButton, signIn } from "./helpers";

// The LAST spec file (Playwright runs spec files in name order, on one worker), because it is
// destructive: dana stays removed from Globex for the rest of the run (re-adding her would take an
// invitation and her accepting it, another spec's subject); the e2e server starts every run on a
// fresh database, so the next run starts from the seed again.
// Every other spec may rely on dana being in Globex (organization-url.spec.ts does).

const dana = demoUser("developer");
const gina = demoUser("globex-owner");

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.waitForURL(onPath("/login"));
}

test.describe.serial("removing a member", () => {
  const keyName = `dana-globex-${Date.now()}`;

  test("gina removes dana from Globex; dana's keys there are revoked at once", async ({ page }) => {
    await signIn(page, dana.email);
    await page.getByRole("button", { name: /^Switch organization/ }).click();
    await page.getByRole("menuitem", { name: /Globex/ }).click();
    await expect(page.getByTestId("current-organization")).toHaveText("Globex");

    await expect(page).toHaveURL(onPath(apiKeysPath("globex")));
    await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
    await page.getByRole("button", { name: "Create new key" }).first().click();
    {
      const create = page.getByRole("dialog", { name: "Create API key" });
      await create.getByLabel("Name").fill(keyName);
      await create.getByRole("button", { name: "Create key" }).click();
      const save = page.getByRole("dialog", { name: "Save your API key" });
      await expect(save.getByTestId("api-key-secret")).toHaveText(/^sk_live_[0-9A-Za-z]{38}$/);
      await save.getByRole("button", { name: "Done" }).click();
      await expect(page.getByRole("row").filter({ hasText: keyName })).toBeVisible();
    }
    await signOut(page);

    await signIn(page, gina.email);
    await expect(page.getByTestId("current-organization")).toHaveText("Globex");
    await openMembers(page, "globex");
    const row = memberRow(page, dana.email);
    const activeKeys = Number(await row.getByRole("cell").nth(3).textContent());
    expect(activeKeys).toBeGreaterThanOrEqual(1);

    await removeButton(page, dana.name).click();
    const dialog = page.getByRole("alertdialog", { name: "Remove member?" });
    await expect(dialog).toContainText(
      activeKeys === 0
        ? `${dana.name} will lose access to Globex. They have no active API keys.`
        : `${dana.name} will lose access to Globex and their ${activeKeys} active API ${activeKeys === 1 ? "key" : "keys"} will be revoked at once.`,
    );

    // Slow the server action down so the pending state is observable: the dialog must stay open.
    await page.route(
      (url) => url.pathname === membersPath("globex"),
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
    await expect(
      page.getByText(`${dana.name} removed. ${activeKeys === 1 ? "1 API key" : `${activeKeys} API keys`} revoked.`),
    ).toBeVisible();
    await page.reload();
    await expect(memberRow(page, gina.email)).toBeVisible();
    await expect(memberRow(page, dana.email)).toHaveCount(0);

    await page.goto(apiKeysPath("globex"));
    await page.getByRole("tab", { name: "All keys" }).click();
    await page.getByRole("tab", { name: "Revoked" }).click();
    const revoked = page.getByRole("row").filter({ hasText: keyName });
    await expect(revoked).toContainText("Member removed");
    await expect(revoked).toContainText(gina.name);
  });

  test("afterwards dana signs in to Acme Inc only", async ({ page }) => {
    await signIn(page, dana.email);
    await expect(page.getByTestId("current-organization")).toHaveText("Acme Inc");
    // Nothing to switch to: the organization menu only offers to create one.
    await expect(page.getByRole("button", { name: /^Switch organization/ })).toHaveCount(0);
    await page.getByRole("button", { name: "Organization menu (current: Acme Inc)" }).click();
    await expect(page.getByRole("menuitem", { name: /Globex/ })).toHaveCount(0);
    await expect(page.getByRole("menuitem", { name: "Create organization" })).toBeVisible();
    await page.keyboard.press("Escape");
    // Her membership in Acme Inc is untouched.
    await openMembers(page);
    await expect(memberRow(page, dana.email)).toContainText(`${dana.name} (you)`);
    // Globex's pages are now the 404 page for her, as for anyone outside Globex.
    const response = await page.goto(apiKeysPath("globex"));
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  });
});
