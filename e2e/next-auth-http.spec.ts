// next-auth's routes over real HTTP against the production server, signed out: hostile query
// strings, form bodies and cookies, each answered with a 4xx or a redirect to a page of this site,
// never a 500. next-auth's handler can only run inside a server (it reads next/headers), so this is
// where its routes are fuzzed; tests/integration/api-fuzz.test.ts fuzzes the API's.
import { readFileSync } from "node:fs";
import { expect, request as playwrightRequest, test } from "@playwright/test";
import fc from "fast-check";
import { API_KEYS_PATH, DEMO_PASSWORD, demoUser, storageStatePath } from "./helpers";

const ROUTES_GET = ["session", "csrf", "signin", "signin/credentials", "signout", "providers", "callback/credentials", "error", "verify-request", "_log"];
const ROUTES_POST = ["signin/credentials", "signout", "callback/credentials", "session", "_log"];
const CALLBACK_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];

type Answer = { status: number; headers: Record<string, string>; setCookies: string[]; text: string; what: string; origin: string };

const baseURL = () => String(test.info().project.use.baseURL);

/**
 * One request from a fresh context (no cookie jar: each case sends exactly its own cookies), not
 * following redirects. `origin` is where a redirect must stay: this server, at the scheme the request
 * claimed (X-Forwarded-Proto), as next-auth builds its URLs.
 */
async function send(method: "GET" | "POST", path: string, { headers = {}, body }: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const context = await playwrightRequest.newContext({ baseURL: baseURL() });
  try {
    const response = await context.fetch(path, { method, headers, data: body, maxRedirects: 0, failOnStatusCode: false });
    const text = (await response.body()).toString("utf8");
    const status = response.status();
    const responseHeaders = response.headers();
    const what = `${method} ${path} ${JSON.stringify({ headers, body: body?.slice(0, 200) })} → ${status} ${responseHeaders["location"] ?? ""} ${text.slice(0, 200)}`;
    const origin = new URL(baseURL());
    if (headers["x-forwarded-proto"] === "https") origin.protocol = "https:";
    return {
      status,
      headers: responseHeaders,
      setCookies: response.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value),
      text,
      what,
      origin: origin.origin,
    };
  } finally {
    await context.dispose();
  }
}

