import { expect, test, type Page, type Request } from "@playwright/test";
import { API_KEYS_PATH, DEMO_PASSWORD, INVALID_CREDENTIALS, demoUser, onPath, storageStatePath } from "./helpers";

// Forms that carry a secret must never put a field in a URL (browser history, proxy logs, Referer),
// whether the page has hydrated, hasn't yet (a slow network), or never will (JavaScript off). Sign-in
// posts to a server action, which works as a plain HTML form too.

/** Every URL the page asks for, with its method, to check that no secret ever travels in one. */
function recordRequests(page: Page): Array<{ method: string; url: string }> {
  const seen: Array<{ method: string; url: string }> = [];
  page.on("request", (request: Request) => seen.push({ method: request.method(), url: request.url() }));
  return seen;
}

function expectNoSecretInUrls(requests: Array<{ url: string }>, ...secrets: string[]): void {
  for (const { url } of requests) {
    const decoded = decodeURIComponent(url);
    for (const secret of secrets) expect(decoded, `a request URL carries a secret: ${url}`).not.toContain(secret);
    expect(new URL(url).searchParams.has("password"), url).toBe(false);
  }
}

test.describe("with JavaScript disabled", () => {
  test.use({ javaScriptEnabled: false });

  test("signing in posts the form and lands on the dashboard, which says it needs JavaScript", async ({ page }) => {
    const requests = recordRequests(page);
    await page.goto("/login");
    await page.getByLabel("Email").fill(demoUser("viewer").email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByLabel("Password").press("Enter");
    await page.waitForURL(onPath(API_KEYS_PATH));
    expect(requests.some((r) => r.method === "POST" && new URL(r.url).pathname === "/login")).toBe(true);
    expectNoSecretInUrls(requests, DEMO_PASSWORD);
    // Playwright turns scripts off without telling the HTML parser, which then keeps <noscript> as raw
    // text instead of showing it (a browser with JavaScript turned off shows it): read its text.
    const noscript = await page.locator("header noscript").allTextContents();
    expect(noscript.join(" ")).toContain("This dashboard needs JavaScript");
  });

  test("a wrong password is answered on the page, with the email kept and nothing in the URL", async ({ page }) => {
    const requests = recordRequests(page);
    const email = "no-js-nobody@acme.test";
    await page.goto("/login?callbackUrl=%2Faccount");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not-the-password-123");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("form").getByRole("alert")).toHaveText(INVALID_CREDENTIALS);
    await expect(page.getByLabel("Email")).toHaveValue(email);
    await expect(page.getByLabel("Password")).toHaveValue("");
    await expect(page).toHaveURL(onPath("/login"));
    expectNoSecretInUrls(requests, "not-the-password-123");
  });

  test("the callback address is kept: a plain sign-in returns to the page that asked for it", async ({ page }) => {
    await page.goto("/account");
    await expect(page).toHaveURL(onPath("/login"));
    await page.getByLabel("Email").fill(demoUser("viewer").email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(onPath("/account"));
    await expect(page.getByRole("heading", { level: 1, name: "Account" })).toBeVisible();
  });

  test.describe("signed in", () => {
    test.use({ storageState: storageStatePath("viewer") });

    test("the change-password form can't be submitted into a URL", async ({ page }) => {
      const requests = recordRequests(page);
      await page.goto("/account");
      await page.getByLabel("Current password").fill("a-current-secret-1");
      await page.getByLabel("New password", { exact: true }).fill("a-new-secret-password-2");
      await page.getByLabel("New password", { exact: true }).press("Enter");
      // Give a navigation, if the browser were to start one, the time to begin.
      await page.waitForLoadState("load");
      await expect(page).toHaveURL(onPath("/account"));
      expectNoSecretInUrls(requests, "a-current-secret-1", "a-new-secret-password-2");
    });
  });
});

test("Enter before the page has hydrated signs in by POST, never by a URL", async ({ page }) => {
  const requests = recordRequests(page);
  // Hold every script until after the form is submitted: the page is what a slow network shows.
  const held: Array<() => Promise<void>> = [];
  await page.route("**/_next/static/**/*.js", (route) => {
    held.push(() => route.continue());
  });
  await page.goto("/login", { waitUntil: "domcontentloaded" });
  await page.getByLabel("Email").fill(demoUser("developer").email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  expect(held.length).toBeGreaterThan(0);
  await page.getByLabel("Password").press("Enter");
  // The dashboard's scripts are held too: its load event waits for them.
  await page.waitForURL(onPath(API_KEYS_PATH), { waitUntil: "commit" });
  await page.unroute("**/_next/static/**/*.js");
  await Promise.all(held.map((release) => release().catch(() => undefined)));
  expect(requests.some((r) => r.method === "POST" && new URL(r.url).pathname === "/login")).toBe(true);
  expectNoSecretInUrls(requests, DEMO_PASSWORD);
});
