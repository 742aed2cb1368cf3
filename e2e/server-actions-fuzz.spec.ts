// Server actions over real HTTP against the production server, signed in: malformed action requests
// (an unknown id, bodies that aren't React's reply format, 2 MB, wrong content types, a foreign
// Origin) are a 4xx, never Next's 500; the roll action takes only the overlaps it offers; and the
// requests React's client really sends still work. The action ids are read from the page's scripts,
// as a browser gets them.
import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import fc from "fast-check";
import { API_KEYS_PATH, storageStatePath } from "./helpers";

test.use({ storageState: storageStatePath("owner") });

type Answer = { status: number; text: string; what: string };

const ACTION_NAMES = ["rollApiKeyAction", "revokeApiKeyAction", "revokeApiKeysAction", "createApiKeyAction", "updateApiKeyAction"] as const;
const actionIds = new Map<string, string>();
let key = { secret: "", id: "", name: "" };

/** The ids of the page's server actions, from the `createServerReference("<id>", …, "<name>")` calls in its chunks. */
async function readActionIds(request: APIRequestContext): Promise<void> {
  const html = await (await request.get(API_KEYS_PATH)).text();
  const chunks = [...new Set(html.match(/\/_next\/static\/chunks\/[^"'\s]+\.js/g) ?? [])];
  for (const chunk of chunks) {
    const source = await (await request.get(chunk)).text();
    for (const match of source.matchAll(/"([0-9a-f]{40,})",[\w$.]+\.callServer,void 0,[\w$.]+\.findSourceMapURL,"(\w+)"\)/g)) {
      actionIds.set(match[2]!, match[1]!);
    }
  }
}

async function createKeyThroughUi(browser: Browser, name: string): Promise<{ secret: string; id: string; name: string }> {
  const context = await browser.newContext({ storageState: storageStatePath("owner") });
  const page = await context.newPage();
  await page.goto(API_KEYS_PATH);
  await page.getByRole("button", { name: "Create new key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secret = (await page.getByTestId("api-key-secret").textContent())!.trim();
  await page.getByRole("button", { name: "Done" }).click();
  const me = await page.request.get("/api/v1/me", { headers: { Authorization: `Bearer ${secret}` } });
  const id = ((await me.json()) as { api_key: { id: string } }).api_key.id;
  await context.close();
  return { secret, id, name };
}

/** A server-action request as React's client sends it (`Next-Action`, text/plain JSON of the arguments) unless told otherwise. */
async function callAction(
  request: APIRequestContext,
  id: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
  path = API_KEYS_PATH,
): Promise<Answer> {
  const response = await request.post(path, {
    headers: { "Next-Action": id, Accept: "text/x-component", "Content-Type": "text/plain;charset=UTF-8", ...headers },
    data: body,
    maxRedirects: 0,
    failOnStatusCode: false,
  });
  const text = await response.text();
  const shown = typeof body === "string" ? body.slice(0, 200) : `<${body.length} bytes>`;
  return { status: response.status(), text, what: `${id.slice(0, 12)}… ${JSON.stringify(headers)} ${shown} → ${response.status()} ${text.slice(0, 300)}` };
}

const roll = (overlap: string) => `[{"organization":"acme","keyId":"${key.id}","overlapSeconds":${overlap}}]`;

test.beforeAll(async ({ browser, playwright }) => {
  test.setTimeout(120_000);
  key = await createKeyThroughUi(browser, `actions-fuzz-${Date.now()}`);
  const request = await playwright.request.newContext({ baseURL: String(test.info().project.use.baseURL), storageState: storageStatePath("owner") });
  await readActionIds(request);
  await request.dispose();
  for (const name of ACTION_NAMES) expect(actionIds.get(name), `${name}'s id in the page's scripts`).toBeTruthy();
});

test("the roll action refuses junk for the overlap (null, \"\", false, [0], \" 0\"…) and the key keeps working", async ({ request }) => {
  for (const junk of ["null", '""', "false", "[0]", '" 0"', '"0"', "true", "0.5", "1", '"$undefined"', '"$NaN"', '"$-Infinity"', "{}"]) {
    const answer = await callAction(request, actionIds.get("rollApiKeyAction")!, roll(junk));
    expect(answer.status, answer.what).toBe(200);
    expect(answer.text, answer.what).toContain("Choose when the old key stops working");
    expect(answer.text, answer.what).not.toMatch(/sk_(live|test)_[0-9A-Za-z]{38}/);
  }
  // An immediate roll would have made it `expired_api_key`.
  const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${key.secret}` } });
  expect(me.status()).toBe(200);
});

test.describe("malformed server-action requests are a 4xx", () => {
  const boundary = "----fuzzboundary";
  const multipartBody = (parts: [string, string][]) =>
    parts.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join("") + `--${boundary}--\r\n`;
  const MULTIPART = { "Content-Type": `multipart/form-data; boundary=${boundary}` };

  const cases: [string, () => string, string | Buffer, Record<string, string>][] = [
    ["an unknown action id", () => "40" + "0".repeat(40), "[]", {}],
    ["an action id that can't be one", () => "x", "[]", {}],
    ["an empty body", () => actionIds.get("rollApiKeyAction")!, "", {}],
    ["a body that isn't JSON", () => actionIds.get("rollApiKeyAction")!, "hello", {}],
    ["half a JSON document", () => actionIds.get("rollApiKeyAction")!, "{", {}],
    ["a JSON string instead of an argument list", () => actionIds.get("rollApiKeyAction")!, '"x"', {}],
    ["a JSON object instead of an argument list", () => actionIds.get("rollApiKeyAction")!, '{"a":1}', {}],
    ["a reference to a missing part ($Q1)", () => actionIds.get("rollApiKeyAction")!, '["$Q1"]', {}],
    ["a reference to a missing part ($1)", () => actionIds.get("rollApiKeyAction")!, '["$1"]', {}],
    ["a server reference ($h1)", () => actionIds.get("rollApiKeyAction")!, '["$h1"]', {}],
    ["a missing file ($F1)", () => actionIds.get("rollApiKeyAction")!, '["$F1"]', {}],
    ["a temporary reference ($T)", () => actionIds.get("rollApiKeyAction")!, '["$T"]', {}],
    ["a bigint that isn't one", () => actionIds.get("rollApiKeyAction")!, '["$nxyz"]', {}],
    ["lists nested 20,000 deep", () => actionIds.get("rollApiKeyAction")!, `${"[".repeat(20_000)}${"]".repeat(20_000)}`, {}],
    ["2 MB of text", () => actionIds.get("rollApiKeyAction")!, `["${"a".repeat(2 * 1024 * 1024)}"]`, {}],
    ["2 MB of multipart", () => actionIds.get("createApiKeyAction")!, multipartBody([["0", '["$undefined","$K1"]'], ["_1_name", "a".repeat(2 * 1024 * 1024)]]), MULTIPART],
    ["multipart without a boundary", () => actionIds.get("createApiKeyAction")!, "garbage", { "Content-Type": "multipart/form-data" }],
    ["multipart that doesn't parse", () => actionIds.get("createApiKeyAction")!, "garbage", MULTIPART],
    ["multipart without the arguments", () => actionIds.get("createApiKeyAction")!, multipartBody([["_1_name", "x"]]), MULTIPART],
    ["multipart referencing a missing part", () => actionIds.get("createApiKeyAction")!, multipartBody([["0", '["$undefined","$Q2"]']]), MULTIPART],
    ["application/json", () => actionIds.get("rollApiKeyAction")!, "[]", { "Content-Type": "application/json" }],
    ["URL-encoded", () => actionIds.get("rollApiKeyAction")!, "a=b", { "Content-Type": "application/x-www-form-urlencoded" }],
    ["a foreign Origin", () => actionIds.get("rollApiKeyAction")!, "[]", { Origin: "http://evil.test" }],
    ["Origin: null", () => actionIds.get("rollApiKeyAction")!, "[]", { Origin: "null" }],
    ["an Origin that isn't a URL", () => actionIds.get("rollApiKeyAction")!, "[]", { Origin: "::" }],
    ["a string where a form action takes a FormData", () => actionIds.get("createApiKeyAction")!, '[null,"x"]', {}],
    ["a string where the edit action takes a FormData", () => actionIds.get("updateApiKeyAction")!, "[null,1]", {}],
  ];

  for (const [what, id, body, headers] of cases) {
    test(what, async ({ request }) => {
      const answer = await callAction(request, id(), body, headers);
      expect(answer.status, answer.what).toBeLessThan(500);
      expect(answer.text, answer.what).not.toMatch(/sk_(live|test)_[0-9A-Za-z]{38}/);
    });
  }

  test("a form posted without JavaScript whose bound arguments are missing", async ({ request }) => {
    const id = actionIds.get("rollApiKeyAction")!;
    const body = multipartBody([["$ACTION_REF_1", ""], ["$ACTION_1:0", `{"id":"${id}","bound":"$@1"}`]]);
    const response = await request.post(API_KEYS_PATH, { headers: MULTIPART, data: body, maxRedirects: 0, failOnStatusCode: false });
    expect(response.status()).toBeGreaterThanOrEqual(400);
    expect(response.status()).toBeLessThan(500);
  });
});

// Generated arguments for every action of the page: JSON shapes, React's `$` encodings, and hostile
// strings. Keys are never named by their real id here, so nothing is revoked or rolled.
const hostileString = fc.oneof(
  fc.constantFrom("", " 0", "$", "$$", "$undefined", "$NaN", "$-0", "$D", "$Dnot-a-date", "$n1", "$K1", "$Q1", "$@0", "$0", "$0:0", "$0:0:0", "$T", "$h0", "$B1", "acme", "\u0000", "\uD800", "x".repeat(300)),
  fc.string({ maxLength: 12 }).map((s) => `$${s}`),
  fc.string({ unit: "binary", maxLength: 12 }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileString,
    fc.constantFrom(null, true, false, 0, -1, 3600, 1e308, 0.5),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("organization", "keyId", "keyIds", "overlapSeconds", "name", "__proto__", "$", "0"), tie("value"), { maxKeys: 4 }),
  ),
})).value;
const argumentList = fc.oneof(
  { weight: 4, arbitrary: fc.array(hostileValue, { maxLength: 3 }).map((args) => JSON.stringify(args)) },
  { weight: 2, arbitrary: hostileValue.map((v) => JSON.stringify([{ organization: "acme", keyId: "not-a-real-key", keyIds: ["not-a-real-key"], overlapSeconds: v }])) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
);

test("generated arguments to every action: never a 5xx, never a secret", async ({ request }) => {
  test.setTimeout(180_000);
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ACTION_NAMES), argumentList, async (name, body) => {
      const answer = await callAction(request, actionIds.get(name)!, body);
      expect(answer.status, answer.what).toBeLessThan(500);
      expect(answer.text, answer.what).not.toMatch(/sk_(live|test)_[0-9A-Za-z]{38}/);
    }),
    { numRuns: 150 },
  );
  const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${key.secret}` } });
  expect(me.status()).toBe(200);
});

test.describe("what React's client sends still works", () => {
  test("rolling through the action protocol with an offered overlap answers the new key once", async ({ request }) => {
    const answer = await callAction(request, actionIds.get("rollApiKeyAction")!, roll("3600"));
    expect(answer.status, answer.what).toBe(200);
    expect(answer.text, answer.what).toMatch(/sk_live_[0-9A-Za-z]{38}/);
    // In its hour of overlap the old key still works.
    const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${key.secret}` } });
    expect(me.status()).toBe(200);
  });

  test("the sign-in form posted without JavaScript reaches its action", async ({ playwright }) => {
    // Signed out: a signed-in visitor of /login is sent on to the dashboard.
    const request = await playwright.request.newContext({ baseURL: String(test.info().project.use.baseURL), storageState: { cookies: [], origins: [] } });
    const html = await (await request.get("/login")).text();
    const hidden = [...html.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/?>/g)].map(
      ([, name, value]) => [name!, (value ?? "").replace(/&quot;/g, '"').replace(/&amp;/g, "&")] as [string, string],
    );
    // Without a password the action answers next to the field: no sign-in attempt is counted.
    const response = await request.post("/login", { multipart: Object.fromEntries([...hidden, ["email", "nobody@example.test"], ["password", ""]]), maxRedirects: 0, failOnStatusCode: false });
    expect(response.status(), await response.text()).toBe(200);
    await request.dispose();
  });

  test("the Roll dialog still rolls a key in the browser", async ({ page }) => {
    const created = await createKeyThroughUi(page.context().browser()!, `actions-fuzz-ui-${Date.now()}`);
    await page.goto(`${API_KEYS_PATH}?q=${encodeURIComponent(created.name)}`);
    await page.getByRole("row").filter({ hasText: created.name }).getByRole("button", { name: "Roll key", exact: true }).click();
    const dialog = page.getByRole("alertdialog", { name: "Roll API key" });
    await dialog.getByRole("radio", { name: "In 1 hour" }).click();
    await dialog.getByRole("button", { name: "Roll key" }).click();
    await expect(page.getByTestId("api-key-secret")).toHaveText(/sk_live_[0-9A-Za-z]{38}/);
  });
});
