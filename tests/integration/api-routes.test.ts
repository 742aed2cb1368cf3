import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET as ready } from "@/app/api/health/ready/route";
import { GET as notFound, POST as notFoundPost } from "@/app/api/v1/[...path]/route";
import { DELETE as deleteApiKey } from "@/app/api/v1/api-keys/[id]/route";
import { POST as reportExposed } from "@/app/api/v1/api-keys/exposed/route";
import { GET as listApiKeys } from "@/app/api/v1/api-keys/route";
import { GET as me } from "@/app/api/v1/me/route";
import { GET as openapi } from "@/app/api/v1/openapi.json/route";
import { GET as getOrganization } from "@/app/api/v1/organizations/[id]/route";
import { GET as ping } from "@/app/api/v1/ping/route";
import { GET as listUsage, POST as createUsage } from "@/app/api/v1/usage-events/route";
import { generateApiKey } from "@/lib/domain/api-keys/format";
import { db } from "@/lib/platform/runtime";
import { changeMemberRole } from "@/lib/domain/members/members";
import type { Role } from "@/lib/domain/permissions";
import {
  actorFor,
  call,
  createKey,
  createMember,
  createOrganization,
  createOrganizationWithRoles,
  expectApiError,
  hashKey,
  randomIp,
  setupTestDatabase,
  type CallResult,
  type RoleSet,
  type TestKey,
  type TestMember,
  type TestOrganization,
} from "@/tests/helpers/fixtures";

setupTestDatabase();

const ROLES: Role[] = ["owner", "admin", "developer", "viewer"];
const SECRET = /sk_(live|test)_[0-9A-Za-z]{38}/;
const HEX64 = /[0-9a-f]{64}/i;

// From the spec's table, not from lib/permissions: the test must not grade its own homework.
const SPEC_PERMISSIONS: Record<Role, string[]> = {
  owner: ["organization:read", "usage:read", "usage:write", "api_keys:read", "api_keys:write", "api_keys:manage", "members:manage", "audit_log:read"],
  admin: ["organization:read", "usage:read", "usage:write", "api_keys:read", "api_keys:write", "api_keys:manage", "members:manage", "audit_log:read"],
  developer: ["organization:read", "usage:read", "usage:write", "api_keys:read", "api_keys:write"],
  viewer: ["organization:read", "usage:read", "api_keys:read", "api_keys:write"],
};

let org: TestOrganization;
let members: RoleSet;
let other: { organization: TestOrganization; owner: TestMember; key: TestKey };

beforeAll(async () => {
  ({ organization: org, members } = await createOrganizationWithRoles("Routes Org"));
  const otherOrg = await createOrganization("Other Org");
  const otherOwner = await createMember(otherOrg.id, "owner");
  other = { organization: otherOrg, owner: otherOwner, key: await createKey(otherOrg.id, otherOwner.id) };
});

type UsageEventObject = {
  id: string;
  object: "usage_event";
  livemode: boolean;
  metric: string;
  quantity: number;
  customer_id: string | null;
  timestamp: string;
  created_at: string;
  api_key_id: string | null;
};
type ApiKeyObject = Record<string, unknown> & { id: string; object: "api_key"; owner: { id: string }; revoked_at: string | null };
type List<T> = { object: "list"; data: T[]; has_more: boolean; next_cursor: string | null };

const postUsage = (key: string, body: unknown, headers: Record<string, string> = {}) =>
  call<UsageEventObject>(createUsage, { method: "POST", path: "/api/v1/usage-events", key, body, headers });
const getUsage = (key: string, query = "") => call<List<UsageEventObject>>(listUsage, { path: `/api/v1/usage-events${query}`, key });
const getKeys = (key: string, query = "") => call<List<ApiKeyObject>>(listApiKeys, { path: `/api/v1/api-keys${query}`, key });
const del = (key: string, id: string) => call<ApiKeyObject, { id: string }>(deleteApiKey, { method: "DELETE", path: `/api/v1/api-keys/${id}`, params: { id }, key });

const report = (body: unknown, ip = randomIp()) => call(reportExposed, { method: "POST", path: "/api/v1/api-keys/exposed", body, ip });

