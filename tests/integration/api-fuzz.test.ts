import path from "node:path";
import fc from "fast-check";
import { NextRequest } from "next/server";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as nextAuthGet, POST as nextAuthPost } from "@/app/api/auth/[...nextauth]/route";
import { POST as reportExposed } from "@/app/api/v1/api-keys/exposed/route";
import { DELETE as deleteApiKey } from "@/app/api/v1/api-keys/[id]/route";
import { GET as listApiKeys } from "@/app/api/v1/api-keys/route";
import { GET as listUsage, POST as createUsage } from "@/app/api/v1/usage-events/route";
import { API_ERRORS } from "@/lib/http/errors";
import { descriptionOf } from "@/lib/http/route";
import { HTTP_METHODS, type HttpMethod } from "@/lib/http/endpoint";
import { ENDPOINTS } from "@/lib/http/endpoints";
import { authorizeCredentials } from "@/lib/auth/options";
import {
  buildRequest,
  call,
  createKey,
  createMember,
  createOrganization,
  expectApiError,
  ORIGIN,
  randomIp,
  setupTestDatabase,
  TEST_USER_AGENT,
  type TestKey,
} from "@/tests/helpers/fixtures";
import { NEXT_AUTH_ROUTE, ROOT, routeFiles, type Segment } from "@/tests/helpers/route-files";

// Hostile input at every route: whatever a client sends, the answer is a 2xx–4xx with the error
// model, never a 500 (a query PostgreSQL refused, a Date it can't hold, a body read whole).

setupTestDatabase();

let owner: TestKey;

beforeAll(async () => {
  const organization = await createOrganization("Fuzz Org");
  const member = await createMember(organization.id, "owner");
  owner = await createKey(organization.id, member.id, { name: "fuzz owner key" });
});

const forgedCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("input PostgreSQL would refuse is a 4xx, not a 500", () => {
  it("DELETE /api/v1/api-keys/%00 (and other ids that can't be ids) is 404 resource_missing", async () => {
    for (const id of ["\u0000", "a\u0000b", "\uD800", "x".repeat(65), "../x"]) {
      const result = await call(deleteApiKey, { method: "DELETE", path: "/api/v1/api-keys/x", params: { id }, key: owner.key });
      expectApiError(result, 404, "invalid_request_error", "resource_missing");
    }
  });

  it.each([
    ["customer_id with U+0000", { metric: "api_calls", quantity: 1, customer_id: "x\u0000y" }, "customer_id"],
    ["customer_id with an unpaired surrogate", { metric: "api_calls", quantity: 1, customer_id: "x\uD800" }, "customer_id"],
    ["timestamp in year 0", { metric: "api_calls", quantity: 1, timestamp: "0000-01-01T00:00:00Z" }, "timestamp"],
    ["timestamp past 9999 UTC", { metric: "api_calls", quantity: 1, timestamp: "9999-12-31T23:00:00-05:00" }, "timestamp"],
  ])("POST /api/v1/usage-events with %s is 400 invalid_request naming the field", async (_what, body, field) => {
    const result = await call(createUsage, { method: "POST", path: "/api/v1/usage-events", key: owner.key, body });
    const error = expectApiError(result, 400, "invalid_request_error", "invalid_request");
    expect(error.issues?.map((i) => i.path)).toContain(field);
  });

  it("the oldest and newest storable timestamps are recorded as sent", async () => {
    for (const timestamp of ["0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"]) {
      const result = await call(createUsage, { method: "POST", path: "/api/v1/usage-events", key: owner.key, body: { metric: "edge", quantity: 1, timestamp } });
      expect(result.status, result.text).toBe(201);
      expect(result.json.timestamp).toBe(timestamp);
    }
  });

  it("a cursor whose id holds U+0000, or whose date is year 0, is 400 on both lists", async () => {
    for (const cursor of [forgedCursor(["2025-01-01T00:00:00.000Z", "a\u0000b"]), forgedCursor(["0000-01-01T00:00:00.000Z", "cmabc"])]) {
      for (const handler of [listUsage, listApiKeys]) {
        const result = await call(handler, { path: `/api/v1/x?starting_after=${cursor}`, key: owner.key });
        const error = expectApiError(result, 400, "invalid_request_error", "invalid_request");
        expect(error.issues?.map((i) => i.path)).toContain("starting_after");
      }
    }
  });
});

describe("sign-in input PostgreSQL would refuse", () => {
  it("an email with U+0000 is refused like a wrong password, not with a database error", async () => {
    await expect(authorizeCredentials({ email: "alice\u0000@example.test", password: "demo-password" }, randomIp())).resolves.toBeNull();
  });
});

