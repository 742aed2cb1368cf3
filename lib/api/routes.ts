import type { z } from "zod";
import type { Permission } from "@/lib/permissions";
import type { ApiErrorCode } from "./errors";
import {
  apiKeyObjectSchema,
  apiKeysListQuerySchema,
  createUsageEventSchema,
  exposedKeySchema,
  listQuerySchema,
  listSchema,
  organizationObjectSchema,
  usageEventObjectSchema,
} from "./schemas";
import { z as zod } from "zod";

/** The API's routes, described once: the OpenAPI document and the /docs/api page read this. */
export type RouteDoc = {
  method: "GET" | "POST" | "DELETE";
  path: string;
  summary: string;
  description: string;
  auth: boolean;
  permission?: Permission | string;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A valid body: shown in the OpenAPI document; the fuzz test varies it one field at a time. */
  bodyExample?: Record<string, unknown>;
  pathParams?: Record<string, string>;
  headers?: Record<string, string>;
  response: { status: number; schema: z.ZodType };
  errors: ApiErrorCode[];
  curl: string;
};

const AUTH_ERRORS: ApiErrorCode[] = ["missing_api_key", "malformed_api_key", "invalid_api_key", "revoked_api_key", "expired_api_key", "rate_limited", "service_unavailable"];

const meSchema = zod.object({
  api_key: zod.object({
    id: zod.string(),
    object: zod.literal("api_key"),
    name: zod.string(),
    environment: zod.string(),
    livemode: zod.boolean(),
    last4: zod.string(),
    created_at: zod.string(),
  }),
  user: zod.object({ id: zod.string(), email: zod.string(), name: zod.string() }),
  organization: zod.object({ id: zod.string(), name: zod.string(), slug: zod.string() }),
  role: zod.enum(["owner", "admin", "developer", "viewer"]),
  permissions: zod.array(zod.string()),
});