function expectNoSecrets(result: CallResult, hashes: string[] = []): void {
  expect(result.text).not.toMatch(SECRET);
  expect(result.text).not.toMatch(HEX64);
  for (const hash of hashes) expect(result.text).not.toContain(hash);
  expect(result.text).not.toMatch(/"hash"/);
}

describe("success shapes", () => {
  it("GET /api/v1/ping answers {ok:true}, uncached, with a request id", async () => {
    const result = await call(ping, { path: "/api/v1/ping", key: members.viewer.key.key });
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ ok: true });
    expect(result.headers.get("x-request-id")).toBeTruthy();
    expect(result.headers.get("cache-control")).toContain("no-store");
  });

  it.each(ROLES)("GET /api/v1/me for a %s key: the key, user, organization {id,name,slug}, role name and permissions", async (role) => {
    const member = members[role];
    const result = await call(me, { path: "/api/v1/me", key: member.key.key });
    expect(result.status).toBe(200);
    const body = result.json;
    expect(Object.keys(body).sort()).toEqual(["api_key", "organization", "permissions", "restrictions", "role", "user"]);
    expect(body.restrictions).toBeNull();
    expect(body.api_key).toEqual({
      id: member.key.id,
      object: "api_key",
      name: member.key.name,
      environment: "production",
      livemode: true,
      last4: member.key.key.slice(-4),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(body.user).toEqual({ id: member.id, email: member.email, name: member.name });
    expect(body.organization).toEqual({ id: org.id, name: org.name, slug: org.slug });
    expect(body.role).toBe(role);
    expect([...body.permissions].sort()).toEqual([...SPEC_PERMISSIONS[role]].sort());
    expectNoSecrets(result);
  });

  it("GET /api/v1/me of a staging key says livemode false", async () => {
    const staging = await createKey(org.id, members.developer.id, { environment: "staging" });
    expect(staging.key.startsWith("sk_test_")).toBe(true);
    const result = await call(me, { path: "/api/v1/me", key: staging.key });
    expect(result.json.api_key).toMatchObject({ environment: "staging", livemode: false, last4: staging.key.slice(-4) });
  });

  it("GET /api/v1/organizations/{id} answers the key's organization by id or slug", async () => {
    for (const id of [org.id, org.slug]) {
      const result = await call(getOrganization, { path: `/api/v1/organizations/${id}`, params: { id }, key: members.viewer.key.key });
      expect(result.status).toBe(200);
      expect(result.json).toMatchObject({ id: org.id, object: "organization", name: org.name, slug: org.slug });
    }
  });

  it("GET /api/v1/organizations/{id} of another organization (or none) is 403 organization_mismatch", async () => {
    for (const id of [other.organization.id, other.organization.slug, "org_does_not_exist"]) {
      const result = await call(getOrganization, { path: `/api/v1/organizations/${id}`, params: { id }, key: members.owner.key.key });
      expectApiError(result, 403, "permission_error", "organization_mismatch");
      expect(result.text).not.toContain(other.organization.name);
    }
  });

  it("GET /api/health answers {status:ok} and /api/health/ready 200 while the database answers", async () => {
    const live = await call(health, { path: "/api/health" });
    expect(live.status).toBe(200);
    expect(live.json).toEqual({ status: "ok" });
    expect(live.headers.get("x-request-id")).toBeTruthy();
    const readiness = await call(ready, { path: "/api/health/ready" });
    expect(readiness.status).toBe(200);
    expect(readiness.headers.get("x-request-id")).toBeTruthy();
  });
});

