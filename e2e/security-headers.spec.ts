import { expect, test, type ConsoleMessage } from "@playwright/test";
import { API_KEYS_PATH, MEMBERS_PATH, storageStatePath } from "./helpers";

// Every page carries a nonce-based Content-Security-Policy (proxy.ts) and the usual hardening
// headers, and the dashboard still works under it: no script is blocked.

function nonceOf(policy: string | null): string | undefined {
  return /'nonce-([^']+)'/.exec(policy ?? "")?.[1];
}

test.describe("security headers", () => {
  test.use({ storageState: storageStatePath("owner") });

  for (const path of ["/login", "/docs/api", API_KEYS_PATH, MEMBERS_PATH]) {
    test(`${path} carries a per-request CSP nonce and the hardening headers`, async ({ request: signedIn, playwright, baseURL }) => {
      // /login sends a signed-in visitor on: ask for it signed out.
      const request = path === "/login" ? await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } }) : signedIn;
      const first = await request.get(path, { maxRedirects: 0 });
      const second = await request.get(path, { maxRedirects: 0 });
      expect(first.status(), `${path} should render, not redirect`).toBe(200);
      const policy = first.headers()["content-security-policy"] ?? null;
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("object-src 'none'");
      expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
      expect(policy).not.toContain("unsafe-eval");
      const nonce = nonceOf(policy);
      expect(nonce).toBeTruthy();
      expect(nonceOf(second.headers()["content-security-policy"] ?? null)).not.toBe(nonce);
      // Next adds the nonce to the scripts it renders; a script without it would be blocked.
      const html = await first.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, tag).toContain(`nonce="${nonce}"`);
      expect(first.headers()["x-content-type-options"]).toBe("nosniff");
      expect(first.headers()["referrer-policy"]).toBe("strict-origin-when-cross-origin");
      expect(first.headers()["x-frame-options"]).toBe("DENY");
      expect(first.headers()["strict-transport-security"]).toBeUndefined();
    });
  }

  test("HSTS is sent when the app is served over HTTPS (behind a TLS-terminating proxy)", async ({ request }) => {
    const page = await request.get("/login", { headers: { "X-Forwarded-Proto": "https" } });
    expect(page.headers()["strict-transport-security"]).toMatch(/^max-age=\d{7,}; includeSubDomains$/);
    expect(page.headers()["content-security-policy"]).toContain("upgrade-insecure-requests");
    const signOutPage = await request.get("/api/auth/signout");
    expect(signOutPage.headers()["content-security-policy"]).toContain("default-src 'none'");
    expect(signOutPage.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    const api = await request.get("/api/health", { headers: { "X-Forwarded-Proto": "https" } });
    expect(api.headers()["strict-transport-security"]).toMatch(/^max-age=/);
    expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  });

  test("static files and the server's own 400 carry the hardening headers too", async ({ request }) => {
    const html = await (await request.get("/login")).text();
    const script = /<script\b[^>]*\bsrc="(\/_next\/static\/[^"]+)"/.exec(html)?.[1];
    expect(script, "the sign-in page loads a script from /_next/static").toBeTruthy();
    const undecodable = await request.get("/api/v1/api-keys/%E0%A4%A");
    expect(undecodable.status()).toBe(400);
    for (const response of [await request.get(script!), await request.get("/icon.svg"), undecodable]) {
      expect(response.headers()["x-content-type-options"], response.url()).toBe("nosniff");
      expect(response.headers()["x-frame-options"], response.url()).toBe("DENY");
      expect(response.headers()["referrer-policy"], response.url()).toBe("strict-origin-when-cross-origin");
    }
    expect(undecodable.headers()["content-security-policy"]).toContain("default-src 'none'");
  });

  test("the dashboard works under the policy: nothing is blocked", async ({ page }) => {
    const violations: string[] = [];
    const collect = (message: ConsoleMessage) => {
      if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(message.text())) violations.push(message.text());
    };
    page.on("console", collect);
    await page.goto(API_KEYS_PATH);
    await page.getByRole("button", { name: "Create new key" }).click();
    await expect(page.getByRole("dialog", { name: "Create API key" })).toBeVisible();
    await page.keyboard.press("Escape");
    await page.goto(MEMBERS_PATH);
    await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
    await page.goto("/docs/api");
    expect(violations).toEqual([]);
  });
});

test.describe("signed out", () => {
  test("a bad URL answers the app's 404 page, not a sign-in form; a private page still asks to sign in", async ({ page }) => {
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page).toHaveURL(/\/no-such-page$/);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    expect(response?.headers()["x-request-id"]).toMatch(/^req_[0-9a-f]{32}$/);

    await page.goto(MEMBERS_PATH);
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Facme%2Fsettings%2Fmembers$/);

    // A page path that merely looks like a file still gets the policy on its 404 page.
    const lookalike = await page.goto("/no-such-file.txt");
    expect(lookalike?.status()).toBe(404);
    expect(lookalike?.headers()["content-security-policy"]).toMatch(/'nonce-[^']+'/);
  });
});
