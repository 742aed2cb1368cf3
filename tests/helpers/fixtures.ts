import { randomBytes, randomInt } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, expect } from "vitest";
import { descriptionOf } from "@/lib/http/route";
import type { AuditActor } from "@/lib/domain/audit/events";
import { hashApiKey } from "@/lib/domain/api-keys/format";
import { db, ensureDatabase, ensureInvalidationListener, runtime } from "@/lib/platform/runtime";
import { createApiKey } from "@/lib/domain/api-keys/store";
import type { Environment } from "@/lib/domain/api-keys/schemas";
import type { Permission, Role } from "@/lib/domain/permissions";

// Test data through the real lib. Every name, slug and email carries a random suffix: on
// PostgreSQL every test file shares one database, concurrently.

export function suffix(): string {
  return randomBytes(5).toString("hex");
}

/** A random private address, so that each request's auth failures count against their own client. */
export function randomIp(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

/** The hash the process's runtime stores for (and looks up by) a key. */
export function hashKey(key: string): string {
  return hashApiKey(key, runtime().env.apiKeyHashSecret);
}

export const TEST_USER_AGENT = "paygentic-tests/1.0";

export type TestOrganization = { id: string; name: string; slug: string };
export type TestUser = { id: string; email: string; name: string };
export type TestMember = TestUser & { membershipId: string; role: Role };
export type TestKey = { key: string; id: string; environment: Environment; name: string };

export async function createOrganization(name = "Test Org"): Promise<TestOrganization> {
  const s = suffix();
  return db().organization.create({
    data: { name: `${name} ${s}`, slug: `org-${s}` },
    select: { id: true, name: true, slug: true },
  });
}

export async function createUser(name = "Test User"): Promise<TestUser> {
  const s = suffix();
  // Nobody signs in as these users: a placeholder hash keeps the fixtures fast (no bcrypt).
  return db().user.create({
    data: { name: `${name} ${s}`, email: `user-${s}@example.test`, passwordHash: "!" },
    select: { id: true, email: true, name: true },
  });
}

export async function addMember(organizationId: string, user: TestUser, role: Role): Promise<TestMember> {
  const membership = await db().membership.create({ data: { organizationId, userId: user.id, role }, select: { id: true } });
  return { ...user, membershipId: membership.id, role };
}

export async function createMember(organizationId: string, role: Role, name?: string): Promise<TestMember> {
  return addMember(organizationId, await createUser(name ?? `${role} user`), role);
}

export function actorFor(userId: string, extra: Partial<Omit<AuditActor, "userId">> = {}): AuditActor & { userId: string } {
  return { userId, ip: "203.0.113.7", userAgent: TEST_USER_AGENT, ...extra };
}

/** A key made by the real createApiKey: the plaintext is returned exactly once, here. */
export async function createKey(
  organizationId: string,
  userId: string,
  options: {
    environment?: Environment;
    name?: string;
    description?: string;
    actor?: AuditActor;
    expiresAt?: Date | null;
    restrictions?: Permission[] | null;
  } = {},
): Promise<TestKey> {
  const environment = options.environment ?? "production";
  const name = options.name ?? `key ${suffix()}`;
  const created = await createApiKey({
    organizationId,
    userId,
    input: { name, environment, description: options.description },
    expiresAt: options.expiresAt,
    restrictions: options.restrictions,
    actor: options.actor ?? actorFor(userId),
  });
  return { key: created.key, id: created.apiKey.id, environment, name };
}

export type RoleSet = Record<Role, TestMember & { key: TestKey }>;

/** An organization with one member of each role, each holding one production key. */
export async function createOrganizationWithRoles(name?: string): Promise<{ organization: TestOrganization; members: RoleSet }> {
  const organization = await createOrganization(name);
  const roles: Role[] = ["owner", "admin", "developer", "viewer"];
  const entries = await Promise.all(
    roles.map(async (role) => {
      const member = await createMember(organization.id, role);
      const key = await createKey(organization.id, member.id, { name: `${role} key` });
      return [role, { ...member, key }] as const;
    }),
  );
  return { organization, members: Object.fromEntries(entries) as RoleSet };
}

// ---------------------------------------------------------------------------------------------
// Calling route handlers the way Next does.

type Handler<P> = (request: NextRequest, context: { params: Promise<P> }) => Response | Promise<Response>;

export type CallOptions<P> = {
  method?: string;
  /** Path and query, e.g. "/api/v1/usage-events?limit=3". */
  path: string;
  params?: P;
  /** Sent as `Authorization: Bearer <key>` unless `authorization` is given. */
  key?: string;
  /** The raw Authorization header; `null` sends none. */
  authorization?: string | null;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** X-Forwarded-For; a random address unless given. */
  ip?: string;
};

export type CallResult<T = unknown> = {
  status: number;
  headers: Headers;
  text: string;
  json: T;
};

export const ORIGIN = "http://localhost:3000";

export function buildRequest<P>(options: CallOptions<P>): NextRequest {
  const headers = new Headers({ "user-agent": TEST_USER_AGENT, "x-forwarded-for": options.ip ?? randomIp() });
  if (options.authorization !== undefined) {
    if (options.authorization !== null) headers.set("authorization", options.authorization);
  } else if (options.key !== undefined) {
    headers.set("authorization", `Bearer ${options.key}`);
  }
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  return new NextRequest(new URL(options.path, ORIGIN), { method: options.method ?? "GET", headers, body });
}

/** Calls an exported GET/POST/DELETE with `{ params: Promise<P> }`; returns status, headers and parsed JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the JSON of a response is checked by the test that reads it
export async function call<T = any, P = Record<string, never>>(handler: Handler<P>, options: CallOptions<P>): Promise<CallResult<T>> {
  const response = await handler(buildRequest(options), { params: Promise.resolve((options.params ?? {}) as P) });
  const text = await response.text();
  let json: T;
  try {
    json = (text ? JSON.parse(text) : null) as T;
  } catch {
    throw new Error(`${options.method ?? "GET"} ${options.path}: ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  // Every success any test sees must be what the endpoint's description promises (and the
  // OpenAPI document publishes).
  const endpoint = descriptionOf(handler);
  if (endpoint && response.status >= 200 && response.status < 300) {
    const parsed = endpoint.response.schema.safeParse(json);
    if (!parsed.success) {
      throw new Error(`${endpoint.method} ${endpoint.path}: a ${response.status} that doesn't match its response schema: ${parsed.error.message}\n${text.slice(0, 500)}`);
    }
  }
  return { status: response.status, headers: response.headers, text, json };
}

export type ApiErrorBody = {
  error: { type: string; code: string; message: string; request_id: string; doc_url?: string; issues?: { path: string; message: string; code: string }[] };
};

/** Asserts the error model: status, type, code, request id in body and header. Returns the error. */
export function expectApiError(result: CallResult, status: number, type: string, code: string): ApiErrorBody["error"] {
  expect(result.status, result.text).toBe(status);
  const body = result.json as ApiErrorBody;
  expect(body.error, result.text).toMatchObject({ type, code });
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(body.error.request_id).toBeTruthy();
  expect(result.headers.get("x-request-id")).toBe(body.error.request_id);
  return body.error;
}

/** Waits for `check` to return true (polling), or fails after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// ---------------------------------------------------------------------------------------------
// One database per test file (PGlite) or one shared database (PostgreSQL), opened and closed once.

export function setupTestDatabase(): void {
  beforeAll(async () => {
    await ensureDatabase();
  });
  afterAll(async () => {
    // Pending last-used writes now (not by the background timer after the database is gone), then
    // the listener and the database.
    await runtime().close();
  });
}

/**
 * On PostgreSQL the verification cache stays off until this instance listens for other
 * instances' invalidations; tests about caching wait for that.
 */
export async function waitForCacheEnabled(): Promise<void> {
  ensureInvalidationListener();
  await waitFor(() => runtime().keyCache.isEnabled(), 10_000, "the verification cache to be enabled");
}
