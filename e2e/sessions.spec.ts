import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { API_KEYS_PATH, demoUser, onPath, signIn } from "./helpers";

// Signing out ends the session on the server: a copy of the cookie (a stolen one, another tab's
// saved state) stops working at once, not when the cookie would have expired.

async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name.endsWith("next-auth.session-token"));
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.waitForURL(onPath("/login"));
}

test("a copy of the session cookie stops working when its session signs out", async ({ page, browser }) => {
  const user = demoUser("admin");
  await signIn(page, user.email);
  const cookie = await sessionCookie(page.context());
  expect(cookie).toBeDefined();

  const copy = await browser.newContext();
  try {
    await copy.addCookies([cookie!]);
    const other = await copy.newPage();
    await other.goto(API_KEYS_PATH);
    await expect(other.getByRole("heading", { name: "API Keys" })).toBeVisible();
    expect((await (await other.request.get("/api/auth/session")).json()).user?.email).toBe(user.email);

    await signOut(page);

    await other.goto(API_KEYS_PATH);
    await expect(other).toHaveURL(onPath("/login"));
    await expect(other.getByRole("button", { name: "Sign in" })).toBeVisible();

    const session = await other.request.get("/api/auth/session");
    expect(session.status()).toBe(200);
    expect(await session.json()).toEqual({});
    // next-auth's own endpoint also clears the dead cookie.
    expect(await sessionCookie(copy)).toBeUndefined();
  } finally {
    await copy.close();
  }
});

test("signing in again after signing out works, with a new session", async ({ page }) => {
  const { email } = demoUser("viewer");
  await signIn(page, email);
  const first = await sessionCookie(page.context());
  await signOut(page);
  await signIn(page, email);
  const second = await sessionCookie(page.context());
  expect(second?.value).toBeTruthy();
  expect(second?.value).not.toBe(first?.value);
  await page.reload();
  await expect(page).toHaveURL(onPath(API_KEYS_PATH));
});

test("a forged sign-out (no CSRF token) ends nobody's session", async ({ page }) => {
  const { email } = demoUser("developer");
  await signIn(page, email);
  // What a form on another page could send with the browser's cookies.
  for (const path of ["/api/auth/signout", "/api/auth/signout/extra"]) {
    await page.request.post(path, { form: { callbackUrl: "/" }, maxRedirects: 0 });
  }
  expect((await (await page.request.get("/api/auth/session")).json()).user?.email).toBe(email);
  await page.goto(API_KEYS_PATH);
  await expect(page.getByRole("heading", { name: "API Keys" })).toBeVisible();
});
