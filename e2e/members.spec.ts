import { expect, test, type Page } from "@playwright/test";
import { demoUser, memberRow, openMembers, removeButton, signIn } from "./helpers";

const alice = demoUser("owner");
const adam = demoUser("admin");
const dana = demoUser("developer");
const victor = demoUser("viewer");
const gina = demoUser("globex-owner");

function roleSelect(page: Page, name: string) {
  return page.getByRole("combobox", { name: `Role for ${name}`, exact: true });
}

async function changeRole(page: Page, name: string, label: "Owner" | "Admin" | "Developer" | "Viewer"): Promise<void> {
  await roleSelect(page, name).selectOption({ label });
  await expect(
    page.getByText(`Role updated: ${name} is now ${label}. Their API keys follow the new role at once.`),
  ).toBeVisible();
}

test("a viewer sees every member, read-only", async ({ page }) => {
  await signIn(page, victor.email);
  await openMembers(page);
  await expect(page).toHaveTitle(/^Members\b/);

  for (const [user, role] of [
    [alice, "Owner"],
    [adam, "Admin"],
    [dana, "Developer"],
    [victor, "Viewer"],
  ] as const) {
    const row = memberRow(page, user.email);
    await expect(row).toContainText(user.name);
    await expect(row).toContainText(role);
  }
  await expect(memberRow(page, victor.email)).toContainText(`${victor.name} (you)`);
  // Members of other organizations are not listed.
  await expect(memberRow(page, gina.email)).toHaveCount(0);

  await expect(page.getByText("Only owners and admins can change roles or remove members.")).toBeVisible();
  await expect(page.getByRole("combobox", { name: /^Role for / })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Remove/ })).toHaveCount(0);
});

test("an admin can't change or remove an owner, nor make anyone an owner", async ({ page }) => {
  await signIn(page, adam.email);
  await openMembers(page);
  await expect(page.getByText("Only owners and admins can change roles or remove members.")).toHaveCount(0);

  const aliceRole = roleSelect(page, alice.name);
  await expect(aliceRole).toBeDisabled();
  await expect(aliceRole).toHaveValue("owner");
  await expect(aliceRole).toHaveAccessibleDescription("Only an owner can change an owner's role.");
  await expect(removeButton(page, alice.name)).toBeDisabled();
  await expect(removeButton(page, alice.name)).toHaveAccessibleDescription("Only an owner can remove an owner.");

  const victorRole = roleSelect(page, victor.name);
  await expect(victorRole).toBeEnabled();
  await expect(victorRole).toHaveValue("viewer");
  await expect(victorRole.locator("option", { hasText: "Owner" })).toBeDisabled();
  for (const label of ["Admin", "Developer", "Viewer"]) {
    await expect(victorRole.locator("option", { hasText: label })).toBeEnabled();
  }
  await expect(removeButton(page, victor.name)).toBeEnabled();

  // Nobody removes themselves here.
  await expect(memberRow(page, adam.email)).toContainText(`${adam.name} (you)`);
  await expect(removeButton(page, adam.name)).toHaveCount(0);
});

test("an owner changes a role, and the change persists", async ({ page }) => {
  await signIn(page, alice.email);
  await openMembers(page);

  await changeRole(page, victor.name, "Developer");
  await expect(roleSelect(page, victor.name)).toHaveValue("developer");
  await page.reload();
  await expect(roleSelect(page, victor.name)).toHaveValue("developer");

  await changeRole(page, victor.name, "Viewer");
  await page.reload();
  await expect(roleSelect(page, victor.name)).toHaveValue("viewer");
});

test("the only owner can't demote herself until there is another owner", async ({ page }) => {
  await signIn(page, alice.email);
  await openMembers(page);

  const aliceRole = roleSelect(page, alice.name);
  await expect(memberRow(page, alice.email)).toContainText(`${alice.name} (you)`);
  await expect(aliceRole).toBeDisabled();
  await expect(aliceRole).toHaveAccessibleDescription(/only owner\. Make someone else an owner before changing your role\./);
  await expect(removeButton(page, alice.name)).toHaveCount(0);

  // With a second owner the rule no longer applies, and owners may manage each other.
  await changeRole(page, adam.name, "Owner");
  await expect(aliceRole).toBeEnabled();
  await expect(removeButton(page, adam.name)).toBeEnabled();

  await changeRole(page, adam.name, "Admin");
  await expect(aliceRole).toBeDisabled();
  await page.reload();
  await expect(roleSelect(page, adam.name)).toHaveValue("admin");
  await expect(roleSelect(page, alice.name)).toBeDisabled();
});
