import { afterAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET as ready } from "@/app/api/health/ready/route";
import { POST as reportExposed } from "@/app/api/v1/api-keys/exposed/route";
import { GET as me } from "@/app/api/v1/me/route";
import { GET as ping } from "@/app/api/v1/ping/route";
import { POST as createUsage } from "@/app/api/v1/usage-events/route";
import { generateApiKey } from "@/lib/api-keys/format";
import { runtime } from "@/lib/runtime";
import { call, expectApiError } from "@/tests/helpers/fixtures";

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
