import { beforeAll, describe, expect, it } from "vitest";
import { GET as ping } from "@/app/api/v1/ping/route";
import { POST as createUsage } from "@/app/api/v1/usage-events/route";
import { db, flushAuthFailures, postgresPool } from "@/lib/platform/runtime";
import { toErrorResponse } from "@/lib/http/error-mapper";
import { createLimiter } from "@/lib/platform/rate-limit";
import { generateApiKey } from "@/lib/domain/api-keys/format";
import { revokeApiKey } from "@/lib/domain/api-keys/store";
import { removeMember } from "@/lib/domain/members/members";
import {
  actorFor,
  call,
  createKey,
  createMember,
  createOrganization,
  randomIp,
  setupTestDatabase,
  type ApiErrorBody,
  type CallOptions,
  type TestMember,
  type TestOrganization,
} from "@/tests/helpers/fixtures";

setupTestDatabase();

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const FAILURES_PER_MINUTE = Number(process.env.API_AUTH_FAILURES_PER_MINUTE) || 100;

let org: TestOrganization;
let owner: TestMember;
let key: string;

beforeAll(async () => {
  org = await createOrganization("Auth Org");
  owner = await createMember(org.id, "owner");
  key = (await createKey(org.id, owner.id)).key;
});

function pingWith(authorization: string | null, extra: Partial<CallOptions<Record<string, never>>> = {}) {
  return call<ApiErrorBody & { ok?: boolean }>(ping, { path: "/api/v1/ping", authorization, ...extra });
}

async function expectAuthError(
  response: Awaited<ReturnType<typeof pingWith>>,
  code: "missing_api_key" | "malformed_api_key" | "invalid_api_key" | "revoked_api_key" | "expired_api_key",
) {
  expect(response.status, response.text).toBe(401);
  expect(response.json.error.type).toBe("authentication_error");
  expect(response.json.error.code).toBe(code);
  expect(response.json.error.message.length).toBeGreaterThan(20);
  const requestId = response.headers.get("x-request-id");
  expect(requestId).toBeTruthy();
  expect(response.json.error.request_id).toBe(requestId);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const challenge = response.headers.get("www-authenticate");
  if (code === "missing_api_key") {
    // RFC 6750 §3.1: no error attribute when the request carried no credentials.
    expect(challenge).toBe('Bearer realm="api"');
  } else {
    expect(challenge).toMatch(/^Bearer realm="api", error="invalid_token"/);
  }
  // Never a secret in an error.
  expect(response.text).not.toMatch(/sk_(live|test)_[0-9A-Za-z]{38}/);
}

/** The key with the character at `index` replaced by another base62 character. */
function typo(original: string, index: number): string {
  const current = original[index]!;
  const replacement = ALPHABET[(ALPHABET.indexOf(current) + 1 + (index % 60)) % 62]!;
  expect(replacement).not.toBe(current);
  return original.slice(0, index) + replacement + original.slice(index + 1);
}

describe("Authorization header parsing (RFC 6750)", () => {
  it("answers 401 missing_api_key with a bare Bearer challenge when there is no header", async () => {
    await expectAuthError(await pingWith(null), "missing_api_key");
  });

  it("treats an empty or blank header as missing", async () => {
    await expectAuthError(await pingWith(""), "missing_api_key");
    await expectAuthError(await pingWith("   "), "missing_api_key");
  });

  it.each([
    ["lower-case scheme", (k: string) => `bearer ${k}`],
    ["upper-case scheme", (k: string) => `BEARER ${k}`],
    ["two spaces (1*SP)", (k: string) => `Bearer  ${k}`],
    ["trailing space", (k: string) => `Bearer ${k} `],
  ])("accepts %s", async (_label, header) => {
    const response = await pingWith(header(key));
    expect(response.status, response.text).toBe(200);
    expect(response.json).toEqual({ ok: true });
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(response.headers.get("www-authenticate")).toBeNull();
  });

  it.each([
    ["two tokens", () => "Bearer a b"],
    ["Basic credentials", () => "Basic dXNlcjpwYXNz"],
    ["the scheme alone", () => "Bearer"],
    ["the scheme and a space", () => "Bearer "],
    ["a key without a scheme", () => key],
    ["another scheme", () => `Token ${key}`],
    ["a key followed by a parameter", () => `Bearer ${key}, realm="x"`],
    ["the key twice", () => `Bearer ${key} ${key}`],
    ["something that is not a key", () => "Bearer not-a-key"],
  ])("refuses %s as malformed_api_key", async (_label, header) => {
    await expectAuthError(await pingWith(header()), "malformed_api_key");
  });

  it("refuses a one-character typo anywhere in a real key, and a truncated or extended key, as malformed", async () => {
    for (const index of [8, 9, 20, 31, 39, 40, 43, 45]) {
      await expectAuthError(await pingWith(`Bearer ${typo(key, index)}`), "malformed_api_key");
    }
    await expectAuthError(await pingWith(`Bearer ${key.slice(0, -1)}`), "malformed_api_key");
    await expectAuthError(await pingWith(`Bearer ${key}A`), "malformed_api_key");
    await expectAuthError(await pingWith(`Bearer ${key.replace("sk_live_", "sk_prod_")}`), "malformed_api_key");
  });
});

