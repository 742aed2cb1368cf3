import { expect, test, type Page } from "@playwright/test";
import { apiKeysPath, demoUser, membersPath, onPath, storageStatePath } from "./helpers";

// The organization is in the URL: what a page shows is what its actions act on, whatever another
// tab has switched to since (issue 9). dana is a developer in both Acme Inc and Globex.

const uniqueName = (base: string) => `${base} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

function keyRow(page: Page, name: string) {
  return page.getByRole("row").filter({ hasText: name });
}

async function switchTo(page: Page, from: string, to: string): Promise<void> {
  await page.getByRole("button", { name: `Switch organization (current: ${from})` }).click();
  await page.getByRole("menuitem", { name: new RegExp(to) }).click();
  await expect(page.getByTestId("current-organization")).toHaveText(to);
}

test.describe("two tabs, two organizations", () => {
  test.use({ storageState: storageStatePath("developer") });

  test("a tab left on Acme Inc creates and revokes in Acme Inc after another tab switched to Globex", async ({ context }) => {
    test.slow(); // two tabs, several round trips
    const acme = await context.newPage();
    await acme.goto(apiKeysPath("acme"));
    await expect(acme.getByTestId("current-organization")).toHaveText("Acme Inc");

    const other = await context.newPage();
    await other.goto(apiKeysPath("acme"));
    await switchTo(other, "Acme Inc", "Globex");
    await expect(other).toHaveURL(onPath(apiKeysPath("globex")));

    // The first tab, untouched, still shows Acme Inc: its dialogs say so, and the key lands there.
    const name = uniqueName("Two tabs");
    await acme.getByRole("button", { name: "Create new key" }).first().click();
    const create = acme.getByRole("dialog", { name: "Create API key" });
    await expect(create).toContainText("acts as you in Acme Inc");
    await create.getByLabel("Name").fill(name);
    await create.getByRole("button", { name: "Create key" }).click();
    const save = acme.getByRole("dialog", { name: "Save your API key" });
    await expect(save).toContainText(`Your new key ${name} for Acme Inc is ready.`);
    await save.getByRole("button", { name: "Done" }).click();
    await expect(keyRow(acme, name)).toHaveCount(1);

    await acme.reload();
    await expect(keyRow(acme, name)).toHaveCount(1);
    await other.reload();
    await expect(other.getByTestId("current-organization")).toHaveText("Globex");
    await expect(other.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
    await expect(keyRow(other, name)).toHaveCount(0);

    // Revoking from the first tab revokes the Acme Inc key, not anything in Globex.
    await keyRow(acme, name).getByRole("button", { name: "Revoke" }).click();
    const revoke = acme.getByRole("alertdialog", { name: "Revoke API key?" });
    await expect(revoke).toContainText("in Acme Inc");
    await revoke.getByRole("button", { name: "Revoke key" }).click();
    await expect(revoke).toBeHidden();
    await expect(keyRow(acme, name)).toHaveCount(0);
    await acme.goto(`${apiKeysPath("acme")}?status=revoked`);
    await expect(keyRow(acme, name)).toHaveCount(1);
    await other.goto(`${apiKeysPath("globex")}?status=revoked`);
    await expect(other.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
    await expect(keyRow(other, name)).toHaveCount(0);
  });

  test("an action for an organization the user is not in is refused with a message, and nothing is created", async ({ page }) => {
    await page.goto(apiKeysPath("acme"));
    const name = uniqueName("Forged organization");
    await page.getByRole("button", { name: "Create new key" }).first().click();
    const create = page.getByRole("dialog", { name: "Create API key" });
    await create.getByLabel("Name").fill(name);
    // What a stale or tampered page would send: the action checks the organization it is given.
    await create.locator('input[name="organization"]').evaluate((input: HTMLInputElement) => {
      input.value = "initech";
    });
    await create.getByRole("button", { name: "Create key" }).click();
    await expect(create.getByRole("alert")).toHaveText("You are no longer a member of this organization. Reload the page.");
    await expect(create.getByLabel("Name")).toHaveValue(name);
    await expect(page.getByRole("dialog", { name: "Save your API key" })).toHaveCount(0);

    for (const slug of ["acme", "globex"]) {
      await page.goto(`${apiKeysPath(slug)}?q=${encodeURIComponent(name)}`);
      await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
      await expect(keyRow(page, name)).toHaveCount(0);
    }
  });
});

test.describe("old addresses", () => {
  test.use({ storageState: storageStatePath("developer") });

  test("/settings/… and / go to the same page of the last organization visited, query included", async ({ page }) => {
    await page.goto(membersPath("globex"));
    await expect(page.getByRole("heading", { level: 1, name: "Members" })).toBeVisible();

    await page.goto("/settings/api-keys?status=revoked");
    await expect(page).toHaveURL(onPath(apiKeysPath("globex")));
    expect(new URL(page.url()).searchParams.get("status")).toBe("revoked");
    await expect(page.getByTestId("current-organization")).toHaveText("Globex");

    await page.goto("/");
    await expect(page).toHaveURL(onPath(apiKeysPath("globex")));
    await page.goto("/settings");
    await expect(page).toHaveURL(onPath(apiKeysPath("globex")));

    await page.goto(apiKeysPath("acme"));
    await page.goto("/settings/members");
    await expect(page).toHaveURL(onPath(membersPath("acme")));
    await expect(page.getByTestId("current-organization")).toHaveText("Acme Inc");
  });
});

test.describe("someone else's organization", () => {
  test.use({ storageState: storageStatePath("owner") });

  test("an organization alice is not in and one that doesn't exist get the same 404 page", async ({ page }) => {
    const answers: { status: number | undefined; main: string }[] = [];
    for (const slug of ["globex", "no-such-organization"]) {
      const response = await page.goto(apiKeysPath(slug));
      await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
      // The header shows alice's own organization; nothing on the page names the one asked for.
      await expect(page.getByTestId("current-organization")).toHaveText("Acme Inc");
      await expect(page.getByText("Globex")).toHaveCount(0);
      answers.push({ status: response?.status(), main: await page.locator("main").innerText() });
    }
    expect(answers[0]!.status).toBe(404);
    expect(answers[1]).toEqual(answers[0]);

    // Visiting it didn't make it her "last organization".
    await page.goto("/settings/api-keys");
    await expect(page).toHaveURL(onPath(apiKeysPath(demoUser("owner").slug)));
  });
});
