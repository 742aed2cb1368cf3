import type { NextRequest } from "next/server";
import type { z } from "zod";
import { blockedForMs, countRequest, ensureDatabase, recordAuthFailure, recordKeyUse, runtime, verifyApiKey } from "@/lib/platform/runtime";
import { missingPermissionCause } from "@/lib/domain/api-keys/rules";
import { type VerifiedKey } from "@/lib/domain/api-keys/verify";
import { ROLE_LABELS, type Permission } from "@/lib/domain/permissions";
import { isRateLimited } from "@/lib/platform/rate-limit";
import { addressKey, clientIp, userAgent } from "@/lib/platform/request-info";
import { requestId as makeRequestId } from "@/lib/http/request-id";
import { HTTP_METHODS, type DescribedEndpoint, type Endpoint, type HttpMethod, type RouteDescription } from "./endpoint";
import { ApiError, errorResponse, invalidRequest } from "./errors";
import { fromDomainError, serviceUnavailable, toErrorResponse } from "./error-mapper";

export { toErrorResponse };
import { readJson, searchParamsObject } from "./request";

// The one wrapper for route handlers: `export const { GET, POST, PUT, PATCH, DELETE } =
// route(API.x, { GET: (ctx) => … })`. From the endpoint's description it answers 405 for the
// methods not described, verifies the key and the permission, parses params, query, headers and
// body, and answers every thrown error through error-mapper.ts; handlers return the success body.

type Parsed<E, K extends string, Fallback> = E extends { [P in K]: infer S extends z.ZodType } ? z.output<S> : Fallback;

export type ApiContext<E extends Endpoint> = {
  request: NextRequest;
  requestId: string;
  ip: string;
  key: E extends { auth: true } ? VerifiedKey : undefined;
  params: Parsed<E, "params", Record<string, never>>;
  query: Parsed<E, "query", Record<string, never>>;
  headers: Parsed<E, "headers", Record<string, never>>;
  body: Parsed<E, "body", undefined>;
  /** Added to the success response, e.g. Idempotent-Replayed. */
  responseHeaders: Headers;
};

/** The success body, which the description's response schema types; a Response only where the answer isn't JSON of that schema (readiness' 503). */
export type Reply<E extends Endpoint> = z.input<E["response"]["schema"]> | Response;

export type Handler<E extends Endpoint> = (context: ApiContext<E>) => Reply<E> | Promise<Reply<E>>;

/** What Next calls: `context` is absent for routes without dynamic segments in some callers. */
export type RouteHandler = (request: NextRequest, context?: { params: Promise<unknown> }) => Promise<Response>;

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token, the scheme case-insensitive (RFC 7235).
// Exactly one token: anything after it (another token, a comma-separated parameter) is refused.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

export function parseAuthorization(header: string | null): { token: string } | "missing" | "malformed" {
  if (header === null || header.trim() === "") return "missing";
  const match = BEARER.exec(header.trim());
  return match?.[1] ? { token: match[1] } : "malformed";
}

const AUTH_MESSAGES = {
  malformed_api_key:
    "The Authorization header must be `Bearer <key>` with one Paygentic key (sk_live_… or sk_test_…). This one is not: check you copied the whole key.",
  invalid_api_key: "This API key is not recognised. Check that you copied the whole key and that it belongs to this environment.",
} as const;

/** For unauthenticated handlers that need the database: an unreachable one is a 503, never a 202. */
export async function withDatabase<T>(fn: () => Promise<T>): Promise<T> {
  try {
    await ensureDatabase();
  } catch {
    throw serviceUnavailable();
  }
  return fn();
}

function rateLimited(ms: number, what: string): ApiError {
  const seconds = Math.ceil(ms / 1000);
  return new ApiError("rate_limited", `Too many ${what} from your address. Retry in ${seconds} seconds${what === "failed authentications" ? " with a valid key" : ""}.`, {
    headers: { "Retry-After": String(seconds) },
  });
}

