// Hostile input through the real UI and over real HTTP: names that would display misleadingly are
// refused next to their field, input PostgreSQL can't store is a 4xx (never an error page or a
// 500), and an oversized body is refused without the server reading all of it.
import http from "node:http";
import net from "node:net";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { API_KEYS_PATH, storageStatePath } from "./helpers";

test.use({ storageState: storageStatePath("owner") });

const INVISIBLE = "can't contain invisible or control characters";

function uniqueName(label: string): string {
  return `${label} ${Date.now().toString(36)}`;
}

async function openCreateDialog(page: Page): Promise<Locator> {
  await page.goto(API_KEYS_PATH);
  await page.getByRole("button", { name: "Create new key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await expect(dialog).toBeVisible();
  return dialog;
}

test.describe("names and descriptions", () => {
  test("a name with a right-to-left override is refused next to the field, and nothing typed is lost", async ({ page }) => {
    const dialog = await openCreateDialog(page);
    const name = dialog.getByLabel("Name");
    // Displays as "billing-yek-dlo", which it isn't.
    const misleading = `billing-\u202Eold-key`;
    await name.fill(misleading);
    await dialog.getByLabel("Description").fill("Nightly export");
    await dialog.getByRole("button", { name: "Create key" }).click();

    await expect(dialog.getByRole("alert")).toContainText(`Name ${INVISIBLE}`);
    await expect(name).toHaveAttribute("aria-invalid", "true");
    await expect(name).toBeFocused();
    await expect(name).toHaveValue(misleading);
    await expect(dialog.getByLabel("Description")).toHaveValue("Nightly export");
    await expect(page.getByRole("dialog", { name: "Save your API key" })).toHaveCount(0);

    // Fixing the name is enough: the key is created.
    await name.fill(uniqueName("billing old key"));
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByRole("dialog", { name: "Save your API key" }).getByTestId("api-key-secret")).toHaveText(/^sk_(live|test)_/);
  });

  test("a zero-width space in the description is refused next to the description", async ({ page }) => {
    const dialog = await openCreateDialog(page);
    await dialog.getByLabel("Name").fill(uniqueName("zero width"));
    const description = dialog.getByLabel("Description");
    await description.fill("Used by\u200B the CI");
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(dialog.getByRole("alert")).toContainText(`Description ${INVISIBLE}`);
    await expect(description).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("dialog", { name: "Save your API key" })).toHaveCount(0);
  });
});

test("searching the key list for text with U+0000 shows the list, not an error page", async ({ page }) => {
  const response = await page.goto(`${API_KEYS_PATH}?q=x%00y`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
});

test.describe("API input over HTTP", () => {
  let key = "";

  test.beforeAll(async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStatePath("owner") });
    const page = await context.newPage();
    const dialog = await openCreateDialog(page);
    await dialog.getByLabel("Name").fill(uniqueName("input validation"));
    await dialog.getByRole("button", { name: "Create key" }).click();
    key = (await page.getByTestId("api-key-secret").textContent())!.trim();
    await page.getByRole("button", { name: "Done" }).click();
    await context.close();
  });

  test("DELETE /api/v1/api-keys/%00 is 404 resource_missing", async ({ request }) => {
    const response = await request.delete("/api/v1/api-keys/%00", { headers: { Authorization: `Bearer ${key}` } });
    expect(response.status()).toBe(404);
    expect((await response.json()).error.code).toBe("resource_missing");
  });

  test("a path with a malformed percent-encoding is a 400, not Next's bare 500", async ({ baseURL }) => {
    const { hostname, port } = new URL(baseURL!);
    // Sent over a raw socket: HTTP clients repair such paths before sending them.
    const raw = (path: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), hostname === "localhost" ? "127.0.0.1" : hostname);
        let text = "";
        socket.on("data", (chunk) => (text += chunk)).on("end", () => resolve(text)).on("error", reject);
        socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
      });
    for (const path of ["/api/v1/api-keys/%", "/api/v1/organizations/a%zzb", "/api/v1/api-keys/%ED%A0%80", "/api/auth/%"]) {
      const response = await raw(path);
      expect(response, path).toMatch(/^HTTP\/1\.1 400 /);
      expect(response, path).toContain('"code":"invalid_request"');
    }
    expect(await raw("/settings/%")).toMatch(/^HTTP\/1\.1 400 /);
  });

  test("POST /api/v1/usage-events with U+0000 in customer_id or a year-0 timestamp is 400 invalid_request", async ({ request }) => {
    for (const data of [
      { metric: "api_calls", quantity: 1, customer_id: "x\u0000y" },
      { metric: "api_calls", quantity: 1, timestamp: "0000-01-01T00:00:00Z" },
    ]) {
      const response = await request.post("/api/v1/usage-events", { headers: { Authorization: `Bearer ${key}` }, data });
      expect(response.status()).toBe(400);
      expect((await response.json()).error.code).toBe("invalid_request");
    }
  });

  for (const [route, contentType] of [
    ["/api/v1/api-keys/exposed", "application/json"],
    // next-auth's own endpoints read bodies whole: they go through the same limit.
    ["/api/auth/callback/credentials", "application/x-www-form-urlencoded"],
  ] as const) {
    test(`a chunked 100 MB body to ${route} (no authentication) is 413, answered before it is all sent`, async ({ baseURL }) => {
      const { status, body, sent, total } = await sendChunked(new URL(route, baseURL!), contentType);
      expect(status).toBe(413);
      expect(JSON.parse(body).error).toMatchObject({ type: "invalid_request_error", code: "request_too_large" });
      expect(sent).toBeLessThan(total);
    });
  }

  test("next-auth's endpoints take only their own form encoding: malformed JSON is a 400, not a 500", async ({ request }) => {
    for (const path of ["/api/auth/callback/credentials", "/api/auth/signout"]) {
      const response = await request.post(path, { headers: { "content-type": "application/json" }, data: "{" });
      expect(response.status(), path).toBe(400);
      expect((await response.json()).error.code).toBe("invalid_request");
    }
  });
});

async function sendChunked(url: URL, contentType: string): Promise<{ status: number; body: string; sent: number; total: number }> {
  const total = 100 * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const { status, body, sent } = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(url, {
      method: "POST",
      headers: { "content-type": contentType, "transfer-encoding": "chunked" },
    });
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (part: string) => (text += part));
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: text, sent });
      });
    });
    req.on("error", (error) => (answered ? undefined : reject(error)));
    const write = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      if (!answered) req.end();
    };
    write();
  });
  return { status, body, sent, total };
}