// next-auth's own handler needs Next's request scope (it reads cookies() from next/headers), which
// only a running server has: e2e/next-auth-http.spec.ts fuzzes it over HTTP. What the route answers
// before handing a request to next-auth is checked here.
describe("next-auth's route: what it answers before next-auth", () => {
  const authRequest = (method: "GET" | "POST", pathname: string, headers: Record<string, string> = {}, body?: string) =>
    new NextRequest(new URL(pathname, ORIGIN), {
      method,
      headers: { host: "localhost:3000", "x-forwarded-proto": "http", "user-agent": TEST_USER_AGENT, ...headers },
      body,
    });
  const context = (...nextauth: string[]) => ({ params: Promise.resolve({ nextauth }) });

  afterEach(() => vi.restoreAllMocks());

  it("POST /api/auth/_log (next-auth's client logger) is 204 and writes nothing to the log: no forged line, no flood", async () => {
    const logged = [vi.spyOn(console, "error"), vi.spyOn(console, "warn"), vi.spyOn(console, "log")];
    const forged = new URLSearchParams({ code: "x]\n[db] applied migrations: FORGED", level: "error", message: "y".repeat(60_000) }).toString();
    for (let i = 0; i < 20; i++) {
      const response = await nextAuthPost(authRequest("POST", "/api/auth/_log", { "content-type": "application/x-www-form-urlencoded" }, forged), context("_log"));
      expect(response.status).toBe(204);
      expect(await response.text()).toBe("");
    }
    for (const spy of logged) expect(spy).not.toHaveBeenCalled();
  });

  it("GET /api/auth/callback/credentials is 405 (Allow: POST), not next-auth's 500", async () => {
    const response = await nextAuthGet(authRequest("GET", "/api/auth/callback/credentials"), context("callback", "credentials"));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect((await response.json()).error.code).toBe("method_not_allowed");
  });

  it("GET /api/auth/error?error=Configuration (next-auth renders it as a 500) redirects to /login", async () => {
    const response = await nextAuthGet(authRequest("GET", "/api/auth/error?error=Configuration"), context("error"));
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/login");
  });

  it.each([["GET"], ["POST"]] as const)("%s with a Host next-auth can't make a URL of is 400", async (method) => {
    const headers = { "x-forwarded-host": "a b", "content-type": "application/x-www-form-urlencoded" };
    const response = await (method === "GET" ? nextAuthGet : nextAuthPost)(authRequest(method, "/api/auth/session", headers, method === "POST" ? "" : undefined), context("session"));
    expect(response.status).toBe(400);
  });

  it.each([["next-auth.callback-url=%25"], ["__Secure-next-auth.callback-url=javascript%3Aalert(1)"], ["next-auth.callback-url=http%3A%2F%2F127.0.0.1%3A3000.evil.test%2F"]])(
    "a callback-url cookie that reaches it (proxy.ts clears them first) is 400, and cleared: %s",
    async (cookie) => {
      const response = await nextAuthGet(authRequest("GET", "/api/auth/session", { cookie }), context("session"));
      expect(response.status).toBe(400);
      const cleared = response.headers.getSetCookie();
      expect(cleared).toContain("next-auth.callback-url=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
      expect(cleared).toContain("__Secure-next-auth.callback-url=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure");
    },
  );
});

describe("request bodies over 64 KB", () => {
  const CHUNK = 16 * 1024;

  /** 10 MB sent chunked (no Content-Length), counting what the server pulled. */
  function tenMegabytes() {
    const counter = { pulled: 0 };
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (counter.pulled >= 10 * 1024 * 1024) return controller.close();
          counter.pulled += CHUNK;
          controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
        },
      },
      { highWaterMark: 0 },
    );
    return { stream, counter };
  }

  function chunkedPost(pathname: string, body: ReadableStream<Uint8Array>, key?: string): NextRequest {
    const headers = new Headers({ "content-type": "application/json", "user-agent": TEST_USER_AGENT, "x-forwarded-for": randomIp() });
    if (key) headers.set("authorization", `Bearer ${key}`);
    return new NextRequest(new URL(pathname, ORIGIN), { method: "POST", headers, body, duplex: "half" });
  }

  it.each([
    ["POST /api/v1/api-keys/exposed (no authentication)", "/api/v1/api-keys/exposed", reportExposed, false],
    ["POST /api/v1/usage-events", "/api/v1/usage-events", createUsage, true],
  ] as const)("%s: a chunked 10 MB body is 413 request_too_large after reading little more than 64 KB", async (_what, pathname, handler, auth) => {
    const { stream, counter } = tenMegabytes();
    const response = await handler(chunkedPost(pathname, stream, auth ? owner.key : undefined), { params: Promise.resolve({}) });
    const text = await response.text();
    const result = { status: response.status, headers: response.headers, text, json: JSON.parse(text) as unknown };
    const error = expectApiError(result, 413, "invalid_request_error", "request_too_large");
    expect(error.message).toContain("64 KB");
    expect(counter.pulled).toBeLessThanOrEqual(64 * 1024 + 2 * CHUNK);
  });

  it("a declared Content-Length over 64 KB is 413 before reading", async () => {
    const { stream, counter } = tenMegabytes();
    const request = chunkedPost("/api/v1/api-keys/exposed", stream);
    request.headers.set("content-length", String(10 * 1024 * 1024));
    const response = await reportExposed(request);
    expect(response.status).toBe(413);
    expect(counter.pulled).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Every route file under app/api, found on disk: a new route is fuzzed without editing this file.

const ROUTES = routeFiles().filter((route) => route.file !== NEXT_AUTH_ROUTE);

const HOSTILE_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "x\uDFFF",
  "\uFFFF",
  "\u202Eevil",
  "\u200B",
  "0000-01-01T00:00:00Z",
  "-271821-04-20T00:00:00Z",
  "+275760-09-13T00:00:00.001Z",
  "9999-12-31T23:59:59.999-14:00",
  "2023-02-31T00:00:00Z",
  "1e309",
  "-1",
  "NaN",
  "Infinity",
  "99999999999999999999999999",
  "0x10",
  "null",
  "[]",
  "{}",
  "%00",
  "../../etc/passwd",
  "' OR 1=1 --",
  "\\",
  "x".repeat(5_000),
  forgedCursor(["2025-01-01T00:00:00.000Z", "a\u0000b"]),
  forgedCursor(["0000-01-01T00:00:00Z", "x"]),
  forgedCursor([1, 2]),
  forgedCursor("2025"),
];

// Strings salted with the characters that broke things (U+0000, unpaired surrogates) and the ones
// that mislead a reader (bidi overrides, zero-width), between arbitrary code points.
const salted = fc
  .array(
    fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom("\u0000", "\uD800", "\uDFFF", "\u202E", "\u200B") },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((parts) => parts.join(""));

// ISO dates at and past the edges both PostgreSQL and Date hold, with and without offsets.
const edgyDate = fc
  .tuple(
    fc.constantFrom("0000", "0001", "1970", "9999", "+010000", "-000001"),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
    fc.constantFrom("Z", "+14:00", "-14:00", "-00:01", "+23:59", ""),
  )
  .map(([year, month, day, offset]) => `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}T23:59:59.999${offset}`);

// A cursor as the API encodes it (base64url of [ISO date, id]), with a hostile date or id.
const cursorLike = fc
  .tuple(
    fc.oneof(
      { weight: 3, arbitrary: fc.date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString()) },
      { weight: 1, arbitrary: edgyDate },
      { weight: 1, arbitrary: salted },
    ),
    fc.oneof({ weight: 3, arbitrary: salted }, { weight: 1, arbitrary: fc.constant("cmabc123") }),
  )
  .map(forgedCursor);

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 4, arbitrary: salted },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 3, arbitrary: edgyDate },
  { weight: 1, arbitrary: cursorLike },
);