/** `counted.keyId` is set as soon as the key is known (a refused revoked or expired key too): its requests are counted. */
async function authenticate(request: NextRequest, ip: string, counted: { keyId?: string }): Promise<VerifiedKey> {
  const wait = blockedForMs(ip);
  // A blocked address is refused before any look-up, valid key or not: it is the guessing that is
  // limited, and answering 200 for a lucky guess would defeat the limit.
  if (wait > 0) throw rateLimited(wait, "failed authentications");
  const parsed = parseAuthorization(request.headers.get("authorization"));
  if (parsed === "missing") {
    throw new ApiError("missing_api_key", "No API key. Send it as `Authorization: Bearer sk_live_…`; create one in Settings → API Keys.");
  }
  // verifyApiKey checks shape and checksum before any I/O: a typo is a 401 even during an outage.
  const result = parsed === "malformed" ? ({ ok: false, code: "malformed_api_key" } as const) : await verifyApiKey(parsed.token);
  if (result.ok) return result.key;
  if (result.code === "unavailable") throw serviceUnavailable();
  if ("key" in result) counted.keyId = result.key.keyId;
  const blocked = await recordAuthFailure(ip);
  if (blocked > 0) throw rateLimited(blocked, "failed authentications");
  switch (result.code) {
    case "revoked_api_key":
      throw new ApiError(
        "revoked_api_key",
        `This API key was revoked at ${result.revokedAt.toISOString()}. Create a new key in Settings → API Keys and update your application.`,
      );
    case "expired_api_key":
      throw new ApiError(
        "expired_api_key",
        !result.rolledToLast4
          ? `This API key expired at ${result.expiredAt.toISOString()}. Create a new key in Settings → API Keys.`
          : result.rolledToRevoked
            ? `This API key was rolled and stopped working at ${result.expiredAt.toISOString()}. Its replacement, the key ending in ${result.rolledToLast4}, has been revoked too: create a new key in Settings → API Keys.`
            : `This API key was rolled and stopped working at ${result.expiredAt.toISOString()}. Use its replacement, the key ending in ${result.rolledToLast4}.`,
      );
    default:
      throw new ApiError(result.code, AUTH_MESSAGES[result.code]);
  }
}

function checkPermission(key: VerifiedKey, permission: Permission | undefined): void {
  if (!permission || key.permissions.has(permission)) return;
  if (missingPermissionCause(key.role, key.restrictions, permission) === "restriction") {
    throw new ApiError(
      "insufficient_permissions",
      `This route needs the ${permission} permission. The key is restricted to ${key.restrictions!.join(", ")}, which doesn't include it (its owner's role, ${ROLE_LABELS[key.role]}, does). Use a key with that permission, or create one in Settings → API Keys.`,
    );
  }
  throw new ApiError(
    "insufficient_permissions",
    `This route needs the ${permission} permission. The key belongs to ${key.user.email}, whose role in ${key.organization.name} is ${ROLE_LABELS[key.role]}, which doesn't include it. Ask an organization admin for a role that does; the key follows the new role at once.`,
  );
}

// One limiter per endpoint and runtime (the runtime keeps it): on PostgreSQL it counts there, across instances.
async function consumeRateLimit(endpoint: DescribedEndpoint, ip: string): Promise<void> {
  if (!endpoint.rateLimit) return;
  const limiter = runtime().limiter({ keyPrefix: `${endpoint.method} ${endpoint.path}`, ...endpoint.rateLimit });
  try {
    await limiter.consume(addressKey(ip));
  } catch (error) {
    if (!isRateLimited(error)) throw error;
    throw rateLimited(error.msBeforeNext, "requests");
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: "query" | "headers" | "body"): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidRequest(result.error, where);
  return result.data;
}

function headerValues(request: NextRequest, schema: z.ZodObject): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = request.headers.get(name);
    if (value !== null) values[name] = value;
  }
  return values;
}

function json(body: unknown, status: number, cacheControl: string, extra: Headers): Response {
  const headers = new Headers(extra);
  headers.set("Content-Type", "application/json");
  headers.set("Cache-Control", cacheControl);
  return new Response(JSON.stringify(body), { status, headers });
}