describe("key status", () => {
  it("answers invalid_api_key for a well-formed key that was never issued", async () => {
    await expectAuthError(await pingWith(`Bearer ${generateApiKey("live").key}`), "invalid_api_key");
    await expectAuthError(await pingWith(`Bearer ${generateApiKey("test").key}`), "invalid_api_key");
  });

  it("answers invalid_api_key for a real key's body under the other mode's prefix", async () => {
    // The checksum covers only the body, so this parses; the hash of the whole key doesn't match.
    await expectAuthError(await pingWith(`Bearer ${key.replace("sk_live_", "sk_test_")}`), "invalid_api_key");
  });

  it("answers revoked_api_key, saying when, for a revoked key (even one verified a moment ago)", async () => {
    const revokedKey = await createKey(org.id, owner.id);
    expect((await pingWith(`Bearer ${revokedKey.key}`)).status).toBe(200);
    const view = await revokeApiKey({ organizationId: org.id, keyId: revokedKey.id, actor: { ...actorFor(owner.id), role: "owner" } });
    const response = await pingWith(`Bearer ${revokedKey.key}`);
    await expectAuthError(response, "revoked_api_key");
    expect(response.json.error.message).toContain(view.revokedAt!);
    expect(response.headers.get("www-authenticate")).toContain('error_description="revoked_api_key"');
  });

  it("answers expired_api_key, saying when, for a key past its expiry", async () => {
    const expiring = await createKey(org.id, owner.id);
    const expiredAt = new Date(Date.now() - 60_000);
    await db().apiKey.update({ where: { id: expiring.id }, data: { expiresAt: expiredAt } });
    const response = await pingWith(`Bearer ${expiring.key}`);
    await expectAuthError(response, "expired_api_key");
    expect(response.json.error.message).toContain(expiredAt.toISOString());
  });

  it("accepts a key whose expiry is in the future", async () => {
    const later = await createKey(org.id, owner.id);
    await db().apiKey.update({ where: { id: later.id }, data: { expiresAt: new Date(Date.now() + 3_600_000) } });
    expect((await pingWith(`Bearer ${later.key}`)).status).toBe(200);
  });

  it("refuses the keys of a member removed from the organization, at once", async () => {
    const leaving = await createMember(org.id, "developer");
    const leavingKey = await createKey(org.id, leaving.id);
    expect((await pingWith(`Bearer ${leavingKey.key}`)).status).toBe(200);
    await removeMember({ organizationId: org.id, membershipId: leaving.membershipId, actor: { ...actorFor(owner.id), role: "owner" } });
    await expectAuthError(await pingWith(`Bearer ${leavingKey.key}`), "revoked_api_key");
  });

  it("refuses a key whose owner's membership is gone, even if the key was not revoked", async () => {
    const member = await createMember(org.id, "developer");
    const memberKey = await createKey(org.id, member.id);
    // Behind the lib's back (e.g. by hand in SQL): the key row stays active but has no member.
    await db().membership.delete({ where: { id: member.membershipId } });
    const response = await pingWith(`Bearer ${memberKey.key}`);
    expect(response.status).toBe(401);
    expect(response.json.error.type).toBe("authentication_error");
  });
});

// That every authenticated endpoint refuses a missing key is generated from the endpoint
// descriptions in tests/integration/api-endpoints.test.ts.
describe("a refused key", () => {
  it("a bad key on a write route changes nothing", async () => {
    const before = await db().usageEvent.count({ where: { organizationId: org.id } });
    const response = await call<ApiErrorBody>(createUsage, {
      method: "POST",
      path: "/api/v1/usage-events",
      key: generateApiKey("live").key,
      body: { metric: "x", quantity: 1 },
    });
    await expectAuthError(response, "invalid_api_key");
    expect(await db().usageEvent.count({ where: { organizationId: org.id } })).toBe(before);
  });
});

