import { expect, test } from "@playwright/test";

// The files in public/: robots.txt keeps crawlers out of everything but the API docs, and
// /favicon.ico answers for the clients that ask for it without reading the page's <link rel="icon">.
// Both are asked for signed out, as a crawler would.

test.describe("static files", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("GET /robots.txt is plain text that disallows the dashboard and allows the API docs", async ({ request }) => {
    const response = await request.get("/robots.txt", { maxRedirects: 0 });
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toMatch(/^text\/plain\b/);
    expect(response.headers()["x-content-type-options"]).toBe("nosniff");
    const lines = (await response.text()).split(/\r?\n/).map((line) => line.trim());
    expect(lines).toContain("User-agent: *");
    expect(lines).toContain("Disallow: /");
    expect(lines).toContain("Allow: /docs/api");
  });

  test("GET /favicon.ico is an icon, not the 404 page", async ({ request }) => {
    const response = await request.get("/favicon.ico", { maxRedirects: 0 });
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)\b/);
    // An ICO file starts with reserved 0, type 1 (icon).
    expect([...(await response.body()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  });
});
