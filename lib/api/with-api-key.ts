import type { NextRequest } from "next/server";
import { recordKeyUse } from "@/lib/api-keys/last-used";
import { verifyApiKey, VerificationUnavailableError, type VerifiedKey } from "@/lib/api-keys/verify";
import { ensureDatabase } from "@/lib/db";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { ROLE_LABELS, type Permission } from "@/lib/permissions";
import { clientIp, userAgent } from "@/lib/request-info";
import { requestId as makeRequestId } from "@/lib/request-id";
import { blockedForMs, recordAuthFailure } from "./auth-failures";
import { ApiError, errorResponse } from "./errors";

export type ApiContext<P> = {
  key: VerifiedKey;
  params: P;
  requestId: string;
  ip: string;
};

type RouteContext<P> = { params: Promise<P> };

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

export async function withDatabase<T>(fn: () => Promise<T>): Promise<T> {
  try {
    await ensureDatabase();
  } catch (error) {
    throw new VerificationUnavailableError(error instanceof Error ? error.message : String(error));
  }
  return fn();
}

async function authenticate(request: NextRequest, ip: string): Promise<VerifiedKey> {
  const parsed = parseAuthorization(request.headers.get("authorization"));
  if (parsed === "missing") {
    throw new ApiError("missing_api_key", "No API key. Send it as `Authorization: Bearer sk_live_…`; create one in Settings → API Keys.");
  }
  // verifyApiKey checks shape and checksum before any I/O: a typo is a 401 even during an outage.
  const result = parsed === "malformed" ? ({ ok: false, code: "malformed_api_key" } as const) : await verifyApiKey(parsed.token);
  if (result.ok) return result.key;
  const wait = await recordAuthFailure(ip);
  if (wait > 0) throw rateLimited(wait);
  switch (result.code) {
    case "revoked_api_key":
      throw new ApiError(
        "revoked_api_key",
        `This API key was revoked at ${result.revokedAt.toISOString()}. Create a new key in Settings → API Keys and update your application.`,
      );
    case "expired_api_key":
      throw new ApiError("expired_api_key", `This API key expired at ${result.expiredAt.toISOString()}. Create a new key in Settings → API Keys.`);
    default:
      throw new ApiError(result.code, AUTH_MESSAGES[result.code]);
  }
}

function rateLimited(ms: number): ApiError {
  const seconds = Math.ceil(ms / 1000);
  return new ApiError("rate_limited", `Too many failed authentications from your address. Retry in ${seconds} seconds with a valid key.`, {
    headers: { "Retry-After": String(seconds) },
  });
}

/** Maps anything a handler throws to the error model; never a stack trace, never a 200 by accident. */
export function toErrorResponse(error: unknown, id: string, origin: string): Response {
  if (error instanceof ApiError) return errorResponse(error, id, origin);
  if (isDatabaseUnavailable(error)) {
    return errorResponse(
      new ApiError("service_unavailable", "The service can't reach its database right now, so nothing was done. Retry in a few seconds.", {
        headers: { "Retry-After": "5" },
      }),
      id,
      origin,
    );
  }
  console.error(`[api] ${id} unhandled error: ${error instanceof Error ? error.message : String(error)}`);
  return errorResponse(new ApiError("internal_error", `Something went wrong on our side. Retry; if it persists, contact support with request id ${id}.`), id, origin);
}

/**
 * The one bearer-key check for /api/v1: every route is `withApiKey({ permission }, handler)`.
 * Handlers receive the verified key (organization, user, current role, permissions, livemode).
 */
export function withApiKey<P = Record<string, never>>(
  options: { permission?: Permission },
  handler: (request: NextRequest, context: ApiContext<P>) => Promise<Response> | Response,
) {
  return async function route(request: NextRequest, routeContext: RouteContext<P>): Promise<Response> {
    const id = makeRequestId(request);
    const origin = request.nextUrl.origin;
    const ip = clientIp(request.headers);
    try {
      const wait = blockedForMs(ip);
      if (wait > 0) {
        // A blocked address is refused before any look-up, valid key or not: it is the guessing
        // that is limited, and answering 200 for a lucky guess would defeat the limit.
        throw rateLimited(wait);
      }
      const key = await authenticate(request, ip);
      if (options.permission && !key.permissions.has(options.permission)) {
        throw new ApiError(
          "insufficient_permissions",
          `This route needs the ${options.permission} permission. The key belongs to ${key.user.email}, whose role in ${key.organization.name} is ${ROLE_LABELS[key.role]}, which doesn't include it. Ask an organization admin for a role that does; the key follows the new role at once.`,
        );
      }
      recordKeyUse(key.keyId, ip, userAgent(request.headers));
      const response = await handler(request, { key, params: await routeContext.params, requestId: id, ip });
      response.headers.set("X-Request-Id", id);
      return response;
    } catch (error) {
      return toErrorResponse(error, id, origin);
    }
  };
}

/** JSON response helper for handlers. */
export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...init.headers },
  });
}
