import { expect, test, type Locator, type Page } from "@playwright/test";
import { API_KEYS_PATH, createKeyThroughDialog, LONG_DESCRIPTION, MEMBERS_PATH, storageStatePath } from "./helpers";

async function expectNoSideways(page: Page, what: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${what} scrolls sideways`).toBeLessThanOrEqual(innerWidth);
}

/** Visible, and inside the viewport without scrolling anything sideways. */
async function expectReachable(button: Locator, viewportWidth: number): Promise<void> {
  await expect(button).toBeVisible();
  const box = (await button.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(viewportWidth);
}

test.describe("at 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 }, storageState: storageStatePath("admin") });

  test("no page scrolls sideways, and every row action is on screen", async ({ page }) => {
    test.slow();
    await page.goto(API_KEYS_PATH);
    await createKeyThroughDialog(page, `Reconciler ${Date.now().toString(36)}`, { description: LONG_DESCRIPTION });
    await createKeyThroughDialog(page, `A key whose name is far longer than a phone is wide ${Date.now().toString(36)}`);

    for (const path of [API_KEYS_PATH, `${API_KEYS_PATH}?scope=all`, `${API_KEYS_PATH}?status=revoked`]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
      await expectNoSideways(page, path);
      const rows = page.locator("tbody tr");
      for (const row of await rows.all()) {
        const revoke = row.getByRole("button", { name: "Revoke" });
        if (path.includes("revoked")) continue;
        await expectReachable(revoke, 390);
        // The key's name is on the same card as its action, not scrolled off to the side.
        await expectReachable(row.getByRole("link").first(), 390);
      }
    }

    await page.getByRole("button", { name: "Create new key" }).click();
    await expectNoSideways(page, "create dialog");
    await page.keyboard.press("Escape");

    await page.goto(MEMBERS_PATH);
    await expect(page.getByRole("heading", { level: 1, name: "Members" })).toBeVisible();
    await expectNoSideways(page, "members");
    for (const row of await page.locator("tbody tr").all()) {
      await expect(row.getByText(/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/)).toBeVisible(); // Joined
      const remove = row.getByRole("button", { name: /^Remove / });
      if ((await remove.count()) > 0) await expectReachable(remove, 390);
    }

    for (const path of ["/docs/api", `${API_KEYS_PATH}/nowhere/else`]) {
      await page.goto(path);
      await expectNoSideways(page, path);
    }
  });

  test("the login page fits", async ({ browser }) => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto("/login");
    await expectNoSideways(page, "login");
    await page.close();
  });
});

test.describe("at 1440 px", () => {
  test.use({ viewport: { width: 1440, height: 900 }, storageState: storageStatePath("admin") });

  test("a long description doesn't push Owner or Revoke out of the table", async ({ page }) => {
    await page.goto(`${API_KEYS_PATH}?scope=all`);
    await createKeyThroughDialog(page, `Wide ${Date.now().toString(36)}`, { description: LONG_DESCRIPTION });
    await expectNoSideways(page, "keys");
    const container = page.locator("[data-slot=table-container]");
    const { scrollWidth, clientWidth } = await container.evaluate((element) => ({
      scrollWidth: element.scrollWidth,
      clientWidth: element.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await expect(page.getByRole("columnheader", { name: "Owner" })).toBeInViewport();
    for (const revoke of await page.locator("tbody").getByRole("button", { name: "Revoke" }).all()) {
      await expectReachable(revoke, 1440);
    }
  });
});