function serve(endpoint: DescribedEndpoint, handler: Handler<Endpoint>): RouteHandler {
  return async function handle(request, context) {
    const id = makeRequestId(request);
    const ip = clientIp(request.headers);
    let key: VerifiedKey | undefined;
    // The key whose request this is, once known: every answer to it is counted by its final status
    // (a Map increment; the counts are written in batches, lib/domain/api-keys/request-counts.ts).
    const counted: { keyId?: string } = {};
    try {
      if (endpoint.auth) {
        key = await authenticate(request, ip, counted);
        counted.keyId = key.keyId;
        checkPermission(key, endpoint.permission);
        recordKeyUse(key.keyId, ip, userAgent(request.headers));
      }
      await consumeRateLimit(endpoint, ip);
      let params: unknown = (await context?.params) ?? {};
      if (endpoint.params) {
        const result = endpoint.params.safeParse(params);
        if (!result.success) throw new ApiError("resource_missing", endpoint.notFound ?? "No such object in your organization. Check the path.");
        params = result.data;
      }
      const query = endpoint.query ? parse(endpoint.query, searchParamsObject(request), "query") : {};
      const headers = endpoint.headers ? parse(endpoint.headers, headerValues(request, endpoint.headers), "headers") : {};
      const body = endpoint.body ? parse(endpoint.body, await readJson(request), "body") : undefined;
      const responseHeaders = new Headers();
      const reply = await handler({ request, requestId: id, ip, key, params, query, headers, body, responseHeaders } as ApiContext<Endpoint>);
      const response = reply instanceof Response ? reply : json(reply, endpoint.response.status, endpoint.response.cacheControl ?? "no-store", responseHeaders);
      response.headers.set("X-Request-Id", id);
      if (counted.keyId) countRequest(counted.keyId, response.status);
      return response;
    } catch (error) {
      const mapped = fromDomainError(error);
      const response = toErrorResponse(mapped, id, request.nextUrl.origin);
      if (counted.keyId) countRequest(counted.keyId, response.status, mapped instanceof ApiError ? mapped.code : undefined);
      return response;
    }
  };
}

function methodNotAllowed(allow: string): RouteHandler {
  return async function notAllowed(request) {
    return errorResponse(
      new ApiError("method_not_allowed", `${request.method} is not supported on ${request.nextUrl.pathname}. Use ${allow}.`, {
        headers: { Allow: allow },
      }),
      makeRequestId(request),
      request.nextUrl.origin,
    );
  };
}

const DESCRIPTIONS = new WeakMap<RouteHandler, DescribedEndpoint>();

/** The description a route handler was made from (tests parse its successes with the response schema). */
export function descriptionOf(handler: unknown): DescribedEndpoint | undefined {
  return typeof handler === "function" ? DESCRIPTIONS.get(handler as RouteHandler) : undefined;
}

/**
 * Binds handlers to a route's description: one handler per described method (the type requires
 * each, and no other), a JSON 405 with Allow for the rest. Export all five from the route file.
 */
export function route<R extends RouteDescription>(
  description: R,
  handlers: NoInfer<{ [M in keyof R["methods"]]-?: Handler<Extract<R["methods"][M], Endpoint>> }>,
): Record<HttpMethod, RouteHandler> {
  const allow = HTTP_METHODS.filter((method) => description.methods[method]).join(", ");
  const bound = handlers as Partial<Record<HttpMethod, Handler<Endpoint>>>;
  const exported = {} as Record<HttpMethod, RouteHandler>;
  for (const method of HTTP_METHODS) {
    const endpoint = description.methods[method];
    const handler = bound[method];
    if (!endpoint || !handler) {
      exported[method] = methodNotAllowed(allow);
      continue;
    }
    const described = { ...endpoint, method, path: description.path };
    exported[method] = serve(described, handler);
    DESCRIPTIONS.set(exported[method], described);
  }
  return exported;
}