describe("X-Request-Id", () => {
  it("is on successes and errors, and matches the error body", async () => {
    const ok = await pingWith(`Bearer ${key}`);
    expect(ok.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
    const error = await pingWith(null);
    expect(error.json.error.request_id).toBe(error.headers.get("x-request-id"));
    expect(ok.headers.get("x-request-id")).not.toBe(error.headers.get("x-request-id"));
  });

  it("keeps a well-formed incoming id and replaces a malformed one", async () => {
    const kept = await pingWith(`Bearer ${key}`, { headers: { "x-request-id": "lb-1234567890abcdef" } });
    expect(kept.headers.get("x-request-id")).toBe("lb-1234567890abcdef");
    const replaced = await pingWith(null, { headers: { "x-request-id": "<script>alert(1)</script>" } });
    expect(replaced.headers.get("x-request-id")).not.toContain("<");
    expect(replaced.json.error.request_id).toBe(replaced.headers.get("x-request-id"));
  });
});

describe("rate limiting failed authentications", () => {
  it(`answers 429 rate_limited with Retry-After after ${FAILURES_PER_MINUTE} failures from one address, and other addresses are unaffected`, async () => {
    // The first failure of a process creates the limiter; its shared count (PostgreSQL) is written in
    // the background: push it now rather than wait for it.
    await pingWith("Bearer warm-up", { ip: randomIp() });
    await flushAuthFailures();

    const ip = randomIp();
    let firstLimited = -1;
    let limited: Awaited<ReturnType<typeof pingWith>> | undefined;
    for (let i = 0; i < FAILURES_PER_MINUTE + 5; i++) {
      const response = await pingWith(`Bearer sk_live_guess${i}`, { ip });
      if (response.status === 429) {
        firstLimited = i;
        limited = response;
        break;
      }
      expect(response.json.error.code).toBe("malformed_api_key");
    }
    expect(firstLimited, "the failure that first answered 429").toBe(FAILURES_PER_MINUTE);
    expect(limited!.json.error.type).toBe("rate_limit_error");
    expect(limited!.json.error.code).toBe("rate_limited");
    expect(limited!.json.error.request_id).toBe(limited!.headers.get("x-request-id"));
    const retryAfter = Number(limited!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // The blocked address stays blocked, valid key or not: guessing must not pay off.
    const blocked = await pingWith(`Bearer ${key}`, { ip });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBeTruthy();

    // Another address is not affected, with a valid key or a bad one.
    const other = randomIp();
    expect((await pingWith(`Bearer ${key}`, { ip: other })).status).toBe(200);
    await expectAuthError(await pingWith("Bearer nope", { ip: other }), "malformed_api_key");
  });
});

describe("rate limiting across instances (PostgreSQL)", () => {
  it.runIf(Boolean(process.env.DATABASE_URL))("failures counted by other instances block this one too", async () => {
    const ip = randomIp();
    // Other instances' failures, as they record them: the shared PostgreSQL-backed limiter.
    const others = createLimiter({ keyPrefix: "api_auth_fail", points: FAILURES_PER_MINUTE, duration: 60 }, postgresPool());
    await others.consume(ip, FAILURES_PER_MINUTE);
    // This instance has seen one failure only: locally it is far from the limit...
    await expectAuthError(await pingWith("Bearer sk_live_guess", { ip }), "malformed_api_key");
    // ...but once its count reaches the shared store, the address is over the limit everywhere.
    await flushAuthFailures();
    const response = await pingWith(`Bearer ${key}`, { ip });
    expect(response.status).toBe(429);
    expect(response.json.error.code).toBe("rate_limited");
  });
});

describe("database errors", () => {
  it("maps connection errors to 503 service_unavailable with Retry-After", async () => {
    const connectionRefused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    for (const error of [connectionRefused]) {
      const response = toErrorResponse(error, "req_test_503", "http://localhost:3000");
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBeTruthy();
      expect(response.headers.get("x-request-id")).toBe("req_test_503");
      const body = (await response.json()) as ApiErrorBody;
      expect(body.error).toMatchObject({ type: "api_error", code: "service_unavailable", request_id: "req_test_503" });
      // The message helps the caller; it doesn't leak the database's address.
      expect(body.error.message).not.toContain("127.0.0.1");
    }
  });

  it("maps anything else to a 500 without a stack trace", async () => {
    const response = toErrorResponse(new TypeError("Cannot read properties of undefined (reading 'x')"), "req_test_500", "");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/\n\s+at /);
    expect(text).not.toContain("Cannot read properties");
    expect((JSON.parse(text) as ApiErrorBody).error.code).toBe("internal_error");
  });
});