describe("permission matrix", () => {
  let target: TestMember;
  beforeAll(async () => {
    target = await createMember(org.id, "developer", "target");
  });

  const cases: { route: string; expected: Record<Role, number>; run: (role: Role) => Promise<CallResult> }[] = [
    { route: "GET /api/v1/ping", expected: { owner: 200, admin: 200, developer: 200, viewer: 200 }, run: (r) => call(ping, { path: "/api/v1/ping", key: members[r].key.key }) },
    { route: "GET /api/v1/me", expected: { owner: 200, admin: 200, developer: 200, viewer: 200 }, run: (r) => call(me, { path: "/api/v1/me", key: members[r].key.key }) },
    {
      route: "GET /api/v1/organizations/{id}",
      expected: { owner: 200, admin: 200, developer: 200, viewer: 200 },
      run: (r) => call(getOrganization, { path: `/api/v1/organizations/${org.id}`, params: { id: org.id }, key: members[r].key.key }),
    },
    { route: "GET /api/v1/usage-events", expected: { owner: 200, admin: 200, developer: 200, viewer: 200 }, run: (r) => getUsage(members[r].key.key) },
    {
      route: "POST /api/v1/usage-events",
      expected: { owner: 201, admin: 201, developer: 201, viewer: 403 },
      run: (r) => postUsage(members[r].key.key, { metric: "matrix", quantity: 1 }),
    },
    { route: "GET /api/v1/api-keys", expected: { owner: 200, admin: 200, developer: 200, viewer: 200 }, run: (r) => getKeys(members[r].key.key) },
    {
      route: "GET /api/v1/api-keys?scope=organization",
      expected: { owner: 200, admin: 200, developer: 403, viewer: 403 },
      run: (r) => getKeys(members[r].key.key, "?scope=organization"),
    },
    {
      route: "DELETE /api/v1/api-keys/{own key}",
      expected: { owner: 200, admin: 200, developer: 200, viewer: 200 },
      run: async (r) => del(members[r].key.key, (await createKey(org.id, members[r].id)).id),
    },
    {
      route: "DELETE /api/v1/api-keys/{another member's key}",
      expected: { owner: 200, admin: 200, developer: 403, viewer: 403 },
      run: async (r) => del(members[r].key.key, (await createKey(org.id, target.id)).id),
    },
  ];

  it.each(cases.flatMap((c) => ROLES.map((role) => [c.route, role, c] as const)))("%s as %s", async (_route, role, c) => {
    const result = await c.run(role);
    const expected = c.expected[role];
    if (expected === 403) expectApiError(result, 403, "permission_error", "insufficient_permissions");
    else expect(result.status, result.text).toBe(expected);
  });

  it("a viewer's POST /usage-events is refused naming the permission and the role, and records nothing", async () => {
    const before = await db().usageEvent.count({ where: { organizationId: org.id } });
    const error = expectApiError(await postUsage(members.viewer.key.key, { metric: "nope", quantity: 1 }), 403, "permission_error", "insufficient_permissions");
    expect(error.message).toContain("usage:write");
    expect(error.message).toMatch(/viewer/i);
    expect(await db().usageEvent.count({ where: { organizationId: org.id } })).toBe(before);
  });

  it("scope=organization refused to a developer names api_keys:manage and the role", async () => {
    const error = expectApiError(await getKeys(members.developer.key.key, "?scope=organization"), 403, "permission_error", "insufficient_permissions");
    expect(error.message).toContain("api_keys:manage");
    expect(error.message).toMatch(/developer/i);
  });

  it("a role change applies to the member's keys on the very next request", async () => {
    const member = await createMember(org.id, "developer", "changing");
    const key = await createKey(org.id, member.id);
    const owner = { ...actorFor(members.owner.id), role: "owner" as const };
    expect((await postUsage(key.key, { metric: "role", quantity: 1 })).status).toBe(201);

    await changeMemberRole({ organizationId: org.id, membershipId: member.membershipId, role: "viewer", actor: owner });
    expectApiError(await postUsage(key.key, { metric: "role", quantity: 1 }), 403, "permission_error", "insufficient_permissions");
    const meAsViewer = await call(me, { path: "/api/v1/me", key: key.key });
    expect(meAsViewer.json.role).toBe("viewer");
    expect(meAsViewer.json.permissions).not.toContain("usage:write");

    await changeMemberRole({ organizationId: org.id, membershipId: member.membershipId, role: "admin", actor: owner });
    expect((await postUsage(key.key, { metric: "role", quantity: 1 })).status).toBe(201);
    expect((await getKeys(key.key, "?scope=organization")).status).toBe(200);

    await changeMemberRole({ organizationId: org.id, membershipId: member.membershipId, role: "developer", actor: owner });
    expect((await getKeys(key.key, "?scope=organization")).status).toBe(403);
  });
});

