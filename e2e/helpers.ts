import path from "node:path";
import type { Page } from "@playwright/test";

export const DEMO_PASSWORD = "demo-password";
export const API_KEYS_PATH = "/settings/api-keys";
export const INVALID_CREDENTIALS = "Invalid email or password";

export type DemoRole = "owner" | "admin" | "developer" | "viewer" | "globex-owner";

export type DemoUser = {
  /** Key for `storageStatePath()`: one saved session per demo user. */
  role: DemoRole;
  email: string;
  name: string;
  /** The organization the user lands in after signing in (their first membership). */
  organization: string;
  organizations: string[];
};

/** The seeded demo users (lib/db/seed.ts, product spec "Demo data"). */
export const DEMO_USERS: readonly DemoUser[] = [
  { role: "owner", email: "alice@acme.test", name: "Alice Owner", organization: "Acme Inc", organizations: ["Acme Inc"] },
  { role: "admin", email: "adam@acme.test", name: "Adam Admin", organization: "Acme Inc", organizations: ["Acme Inc"] },
  {
    role: "developer",
    email: "dana@acme.test",
    name: "Dana Developer",
    organization: "Acme Inc",
    organizations: ["Acme Inc", "Globex"],
  },
  { role: "viewer", email: "victor@acme.test", name: "Victor Viewer", organization: "Acme Inc", organizations: ["Acme Inc"] },
  { role: "globex-owner", email: "gina@globex.test", name: "Gina Owner", organization: "Globex", organizations: ["Globex"] },
];

export function demoUser(role: DemoRole): DemoUser {
  const user = DEMO_USERS.find((u) => u.role === role);
  if (!user) throw new Error(`No demo user with role ${role}`);
  return user;
}

/** Where auth.setup.ts saves each demo user's signed-in session (gitignored). */
export function storageStatePath(role: DemoRole): string {
  return path.join(__dirname, ".auth", `${role}.json`);
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
 * a redirect carrying a callbackUrl), then waits for `expectedPath` (the API Keys page by default).
 */
export async function signIn(
  page: Page,
  email: string,
  password: string = DEMO_PASSWORD,
  { expectedPath = API_KEYS_PATH }: { expectedPath?: string } = {},
): Promise<void> {
  if (!isOnLoginPage(page)) await page.goto("/login");
  await submitLogin(page, email, password);
  await page.waitForURL(onPath(expectedPath));
}

function isOnLoginPage(page: Page): boolean {
  const current = page.url();
  return current.startsWith("http") && new URL(current).pathname === "/login";
}