export const API_ROUTES: RouteDoc[] = [
  {
    method: "GET",
    path: "/api/health",
    summary: "Liveness",
    description: "Answers without touching the database: the process is up.",
    auth: false,
    response: { status: 200, schema: zod.object({ status: zod.literal("ok") }) },
    errors: [],
    curl: "curl $ORIGIN/api/health",
  },
  {
    method: "GET",
    path: "/api/health/ready",
    summary: "Readiness",
    description: "200 when the database answers; 503 otherwise (take the instance out of the load balancer).",
    auth: false,
    response: { status: 200, schema: zod.object({ status: zod.literal("ok"), database: zod.literal("ok") }) },
    errors: ["service_unavailable"],
    curl: "curl -i $ORIGIN/api/health/ready",
  },
  {
    method: "GET",
    path: "/api/v1/ping",
    summary: "Check a key",
    description: "The cheapest authenticated call: answers `{\"ok\":true}` when the key is valid.",
    auth: true,
    response: { status: 200, schema: zod.object({ ok: zod.literal(true) }) },
    errors: AUTH_ERRORS,
    curl: 'curl -H "Authorization: Bearer $PAYGENTIC_API_KEY" $ORIGIN/api/v1/ping',
  },
  {
    method: "GET",
    path: "/api/v1/me",
    summary: "Who the key is",
    description: "The key, its owner, the organization, the owner's current role and the permissions it grants.",
    auth: true,
    response: { status: 200, schema: meSchema },
    errors: AUTH_ERRORS,
    curl: 'curl -H "Authorization: Bearer $PAYGENTIC_API_KEY" $ORIGIN/api/v1/me',
  },
  {
    method: "GET",
    path: "/api/v1/organizations/{id}",
    summary: "The key's organization",
    description: "Any other organization's id answers 403 `organization_mismatch`.",
    auth: true,
    permission: "organization:read",
    pathParams: { id: "Organization id (or slug)." },
    response: { status: 200, schema: organizationObjectSchema },
    errors: [...AUTH_ERRORS, "insufficient_permissions", "organization_mismatch"],
    curl: 'curl -H "Authorization: Bearer $PAYGENTIC_API_KEY" $ORIGIN/api/v1/organizations/$ORG_ID',
  },
  {
    method: "GET",
    path: "/api/v1/usage-events",
    summary: "List usage events",
    description: "Newest first, cursor-paginated. A test key (`sk_test_`) sees only test-mode events, a live key only live ones.",
    auth: true,
    permission: "usage:read",
    query: listQuerySchema,
    response: { status: 200, schema: listSchema(usageEventObjectSchema) },
    errors: [...AUTH_ERRORS, "insufficient_permissions", "invalid_request"],
    curl: 'curl -H "Authorization: Bearer $PAYGENTIC_API_KEY" "$ORIGIN/api/v1/usage-events?limit=20"',
  },
  {
    method: "POST",
    path: "/api/v1/usage-events",
    summary: "Record a usage event",
    description:
      "Answers 201 with the event. Send an `Idempotency-Key` header to retry safely: the same key and body return the first response; the same key with another body is a 400 `idempotency_error`.",
    auth: true,
    permission: "usage:write",
    body: createUsageEventSchema,
    bodyExample: { metric: "api_calls", quantity: 1, customer_id: "cus_123", timestamp: "2025-01-01T12:00:00Z" },
    headers: { "Idempotency-Key": "Optional, 1–255 visible ASCII characters (e.g. a UUID)." },
    response: { status: 201, schema: usageEventObjectSchema },
    errors: [...AUTH_ERRORS, "insufficient_permissions", "invalid_request", "request_too_large", "idempotency_error"],
    curl:
      'curl -X POST -H "Authorization: Bearer $PAYGENTIC_API_KEY" -H "Content-Type: application/json" -H "Idempotency-Key: $(uuidgen)" \\\n  -d \'{"metric":"api_calls","quantity":1,"customer_id":"cus_123"}\' $ORIGIN/api/v1/usage-events',
  },
  {
    method: "GET",
    path: "/api/v1/api-keys",
    summary: "List API keys",
    description: "Your own keys; every member's with `scope=organization` (needs api_keys:manage). Never a secret or hash.",
    auth: true,
    permission: "api_keys:read",
    query: apiKeysListQuerySchema,
    response: { status: 200, schema: listSchema(apiKeyObjectSchema) },
    errors: [...AUTH_ERRORS, "insufficient_permissions", "invalid_request"],
    curl: 'curl -H "Authorization: Bearer $PAYGENTIC_API_KEY" "$ORIGIN/api/v1/api-keys?scope=organization"',
  },
  {
    method: "DELETE",
    path: "/api/v1/api-keys/{id}",
    summary: "Revoke an API key",
    description: "Your own key needs api_keys:write; another member's needs api_keys:manage. Answers the revoked key (`revoked_at` set).",
    auth: true,
    permission: "api_keys:write (own) / api_keys:manage (any)",
    pathParams: { id: "API key id." },
    response: { status: 200, schema: apiKeyObjectSchema },
    errors: [...AUTH_ERRORS, "insufficient_permissions", "resource_missing", "invalid_request"],
    curl: 'curl -X DELETE -H "Authorization: Bearer $PAYGENTIC_API_KEY" $ORIGIN/api/v1/api-keys/$KEY_ID',
  },
  {
    method: "POST",
    path: "/api/v1/api-keys/exposed",
    summary: "Report a leaked key",
    description:
      "No authentication: possession of the key is the proof. An active key is revoked at once (reason `exposed`). Always answers 202 with the same body, whatever the key was.",
    auth: false,
    body: exposedKeySchema,
    bodyExample: { key: "sk_live_…" },
    response: { status: 202, schema: zod.object({ object: zod.literal("exposure_report"), status: zod.literal("received") }) },
    errors: ["invalid_request", "request_too_large", "rate_limited"],
    curl: 'curl -X POST -H "Content-Type: application/json" -d \'{"key":"sk_live_…"}\' $ORIGIN/api/v1/api-keys/exposed',
  },
];
