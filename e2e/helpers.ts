import path from "node:path";
import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "demo-password";

/** An organization's API Keys page: dashboard pages live under the organization's slug. */
export function apiKeysPath(slug: string): string {
  return `/${slug}/settings/api-keys`;
}

export function membersPath(slug: string): string {
  return `/${slug}/settings/members`;
}

/** Acme Inc's API Keys page, where every demo user but gina lands. */
export const API_KEYS_PATH = apiKeysPath("acme");
export const MEMBERS_PATH = membersPath("acme");
export const INVALID_CREDENTIALS = "Invalid email or password";

export type DemoRole = "owner" | "admin" | "developer" | "viewer" | "globex-owner";

export type DemoUser = {
  /** Key for `storageStatePath()`: one saved session per demo user. */
  role: DemoRole;
  email: string;
  name: string;
  /** The organization the user lands in after signing in (their first membership), and its slug. */
  organization: string;
  slug: string;
  organizations: string[];
};

/** The seeded demo users (lib/platform/db/seed.ts, product spec "Demo data"). */
export const DEMO_USERS: readonly DemoUser[] = [
  { role: "owner", email: "alice@acme.test", name: "Alice Owner", organization: "Acme Inc", slug: "acme", organizations: ["Acme Inc"] },
  { role: "admin", email: "adam@acme.test", name: "Adam Admin", organization: "Acme Inc", slug: "acme", organizations: ["Acme Inc"] },
  {
    role: "developer",
    email: "dana@acme.test",
    name: "Dana Developer",
    organization: "Acme Inc",
    slug: "acme",
    organizations: ["Acme Inc", "Globex"],
  },
  { role: "viewer", email: "victor@acme.test", name: "Victor Viewer", organization: "Acme Inc", slug: "acme", organizations: ["Acme Inc"] },
  { role: "globex-owner", email: "gina@globex.test", name: "Gina Owner", organization: "Globex", slug: "globex", organizations: ["Globex"] },
];

export function demoUser(role: DemoRole): DemoUser {
  const user = DEMO_USERS.find((u) => u.role === role);
  if (!user) throw new Error(`No demo user with role ${role}`);
  return user;
}

/**
 * Where auth.setup.ts saves each demo user's signed-in session (gitignored). Sessions belong to one
 * server's database: runs against different servers at once each need their own E2E_AUTH_DIR.
 */
export function storageStatePath(role: DemoRole): string {
  return path.join(process.env.E2E_AUTH_DIR || path.join(__dirname, ".auth"), `${role}.json`);
}

/** A URL matcher for a pathname, ignoring the query string (check the origin separately). */
export function onPath(pathname: string): (url: URL) => boolean {
  return (url) => url.pathname === pathname;
}

/** Fills and submits the login form; does not wait for the outcome. */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * Signs in through the real login form. Opens /login unless the page is already on it (e.g. after
 * a redirect carrying a callbackUrl), then waits for `expectedPath` (by default the API Keys page
 * of the user's first organization).
 */
export async function signIn(
  page: Page,
  email: string,
  password: string = DEMO_PASSWORD,
  { expectedPath = apiKeysPath(DEMO_USERS.find((u) => u.email === email)?.slug ?? "acme") }: { expectedPath?: string } = {},
): Promise<void> {
  if (!isOnLoginPage(page)) await page.goto("/login");
  await submitLogin(page, email, password);
  await page.waitForURL(onPath(expectedPath));
}

function isOnLoginPage(page: Page): boolean {
  const current = page.url();
  return current.startsWith("http") && new URL(current).pathname === "/login";
}

/** Creates a key through the dialog and closes the show-once dialog; returns the key's last 4. */
export async function createKeyThroughDialog(
  page: Page,
  name: string,
  { description }: { description?: string } = {},
): Promise<string> {
  await page.getByRole("button", { name: "Create new key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await dialog.getByLabel("Name").fill(name);
  if (description) await dialog.getByLabel("Description").fill(description);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secretDialog = page.getByRole("dialog", { name: "Save your API key" });
  const secret = (await secretDialog.getByTestId("api-key-secret").textContent())!.trim();
  await secretDialog.getByRole("button", { name: "Done" }).click();
  await secretDialog.waitFor({ state: "hidden" });
  return secret.slice(-4);
}

/** Revokes every active key the page lists (the signed-in member's own on "My keys"). */
export async function revokeAllListedKeys(page: Page): Promise<void> {
  // The list streams in behind the page's skeleton, and React may reveal it a moment after the load
  // event: counting rows before that counts none (they are in the DOM, but hidden).
  await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
  const revokeButtons = page.getByRole("row").getByRole("button", { name: "Revoke" });
  while ((await revokeButtons.count()) > 0) {
    await revokeButtons.first().click();
    const confirm = page.getByRole("alertdialog", { name: "Revoke API key?" });
    await confirm.getByRole("button", { name: "Revoke key" }).click();
    await confirm.waitFor({ state: "hidden" });
  }
}

/** A description past the length that used to push the table's other columns off screen. */
export const LONG_DESCRIPTION =
  "Nightly reconciliation job for the EU billing cluster, runs from the data platform's Airflow deployment";

/** Opens an organization's Members page (Acme Inc's by default). */
export async function openMembers(page: Page, slug = "acme"): Promise<void> {
  await page.goto(membersPath(slug));
  await expect(page.getByRole("heading", { level: 1, name: "Members" })).toBeVisible();
}

export function memberRow(page: Page, name: string) {
  return page.getByRole("row").filter({ hasText: name });
}

export function removeButton(page: Page, name: string) {
  return page.getByRole("button", { name: `Remove ${name}`, exact: true });
}
