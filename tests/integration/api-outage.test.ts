import { getServerSession } from "next-auth";
import { encode } from "next-auth/jwt";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET as ready } from "@/app/api/health/ready/route";
import { POST as reportExposed } from "@/app/api/v1/api-keys/exposed/route";
import { GET as me } from "@/app/api/v1/me/route";
import { GET as ping } from "@/app/api/v1/ping/route";
import { POST as createUsage } from "@/app/api/v1/usage-events/route";
import { generateApiKey } from "@/lib/domain/api-keys/format";
import { runtime } from "@/lib/platform/runtime";
import { authOptions, readSession } from "@/lib/auth/options";
import { checkSession } from "@/lib/auth/sessions";
import { DatabaseUnavailableError } from "@/lib/platform/db/errors";
import { env } from "@/lib/platform/config";
import { getSignedInUserId, memberForAction, SERVICE_UNAVAILABLE, userIdForAction } from "@/lib/auth/context";
import { call, expectApiError } from "@/tests/helpers/fixtures";

// The request a page or an action would see (lib/auth/context.ts reads it through next/headers).
const browser = vi.hoisted(() => ({ cookies: new Map<string, string>() }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "localhost:3000", "x-forwarded-proto": "http" }),
  cookies: async () => ({
    getAll: () => [...browser.cookies].map(([name, value]) => ({ name, value })),
    get: (name: string) => (browser.cookies.has(name) ? { name, value: browser.cookies.get(name)! } : undefined),
  }),
}));

// A database that is down from the start: nothing listens on port 1. Set before anything reads
// the configuration (lib/env reads it on first use), in both test projects.
process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/paygentic_unreachable";

afterAll(async () => {
  await runtime().close();
});

describe("the database unreachable", () => {
  it("a well-formed key that can't be checked is 503 service_unavailable with Retry-After, never a 200 or a 500", async () => {
    for (const key of [generateApiKey("live").key, generateApiKey("test").key]) {
      const result = await call(ping, { path: "/api/v1/ping", key });
      const error = expectApiError(result, 503, "api_error", "service_unavailable");
      expect(Number(result.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(result.headers.get("www-authenticate")).toBeNull();
      expect(error.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|paygentic_unreachable/);
    }
    expectApiError(await call(me, { path: "/api/v1/me", key: generateApiKey("live").key }), 503, "api_error", "service_unavailable");
    expectApiError(
      await call(createUsage, { method: "POST", path: "/api/v1/usage-events", key: generateApiKey("live").key, body: { metric: "m", quantity: 1 } }),
      503,
      "api_error",
      "service_unavailable",
    );
  });

  it("answers what needs no database: a missing key or a non-Bearer header is still a 401", async () => {
    expectApiError(await call(ping, { path: "/api/v1/ping" }), 401, "authentication_error", "missing_api_key");
    expectApiError(await call(ping, { path: "/api/v1/ping", authorization: "Basic dXNlcjpwYXNz" }), 401, "authentication_error", "malformed_api_key");
  });

  it("a key of the wrong shape or with a bad checksum is 401 malformed_api_key: that needs no database either", async () => {
    // The spec: a typo or a truncated key is rejected without a database look-up. Answering 503
    // would tell the client to retry a key that can never work.
    const { key } = generateApiKey("live");
    const typo = key.slice(0, 20) + (key[20] === "A" ? "B" : "A") + key.slice(21);
    for (const token of ["nope", key.slice(0, -1), typo]) {
      expectApiError(await call(ping, { path: "/api/v1/ping", authorization: `Bearer ${token}` }), 401, "authentication_error", "malformed_api_key");
    }
  });

  it("a leaked-key report that can't be acted on is not acknowledged as done", async () => {
    const result = await call(reportExposed, { method: "POST", path: "/api/v1/api-keys/exposed", body: { key: generateApiKey("live").key } });
    expectApiError(result, 503, "api_error", "service_unavailable");
  });

  it("liveness stays up; readiness says 503", async () => {
    expect((await call(health, { path: "/api/health" })).status).toBe(200);
    const readiness = await call(ready, { path: "/api/health/ready" });
    // The error model, as its description (and so /docs/api and OpenAPI) says.
    expectApiError(readiness, 503, "api_error", "service_unavailable");
    expect(readiness.headers.get("x-request-id")).toBeTruthy();
  });
});

describe("a signed-in browser while the database is unreachable", () => {
  const COOKIE = "next-auth.session-token";
  // A cookie like any signed-in browser's: it names a session that only the database can confirm.
  const signedIn = async () => browser.cookies.set(COOKIE, await encode({ token: { sub: "user_1", sid: "session_1", name: "A", email: "a@x.test" }, secret: env().authSecret }));

  beforeEach(() => browser.cookies.clear());

  it("is not signed out: the session check says 'unavailable', and pages and actions say so instead of 'session ended'", async () => {
    await signedIn();
    expect(await checkSession({ sub: "user_1", sid: "session_1" })).toBe("unavailable");
    // Fail closed: no session comes back, and the caller learns why.
    await expect(getSignedInUserId()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(await memberForAction("acme")).toEqual({ ok: false, message: SERVICE_UNAVAILABLE });
    expect(await userIdForAction()).toEqual({ ok: false, message: SERVICE_UNAVAILABLE });
  });

  it("next-auth's own session read reports 'unavailable' to its caller (the /api/auth/session route then answers 503 and keeps the cookie)", async () => {
    const cookie = await encode({ token: { sub: "user_1", sid: "session_1" }, secret: env().authSecret });
    const setCookie: string[] = [];
    const res = { getHeader: () => setCookie, setHeader: (_name: string, value: string[]) => setCookie.splice(0, setCookie.length, ...value) };
    const req = { headers: { host: "localhost:3000", "x-forwarded-proto": "http" }, cookies: { [COOKIE]: cookie } };
    const { result, check } = await readSession(() => getServerSession(req as never, res as never, authOptions()));
    expect(result).toBeNull();
    expect(check).toBe("unavailable");
  });

  it("a signed-out browser, or a cookie that names no session, is signed out without asking the database", async () => {
    expect(await getSignedInUserId()).toBeNull();
    expect(await memberForAction("acme")).toEqual({ ok: false, message: expect.stringMatching(/session has ended/) });
    browser.cookies.set(COOKIE, await encode({ token: { sub: "user_1" }, secret: env().authSecret }));
    expect(await checkSession({ sub: "user_1" })).toBe("ended");
    expect(await getSignedInUserId()).toBeNull();
  });
});