describe("usage events", () => {
  it("POST answers 201 with the event, snake_case, livemode included", async () => {
    const timestamp = "2030-01-02T03:04:05.678Z";
    const result = await postUsage(members.developer.key.key, { metric: "api_calls", quantity: 42, customer_id: "cus_123", timestamp });
    expect(result.status, result.text).toBe(201);
    expect(result.json).toEqual({
      id: expect.any(String),
      object: "usage_event",
      livemode: true,
      metric: "api_calls",
      quantity: 42,
      customer_id: "cus_123",
      timestamp,
      created_at: expect.stringMatching(/Z$/),
      api_key_id: members.developer.key.id,
    });
    expect(result.headers.get("x-request-id")).toBeTruthy();
    const row = await db().usageEvent.findUniqueOrThrow({ where: { id: result.json.id } });
    expect(row).toMatchObject({ organizationId: org.id, livemode: true, quantity: 42, customerId: "cus_123" });
    expect(row.timestamp.toISOString()).toBe(timestamp);
  });

  it("POST without a timestamp records now; customer_id defaults to null", async () => {
    const before = Date.now();
    const result = await postUsage(members.developer.key.key, { metric: "now", quantity: 0 });
    expect(result.status).toBe(201);
    expect(result.json.customer_id).toBeNull();
    const at = Date.parse(result.json.timestamp);
    expect(at).toBeGreaterThanOrEqual(before - 1_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1_000);
  });

  it("a test key never sees live events and a live key never sees test events", async () => {
    const local = await createOrganizationWithRoles("Modes Org");
    const live = local.members.developer.key.key;
    const test = (await createKey(local.organization.id, local.members.developer.id, { environment: "staging" })).key;
    const liveEvent = await postUsage(live, { metric: "mode", quantity: 1 });
    const testEvent = await postUsage(test, { metric: "mode", quantity: 2 });
    expect(liveEvent.json.livemode).toBe(true);
    expect(testEvent.json.livemode).toBe(false);

    const liveList = await getUsage(live, "?limit=100");
    const testList = await getUsage(test, "?limit=100");
    expect(liveList.json.data.map((e) => e.id)).toEqual([liveEvent.json.id]);
    expect(testList.json.data.map((e) => e.id)).toEqual([testEvent.json.id]);
    expect(testList.json.data.every((e) => e.livemode === false)).toBe(true);
  });

  it("lists newest first with cursor pagination across pages (ties broken by id, no duplicates, no gaps)", async () => {
    const local = await createOrganizationWithRoles("Pages Org");
    const key = local.members.developer.key.key;
    // Two pairs share a timestamp so that page boundaries fall inside ties.
    const stamps = ["2031-01-07", "2031-01-06", "2031-01-05", "2031-01-05", "2031-01-04", "2031-01-03", "2031-01-03"].map(
      (d) => `${d}T00:00:00.000Z`,
    );
    const created: UsageEventObject[] = [];
    for (const [i, timestamp] of stamps.entries()) created.push((await postUsage(key, { metric: `page_${i}`, quantity: i, timestamp })).json);
    const expected = [...created]
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((e) => e.id);

    const pages: List<UsageEventObject>[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=3${cursor ? `&starting_after=${encodeURIComponent(cursor)}` : ""}`;
      const page = await getUsage(key, query);
      expect(page.status, page.text).toBe(200);
      expect(page.json.object).toBe("list");
      pages.push(page.json);
      cursor = page.json.next_cursor;
      expect(pages.length).toBeLessThanOrEqual(3);
    } while (cursor);

    expect(pages.map((p) => p.data.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.has_more)).toEqual([true, true, false]);
    expect(pages[0]!.next_cursor).toEqual(expect.any(String));
    expect(pages[2]!.next_cursor).toBeNull();
    expect(pages.flatMap((p) => p.data.map((e) => e.id))).toEqual(expected);
  });

  it("a query parameter given twice is 400 invalid_request naming it, whichever value comes first", async () => {
    for (const query of ["?limit=10&limit=1", "?limit=1&limit=50"]) {
      const error = expectApiError(await getUsage(members.viewer.key.key, query), 400, "invalid_request_error", "invalid_request");
      expect(error.issues).toEqual([{ path: "limit", message: "Given more than once", code: "duplicate_parameter" }]);
      expect(error.message).toContain("limit");
    }
  });

  it("a list has exactly {object, data, has_more, next_cursor}", async () => {
    const result = await getUsage(members.viewer.key.key, "?limit=1");
    expect(Object.keys(result.json).sort()).toEqual(["data", "has_more", "next_cursor", "object"]);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=abc", "limit"],
    ["limit=1e1", "limit"],
    ["limit=0x10", "limit"],
    ["limit=", "limit"],
    ["starting_after=not-a-cursor", "starting_after"],
  ])("GET ?%s is 400 invalid_request naming %s", async (query, path) => {
    const error = expectApiError(await getUsage(members.viewer.key.key, `?${query}`), 400, "invalid_request_error", "invalid_request");
    expect(error.issues?.map((i) => i.path)).toContain(path);
  });

  it("a forged cursor (a date PostgreSQL can't hold) is 400 invalid_request on both lists, not a 500", async () => {
    const forged = Buffer.from(JSON.stringify(["-271821-04-20T00:00:00.000Z", "x"])).toString("base64url");
    for (const result of [await getUsage(members.owner.key.key, `?starting_after=${forged}`), await getKeys(members.owner.key.key, `?starting_after=${forged}`)]) {
      const error = expectApiError(result, 400, "invalid_request_error", "invalid_request");
      expect(error.issues?.map((i) => i.path)).toContain("starting_after");
    }
  });

  it("an invalid body is 400 invalid_request listing every issue with its path, and records nothing", async () => {
    const before = await db().usageEvent.count({ where: { organizationId: org.id } });
    const result = await postUsage(members.developer.key.key, { metric: "has spaces!", quantity: -1, timestamp: "yesterday", surprise: true });
    const error = expectApiError(result, 400, "invalid_request_error", "invalid_request");
    const paths = error.issues!.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["metric", "quantity", "timestamp"]));
    expect(error.issues!.some((i) => i.code === "unrecognized_keys" || i.message.includes("surprise"))).toBe(true);
    for (const issue of error.issues!) expect(issue.message).toEqual(expect.any(String));
    expect(await db().usageEvent.count({ where: { organizationId: org.id } })).toBe(before);
  });

  it.each([
    ["a string quantity", { metric: "m", quantity: "5" }, "quantity"],
    ["a fractional quantity", { metric: "m", quantity: 1.5 }, "quantity"],
    ["a missing metric", { quantity: 1 }, "metric"],
  ])("%s is 400 naming the field", async (_label, body, path) => {
    const error = expectApiError(await postUsage(members.developer.key.key, body), 400, "invalid_request_error", "invalid_request");
    expect(error.issues!.map((i) => i.path)).toContain(path);
  });

  it("a body that is not JSON, or empty, is 400 invalid_request", async () => {
    expectApiError(await postUsage(members.developer.key.key, "{not json"), 400, "invalid_request_error", "invalid_request");
    expectApiError(await postUsage(members.developer.key.key, ""), 400, "invalid_request_error", "invalid_request");
  });

  it("Idempotency-Key: the same body returns the same event (201); another body is 400 idempotency_error", async () => {
    const headers = { "Idempotency-Key": `idem-${randomIp()}-${Date.now()}` };
    const body = { metric: "idem", quantity: 7, customer_id: "cus_idem" };
    const first = await postUsage(members.developer.key.key, body, headers);
    const second = await postUsage(members.developer.key.key, body, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json.id).toBe(first.json.id);
    expect(second.json).toEqual(first.json);
    expect(await db().usageEvent.count({ where: { organizationId: org.id, idempotencyKey: headers["Idempotency-Key"] } })).toBe(1);

    // Another key of the same organization and mode retrying the same request gets the same event.
    const third = await postUsage(members.admin.key.key, body, headers);
    expect(third.json.id).toBe(first.json.id);

    const conflict = await postUsage(members.developer.key.key, { ...body, quantity: 8 }, headers);
    expectApiError(conflict, 400, "idempotency_error", "idempotency_error");
    expect(await db().usageEvent.count({ where: { organizationId: org.id, idempotencyKey: headers["Idempotency-Key"] } })).toBe(1);
  });

  it("Idempotency-Key: concurrent retries create one event", async () => {
    const headers = { "Idempotency-Key": `race-${Date.now()}-${Math.random()}` };
    const results = await Promise.all(Array.from({ length: 5 }, () => postUsage(members.developer.key.key, { metric: "race", quantity: 1 }, headers)));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
  });

  it("Idempotency-Key is scoped by mode: a test key's request is a different event", async () => {
    const headers = { "Idempotency-Key": `mode-${Date.now()}-${Math.random()}` };
    const test = await createKey(org.id, members.developer.id, { environment: "development" });
    const live = await postUsage(members.developer.key.key, { metric: "scoped", quantity: 1 }, headers);
    const testMode = await postUsage(test.key, { metric: "scoped", quantity: 1 }, headers);
    expect(live.status).toBe(201);
    expect(testMode.status).toBe(201);
    expect(testMode.json.id).not.toBe(live.json.id);
    expect(testMode.json.livemode).toBe(false);
  });

  it("an Idempotency-Key that isn't visible ASCII is 400 invalid_request", async () => {
    expectApiError(
      await postUsage(members.developer.key.key, { metric: "m", quantity: 1 }, { "Idempotency-Key": "has space" }),
      400,
      "invalid_request_error",
      "invalid_request",
    );
  });
});

describe("api keys", () => {
  it("lists the caller's own keys by default, never with a secret or hash", async () => {
    const extra = await createKey(org.id, members.developer.id, { name: "second developer key" });
    const result = await getKeys(members.developer.key.key, "?limit=100");
    expect(result.status).toBe(200);
    expect(result.json.object).toBe("list");
    const ids = result.json.data.map((k) => k.id);
    expect(ids).toEqual(expect.arrayContaining([members.developer.key.id, extra.id]));
    expect(result.json.data.every((k) => k.owner.id === members.developer.id)).toBe(true);
    expect(ids).not.toContain(members.admin.key.id);
    const item = result.json.data.find((k) => k.id === extra.id)!;
    expect(item).toMatchObject({
      object: "api_key",
      name: "second developer key",
      environment: "production",
      livemode: true,
      prefix: "sk_live_",
      last4: extra.key.slice(-4),
      owner: { id: members.developer.id, name: members.developer.name, email: members.developer.email },
      revoked_at: null,
      last_used_at: null,
      expires_at: null,
    });
    expect(item.created_at).toEqual(expect.any(String));
    for (const k of result.json.data) expect(Object.keys(k)).not.toEqual(expect.arrayContaining(["hash"]));
    const hashes = (await db().apiKey.findMany({ where: { organizationId: org.id }, select: { hash: true } })).map((k) => k.hash);
    expectNoSecrets(result, hashes);
  });

  it.each(["owner", "admin"] as const)("lists every member's keys with scope=organization for an %s", async (role) => {
    const result = await getKeys(members[role].key.key, "?scope=organization&limit=100");
    expect(result.status).toBe(200);
    const ids = result.json.data.map((k) => k.id);
    for (const r of ROLES) expect(ids).toContain(members[r].key.id);
    expect(ids).not.toContain(other.key.id);
    expectNoSecrets(result);
  });

  it("rejects an unknown scope with 400", async () => {
    expectApiError(await getKeys(members.owner.key.key, "?scope=everything"), 400, "invalid_request_error", "invalid_request");
  });

  it("paginates keys with a cursor", async () => {
    const member = await createMember(org.id, "developer", "many keys");
    const made: string[] = [];
    for (let i = 0; i < 6; i++) made.push((await createKey(org.id, member.id, { name: `k${i}` })).id);
    const callerKey = await createKey(org.id, member.id, { name: "listing key" });
    made.push(callerKey.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: CallResult<List<ApiKeyObject>> = await getKeys(callerKey.key, `?limit=3${cursor ? `&starting_after=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      seen.push(...page.json.data.map((k) => k.id));
      cursor = page.json.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(made));
  });

  it("DELETE of one's own key answers 200 with revoked_at; the key then gets 401 revoked_api_key at once", async () => {
    const own = await createKey(org.id, members.developer.id);
    expect((await call(ping, { path: "/api/v1/ping", key: own.key })).status).toBe(200); // cached now
    const ip = randomIp();
    const result = await call<ApiKeyObject, { id: string }>(deleteApiKey, {
      method: "DELETE",
      path: `/api/v1/api-keys/${own.id}`,
      params: { id: own.id },
      key: members.developer.key.key,
      ip,
    });
    expect(result.status, result.text).toBe(200);
    expect(result.json).toMatchObject({ id: own.id, object: "api_key", revoked_at: expect.any(String) });
    expect(Date.parse(result.json.revoked_at!)).toBeGreaterThan(Date.now() - 60_000);
    expectNoSecrets(result);

    const after = await call(ping, { path: "/api/v1/ping", key: own.key });
    expectApiError(after, 401, "authentication_error", "revoked_api_key");

    const audit = await db().auditEvent.findFirst({ where: { organizationId: org.id, action: "api_key.revoked", targetId: own.id } });
    expect(audit).toMatchObject({ actorUserId: members.developer.id, actorApiKeyId: members.developer.key.id, ip, userAgent: expect.any(String) });
  });

  it("a key can revoke itself, and is refused from the next request on", async () => {
    const self = await createKey(org.id, members.viewer.id);
    expect((await del(self.key, self.id)).status).toBe(200);
    expectApiError(await call(ping, { path: "/api/v1/ping", key: self.key }), 401, "authentication_error", "revoked_api_key");
  });

  it("a developer can't revoke another member's key (403); an admin can revoke any (200)", async () => {
    const victim = await createKey(org.id, members.viewer.id);
    expectApiError(await del(members.developer.key.key, victim.id), 403, "permission_error", "insufficient_permissions");
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: victim.id } })).revokedAt).toBeNull();
    expect((await call(ping, { path: "/api/v1/ping", key: victim.key })).status).toBe(200);

    const revoked = await del(members.admin.key.key, victim.id);
    expect(revoked.status).toBe(200);
    expect(revoked.json.revoked_at).toEqual(expect.any(String));
    expectApiError(await call(ping, { path: "/api/v1/ping", key: victim.key }), 401, "authentication_error", "revoked_api_key");
  });

  it("DELETE of another organization's key id (or an unknown id) is 404 and changes nothing", async () => {
    for (const id of [other.key.id, "key_does_not_exist"]) {
      expectApiError(await del(members.owner.key.key, id), 404, "invalid_request_error", "resource_missing");
    }
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: other.key.id } })).revokedAt).toBeNull();
    expect((await call(ping, { path: "/api/v1/ping", key: other.key.key })).status).toBe(200);
  });

  it("DELETE of an already revoked key is a 4xx error, not a second revocation", async () => {
    const twice = await createKey(org.id, members.owner.id);
    expect((await del(members.owner.key.key, twice.id)).status).toBe(200);
    const before = await db().apiKey.findUniqueOrThrow({ where: { id: twice.id } });
    const again = await del(members.owner.key.key, twice.id);
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
    expect(again.json.error).toBeDefined();
    const after = await db().apiKey.findUniqueOrThrow({ where: { id: twice.id } });
    expect(after.revokedAt).toEqual(before.revokedAt);
  });
});

describe("POST /api/v1/api-keys/exposed", () => {
  it("always answers 202 with the same body; an active key is revoked (reason exposed, audited) and refused at once", async () => {
    const active = await createKey(org.id, members.developer.id);
    const alreadyRevoked = await createKey(org.id, members.developer.id);
    await del(members.developer.key.key, alreadyRevoked.id);
    expect((await call(ping, { path: "/api/v1/ping", key: active.key })).status).toBe(200); // cached now

    const results = [
      await report({ key: active.key }),
      await report({ key: generateApiKey("live").key }),
      await report({ key: "sk_live_definitely-not-a-key" }),
      await report({ key: "" }),
      await report({ key: alreadyRevoked.key }),
    ];
    for (const result of results) {
      expect(result.status, result.text).toBe(202);
      expect(result.text).toBe(results[0]!.text);
      expect(result.headers.get("x-request-id")).toBeTruthy();
      expect(result.text).not.toMatch(SECRET);
    }

    const row = await db().apiKey.findUniqueOrThrow({ where: { id: active.id } });
    expect(row.revokedAt).toBeInstanceOf(Date);
    expect(row.revokeReason).toBe("exposed");
    const audit = await db().auditEvent.findFirst({ where: { organizationId: org.id, action: "api_key.revoked", targetId: active.id } });
    expect(audit).not.toBeNull();
    expect(audit!.metadata).toMatchObject({ reason: "exposed" });
    expectApiError(await call(ping, { path: "/api/v1/ping", key: active.key }), 401, "authentication_error", "revoked_api_key");

    // The already revoked key keeps its original revocation.
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: alreadyRevoked.id } })).revokeReason).not.toBe("exposed");
  });

  it("is rate-limited per address", async () => {
    const ip = randomIp();
    await report({ key: "warm-up" }, ip);
    let limited: CallResult | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const result = await report({ key: generateApiKey("test").key }, ip);
      if (result.status === 429) limited = result;
      else expect(result.status).toBe(202);
    }
    expect(limited, "a 429 within 60 reports").toBeDefined();
    expectApiError(limited!, 429, "rate_limit_error", "rate_limited");
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await report({ key: generateApiKey("test").key })).status).toBe(202);
  });
});

describe("secrets never reach a log", () => {
  const spies: ReturnType<typeof vi.spyOn>[] = [];
  afterEach(() => {
    for (const spy of spies.splice(0)) spy.mockRestore();
  });

  it("creating, using, failing with and reporting a key logs no secret", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      spies.push(vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" "))));
    }
    const key = await createKey(org.id, members.developer.id);
    await call(ping, { path: "/api/v1/ping", key: key.key });
    await postUsage(key.key, { metric: "log", quantity: 1 });
    await call(ping, { path: "/api/v1/ping", key: key.key.slice(0, -1) + (key.key.endsWith("A") ? "B" : "A") });
    await call(ping, { path: "/api/v1/ping", authorization: `Basic ${key.key}` });
    await report({ key: key.key });
    await call(ping, { path: "/api/v1/ping", key: key.key });
    const logged = lines.join("\n");
    expect(logged).not.toContain(key.key);
    expect(logged).not.toContain(key.key.slice(8));
    expect(logged).not.toContain(hashKey(key.key));
  });
});

describe("documents and unknown routes", () => {
  const SPEC_ROUTES: [string, string][] = [
    ["get", "/api/v1/ping"],
    ["get", "/api/v1/me"],
    ["get", "/api/v1/organizations/{id}"],
    ["get", "/api/v1/usage-events"],
    ["post", "/api/v1/usage-events"],
    ["get", "/api/v1/api-keys"],
    ["delete", "/api/v1/api-keys/{id}"],
    ["post", "/api/v1/api-keys/exposed"],
  ];

  type OpenApi = {
    openapi: string;
    paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    components: { securitySchemes: Record<string, { type: string; scheme: string }> };
  };

  it("GET /api/v1/openapi.json is OpenAPI 3.1.0 describing every /api/v1 route of the spec", async () => {
    const result = await call<OpenApi>(openapi, { path: "/api/v1/openapi.json" });
    expect(result.status).toBe(200);
    expect(result.headers.get("x-request-id")).toBeTruthy();
    expect(result.json.openapi).toBe("3.1.0");
    expect(Object.values(result.json.components.securitySchemes)).toContainEqual(expect.objectContaining({ type: "http", scheme: "bearer" }));
    for (const [method, path] of SPEC_ROUTES) {
      const operation = result.json.paths[path]?.[method];
      expect(operation, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(Object.keys(operation!.responses).length).toBeGreaterThan(0);
    }
    expect(result.json.paths["/api/v1/api-keys/exposed"]!.post!.security).toEqual([]);
    expect(result.json.paths["/api/v1/me"]!.get!.security).toEqual([{ bearerAuth: [] }]);
    expect(result.json.paths["/api/v1/me"]!.get!.responses).toHaveProperty("401");
  });

  it("GET /api/v1/openapi.json also describes the health routes of the spec's table", async () => {
    const result = await call<OpenApi>(openapi, { path: "/api/v1/openapi.json" });
    for (const path of ["/api/health", "/api/health/ready"]) {
      expect(result.json.paths[path]?.get, `GET ${path}`).toBeDefined();
    }
  });

  it("an unknown /api/v1 path answers a 404 JSON error", async () => {
    for (const [handler, method] of [
      [notFound, "GET"],
      [notFoundPost, "POST"],
    ] as const) {
      const result = await call(handler, { method, path: "/api/v1/does-not-exist/1", params: { path: ["does-not-exist", "1"] }, key: members.owner.key.key });
      expectApiError(result, 404, "invalid_request_error", "resource_missing");
      expect(result.headers.get("content-type")).toMatch(/^application\/json/);
    }
  });
});