const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: hostileString },
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, 1e308, -0, Number.MIN_VALUE, null, false, true, 0, 1),
  fc.jsonValue({ maxDepth: 3 }),
);

/** The body and query a route describes, so that generated input gets past the first check. */
function documented(template: string, method: string) {
  const doc = ENDPOINTS.find((r) => r.path === template && r.method === method);
  return { example: doc?.bodyExample, query: doc?.query ? Object.keys(doc.query.shape) : [] };
}

const DEEP = `${"[".repeat(30_000)}${"]".repeat(30_000)}`;

function bodyArbitrary(example: Record<string, unknown> = {}): fc.Arbitrary<string | undefined> {
  const fields = [...Object.keys(example), "surprise"];
  // The documented example with one or two fields replaced (or added): each field's check is reached.
  const varied = fc
    .array(fc.tuple(fc.constantFrom(...fields), hostileJson), { minLength: 1, maxLength: 2 })
    .map((changes) => JSON.stringify({ ...example, ...Object.fromEntries(changes) }));
  return fc.oneof(
    { weight: 6, arbitrary: varied },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...fields, "__proto__", "constructor"), hostileJson).map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: hostileJson.map((v) => JSON.stringify(v) ?? "null") },
    { weight: 1, arbitrary: fc.constantFrom(undefined, "", "{", DEEP, '{"a":"\\ud800"}', '{"metric":"\\u0000"}', "\uFEFF{}", "[]") },
  );
}

// URLSearchParams can't carry an unpaired surrogate, but raw percent-escapes can carry bytes that
// aren't UTF-8.
const RAW_QUERY_VALUES = ["%00", "%FF", "%ED%A0%80", "%C0%80", "%", "%%", "a%00b"];

