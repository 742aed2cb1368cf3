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

/** Chooses a role, which only proposes it, then confirms in **Change role?**. */
async function changeRole(page: Page, name: string, label: "Owner" | "Admin" | "Developer" | "Viewer"): Promise<void> {
  const from = await roleSelect(page, name).inputValue();
  await roleSelect(page, name).selectOption({ label });
  const dialog = page.getByRole("alertdialog", { name: "Change role?" });
  await expect(dialog).toContainText(`${name} will be ${label} instead of ${from.charAt(0).toUpperCase()}${from.slice(1)}`);
  await dialog.getByRole("button", { name: "Change role" }).click();
  await expect(dialog).toBeHidden();
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

test("choosing a role saves nothing until Change role; Cancel keeps the old role", async ({ page }) => {
  await signIn(page, alice.email);
  await openMembers(page);
  const select = roleSelect(page, victor.name);
  const activeKeys = Number(await memberRow(page, victor.email).getByRole("cell").nth(3).textContent());

  await select.selectOption({ label: "Developer" });
  const dialog = page.getByRole("alertdialog", { name: "Change role?" });
  await expect(dialog).toContainText(`${victor.name} will be Developer instead of Viewer in Acme Inc.`);
  // What it does to the member's keys: a viewer's keys gain usage:write (restricted ones only within their restriction).
  await expect(dialog.getByTestId("role-change-effect")).toHaveText(
    activeKeys === 0 ? "They have no active API keys." : /gains? usage:write at once|keeps? the permissions/,
  );
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(select).toHaveValue("viewer");
  await expect(page.getByText(/^Role updated/)).toHaveCount(0);
  await page.reload();
  await expect(roleSelect(page, victor.name)).toHaveValue("viewer");

  // Escape cancels too.
  await roleSelect(page, victor.name).selectOption({ label: "Admin" });
  await expect(dialog).toContainText("will be Admin instead of Viewer");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(roleSelect(page, victor.name)).toHaveValue("viewer");

  // Confirmed, it applies; and it's undone for the other specs.
  await changeRole(page, victor.name, "Developer");
  await page.reload();
  await expect(roleSelect(page, victor.name)).toHaveValue("developer");
  await roleSelect(page, victor.name).selectOption({ label: "Viewer" });
  await expect(page.getByRole("alertdialog", { name: "Change role?" }).getByTestId("role-change-effect")).toHaveText(
    activeKeys === 0 ? "They have no active API keys." : /loses? usage:write at once|keeps? the permissions/,
  );
  await page.getByRole("alertdialog", { name: "Change role?" }).getByRole("button", { name: "Change role" }).click();
  await expect(page.getByText(`Role updated: ${victor.name} is now Viewer.`, { exact: false })).toBeVisible();
  await page.reload();
  await expect(roleSelect(page, victor.name)).toHaveValue("viewer");
});

test("any member but the last owner may leave; the last owner is told why not", async ({ page }) => {
  await signIn(page, alice.email);
  await openMembers(page);
  const leave = page.getByRole("button", { name: "Leave organization" });
  await expect(leave).toBeDisabled();
  await expect(leave).toHaveAccessibleDescription("You're the organization's only owner. Make someone else an owner before leaving.");
});

test("a viewer sees what leaving would do, and can back out", async ({ page }) => {
  await signIn(page, victor.email);
  await openMembers(page);
  const activeKeys = Number(await memberRow(page, victor.email).getByRole("cell").nth(3).textContent());
  await page.getByRole("button", { name: "Leave organization" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Leave organization?" });
  await expect(dialog).toContainText("You will lose access to Acme Inc");
  await expect(dialog).toContainText(
    activeKeys === 0 ? "You have no active API keys in it." : `Your ${activeKeys} active API ${activeKeys === 1 ? "key" : "keys"} in it will be revoked at once`,
  );
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await page.reload();
  await expect(memberRow(page, victor.email)).toContainText(`${victor.name} (you)`);
});