/** Never a 5xx; a redirect goes to a page of this site. */
function expectSafeAnswer(answer: Answer): void {
  expect(answer.status, answer.what).toBeLessThan(500);
  if (answer.status >= 300 && answer.status < 400) {
    const location = answer.headers["location"];
    expect(location, answer.what).toBeTruthy();
    expect(new URL(location!, answer.origin).origin, answer.what).toBe(answer.origin);
  }
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** A CSRF token and its cookie, as a browser holds them after GET /api/auth/csrf. */
async function csrf(): Promise<{ token: string; cookie: string }> {
  const context = await playwrightRequest.newContext({ baseURL: baseURL() });
  try {
    const response = await context.get("/api/auth/csrf");
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    const cookie = (await context.storageState()).cookies.find((c) => c.name.endsWith("next-auth.csrf-token"))!;
    return { token: csrfToken, cookie: `${cookie.name}=${cookie.value}` };
  } finally {
    await context.dispose();
  }
}

test.describe("the requests the outside test found answered with a 500", () => {
  for (const route of ["session", "csrf", "signin", "signout", "providers"]) {
    test(`GET /api/auth/${route}?callbackUrl=%25`, async () => {
      expectSafeAnswer(await send("GET", `/api/auth/${route}?callbackUrl=%25`));
    });
  }

  test("a credentials POST with callbackUrl=http://127.0.0.1:3000.evil.test/ signs in and stays on this site", async () => {
    const { token, cookie } = await csrf();
    const body = form({ csrfToken: token, email: demoUser("viewer").email, password: DEMO_PASSWORD, callbackUrl: "http://127.0.0.1:3000.evil.test/" });
    const response = await send("POST", "/api/auth/callback/credentials", { headers: { ...FORM, cookie }, body });
    expectSafeAnswer(response);
    expect(response.status, response.what).toBe(302);
    expect(response.setCookies.join("\n"), response.what).toContain("next-auth.session-token=");
  });

  test("a failed credentials POST with that callbackUrl is answered too", async () => {
    const { token, cookie } = await csrf();
    // An unknown account: one failure for it, none for a demo user.
    const body = form({ csrfToken: token, email: `nobody-${Date.now()}@example.test`, password: "wrong-password", callbackUrl: "http://127.0.0.1:3000.evil.test/" });
    expectSafeAnswer(await send("POST", "/api/auth/callback/credentials", { headers: { ...FORM, cookie }, body }));
  });

  test("a client's own X-Forwarded-Host can't send a signed-in browser to another site", async () => {
    // Only a trusted proxy (TRUST_PROXY) may say which host was asked for: scripts/server.mjs drops the header otherwise.
    const { token, cookie } = await csrf();
    const body = form({ csrfToken: token, email: demoUser("viewer").email, password: DEMO_PASSWORD, callbackUrl: "/account" });
    const response = await send("POST", "/api/auth/callback/credentials", { headers: { ...FORM, cookie, "x-forwarded-host": "evil.test" }, body });
    expectSafeAnswer(response);
    expect(response.status, response.what).toBe(302);
    expect(response.headers["location"], response.what).not.toContain("evil.test");
  });

  test("GET /api/auth/callback/credentials is 405", async () => {
    const response = await send("GET", "/api/auth/callback/credentials");
    expect(response.status, response.what).toBe(405);
    expect(response.headers["allow"]).toBe("POST");
  });

  for (const [name, proto] of [["next-auth.callback-url", "http"], ["__Secure-next-auth.callback-url", "https"]] as const) {
    test(`a cookie ${name}=%25 is cleared, and /login, /api/auth/session and the dashboard answer`, async () => {
      const headers = { cookie: `${name}=%25`, "x-forwarded-proto": proto };
      for (const path of ["/login", "/api/auth/session", "/api/auth/csrf", "/signup"]) {
        const response = await send("GET", path, { headers });
        expectSafeAnswer(response);
        expect(response.status, response.what).toBe(200);
      }
      // And the browser is told to forget it.
      const login = await send("GET", "/login", { headers });
      expect(login.setCookies.some((c) => c.startsWith(`${name}=;`) && /max-age=0/i.test(c)), login.setCookies.join("\n")).toBe(true);
    });
  }

  test("signed in, a malformed callback-url cookie doesn't break the dashboard or the session", async () => {
    const state = JSON.parse(readFileSync(storageStatePath("owner"), "utf8")) as { cookies: { name: string; value: string }[] };
    const sessionCookies = state.cookies.filter((c) => c.name.includes("next-auth.session-token")).map((c) => `${c.name}=${c.value}`);
    const cookie = [...sessionCookies, "next-auth.callback-url=javascript%3Aalert(1)"].join("; ");
    const page = await send("GET", API_KEYS_PATH, { headers: { cookie } });
    expect(page.status, page.what).toBe(200);
    const session = await send("GET", "/api/auth/session", { headers: { cookie } });
    expect(session.status, session.what).toBe(200);
    expect(JSON.parse(session.text).user.email).toBe(demoUser("owner").email);
  });

  test("POST /api/auth/_log is dropped unread (204)", async () => {
    const body = form({ code: "x]\n[db] applied migrations: FORGED", level: "error", message: "y".repeat(10_000) });
    const response = await send("POST", "/api/auth/_log", { headers: FORM, body });
    expect(response.status, response.what).toBe(204);
  });
});

// ---------------------------------------------------------------------------------------------
// Generated hostile input, to every next-auth route.

const HOSTILE = [
  "%",
  "%25",
  "%%",
  "%FF",
  "%ED%A0%80",
  "%00",
  "javascript:alert(1)",
  "http://127.0.0.1:3000.evil.test/",
  "http://evil.test/",
  "//evil.test",
  "/\\evil.test",
  "https://localhost",
  "http://[::1",
  "http://a b/",
  "data:text/html,x",
  "/acme/settings/api-keys",
  "/",
  "",
  "Configuration",
  "CredentialsSignin",
  "x".repeat(3000),
];

/** Already percent-encoded: some as is (raw `%` sequences that aren't UTF-8), some encoded from text. */
const encodedValue = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.webUrl().map(encodeURIComponent) },
);