function queryArbitrary(names: string[]): fc.Arbitrary<string> {
  const name = fc.oneof({ weight: 4, arbitrary: names.length ? fc.constantFrom(...names) : fc.constant("q") }, { weight: 1, arbitrary: fc.constant("surprise") });
  const value = fc.oneof({ weight: 1, arbitrary: hostileString }, { weight: 2, arbitrary: cursorLike });
  const pair = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(name, value).map(([k, v]) => new URLSearchParams([[k, v]]).toString()) },
    { weight: 1, arbitrary: fc.tuple(name, fc.constantFrom(...RAW_QUERY_VALUES)).map(([k, v]) => `${k}=${v}`) },
  );
  return fc.array(pair, { maxLength: 3 }).map((pairs) => (pairs.length ? `?${pairs.join("&")}` : ""));
}

function paramsArbitrary(segments: Segment[]): fc.Arbitrary<Record<string, string | string[]>> {
  const entries = segments.filter((s) => s.kind !== "static");
  return fc.tuple(
    ...entries.map((s) => (s.kind === "param" ? hostileString : fc.array(hostileString, { minLength: 1, maxLength: 3 }))),
  ).map((values) => Object.fromEntries(entries.map((s, i) => [(s as { name: string }).name, values[i]!])));
}

function urlPath(segments: Segment[], params: Record<string, string | string[]>): string {
  // The handlers read params, not the URL; an unpaired surrogate has no percent-encoding, so the
  // URL gets a stand-in for it.
  const encode = (value: string) => {
    try {
      return encodeURIComponent(value);
    } catch {
      return "x";
    }
  };
  return `/${segments
    .map((s) => {
      if (s.kind === "static") return s.value;
      const value = params[s.name]!;
      return Array.isArray(value) ? value.map(encode).join("/") : encode(value);
    })
    .join("/")}`;
}

type Handler = (request: NextRequest, context: { params: Promise<unknown> }) => Response | Promise<Response>;

// Each method a route file exports (route() exports all five; next-auth's file only GET and POST).
const cases = (
  await Promise.all(
    ROUTES.map(async (route) => {
      const routeModule = (await import(path.join(ROOT, route.file))) as Partial<Record<HttpMethod, Handler>>;
      return HTTP_METHODS.filter((method) => routeModule[method]).map((method) => ({ ...route, method }));
    }),
  )
).flat();

describe("every route file under app/api, fuzzed", () => {
  it("has a valid example body for every route that takes one (the fuzzing starts from it)", () => {
    for (const doc of ENDPOINTS.filter((r) => r.body)) {
      expect(doc.body!.safeParse(doc.bodyExample).success, `${doc.method} ${doc.path}`).toBe(true);
    }
  });

  it.each(cases)("$method $template: no 5xx, every error in the error model", async ({ file, template, segments, method }) => {
    const routeModule = (await import(path.join(ROOT, file))) as Partial<Record<HttpMethod, Handler>>;
    const handler = routeModule[method]!;
    const fields = documented(template, method);
    const isApi = template.startsWith("/api/v1/");
    await fc.assert(
      fc.asyncProperty(
        paramsArbitrary(segments),
        queryArbitrary(fields.query),
        method === "GET" ? fc.constant(undefined) : bodyArbitrary(fields.example),
        async (params, query, body) => {
          const request = buildRequest({
            method,
            path: `${urlPath(segments, params)}${query}`,
            key: owner.key,
            ...(body !== undefined ? { body } : {}),
          });
          const response = await handler(request, { params: Promise.resolve(params) });
          const text = await response.text();
          const what = `${method} ${template} ${JSON.stringify({ params, query, body: body?.slice(0, 200) })} → ${response.status} ${text.slice(0, 300)}`;
          expect(response.status, what).toBeLessThan(500);
          const endpoint = descriptionOf(handler);
          if (endpoint && response.status < 300) expect(endpoint.response.schema.safeParse(JSON.parse(text)).success, what).toBe(true);
          if (!isApi || response.status < 400) return;
          const json = JSON.parse(text) as { error?: Record<string, unknown> };
          expect(json.error, what).toMatchObject({ type: expect.any(String), code: expect.any(String), message: expect.any(String) });
          const code = json.error!.code as keyof typeof API_ERRORS;
          expect(API_ERRORS[code], what).toBeDefined();
          expect(json.error!.type, what).toBe(API_ERRORS[code].type);
          expect(response.status, what).toBe(API_ERRORS[code].status);
          expect(json.error!.request_id, what).toBe(response.headers.get("x-request-id"));
        },
      ),
      { numRuns: 200 },
    );
  });
});