const FIELD_NAMES = ["callbackUrl", "error", "csrfToken", "email", "password", "json", "redirect", "provider", "code", "level", "data", "surprise"];
const query = fc.array(fc.tuple(fc.constantFrom(...FIELD_NAMES), encodedValue), { maxLength: 3 }).map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));

// Cookie values as a browser could hold them: printable ASCII without `;` (what a header can carry).
const cookieValue = fc.oneof(
  fc.constantFrom(...HOSTILE).map((v) => v.replace(/[;\s\\"]/g, "")),
  fc.constantFrom(...HOSTILE).map(encodeURIComponent),
  fc.string({ unit: fc.constantFrom(..."%:/\\.@abc019-_=?&#[]".split("")), maxLength: 40 }).map((v) => v.replace(/\\/g, "")),
);
const cookies = fc
  .array(fc.tuple(fc.constantFrom(...CALLBACK_COOKIES, "next-auth.csrf-token", "next-auth.session-token", "__Secure-next-auth.session-token", "other"), cookieValue), { maxLength: 3 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("; "));

const body = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.tuple(fc.constantFrom(...FIELD_NAMES), encodedValue), { maxLength: 5 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&")) },
  { weight: 1, arbitrary: fc.constantFrom("", "{", '{"callbackUrl":"%"}', "a".repeat(70_000), "csrfToken=&csrfToken=x&callbackUrl=%&callbackUrl=/") },
);
const contentType = fc.constantFrom(
  "application/x-www-form-urlencoded",
  "application/x-www-form-urlencoded",
  "application/x-www-form-urlencoded; charset=UTF-8",
  "application/json",
  "multipart/form-data",
  "text/plain",
);
const hostileHeaders = fc.record(
  { cookie: cookies, "x-forwarded-proto": fc.constantFrom("http", "https"), "x-forwarded-host": fc.constantFrom("a b", "a, b") },
  { requiredKeys: ["cookie"] },
);

test.describe("generated hostile requests to every next-auth route", () => {
  test.describe.configure({ timeout: 180_000 });

  for (const route of ROUTES_GET) {
    test(`GET /api/auth/${route}: never a 500, redirects stay on this site`, async () => {
      await fc.assert(
        fc.asyncProperty(query, hostileHeaders, async (q, headers) => {
          expectSafeAnswer(await send("GET", `/api/auth/${route}${q}`, { headers: { "x-forwarded-proto": "http", ...headers } }));
        }),
        { numRuns: 40 },
      );
    });
  }

  for (const route of ROUTES_POST) {
    // No valid CSRF token is ever sent: next-auth then checks no password (nothing is counted as a
    // failed sign-in from this address, which other specs sign in from).
    test(`POST /api/auth/${route}: never a 500, redirects stay on this site`, async () => {
      await fc.assert(
        fc.asyncProperty(query, hostileHeaders, contentType, body, async (q, headers, type, data) => {
          expectSafeAnswer(await send("POST", `/api/auth/${route}${q}`, { headers: { "x-forwarded-proto": "http", ...headers, "content-type": type }, body: data }));
        }),
        { numRuns: 40 },
      );
    });
  }

  test("pages read the session with a hostile callback-url cookie: never a 500", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("/login", "/signup", "/forgot-password", API_KEYS_PATH, "/docs/api"), fc.constantFrom(...CALLBACK_COOKIES), cookieValue, async (path, name, value) => {
        const response = await send("GET", path, { headers: { cookie: `${name}=${value}`, "x-forwarded-proto": name.startsWith("__Secure-") ? "https" : "http" } });
        expectSafeAnswer(response);
      }),
      { numRuns: 60 },
    );
  });
});
