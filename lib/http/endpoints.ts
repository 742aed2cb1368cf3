import { z } from "zod";
import { defineRoute, flatten } from "./endpoint";
import {
  apiKeyObjectSchema,
  apiKeyParamsSchema,
  apiKeysListQuerySchema,
  apiKeyUsageDaySchema,
  apiKeyUsageQuerySchema,
  auditEventObjectSchema,
  auditEventsListQuerySchema,
  createUsageEventSchema,
  exposedKeySchema,
  exposureReportSchema,
  healthSchema,
  idempotencyHeadersSchema,
  listQuerySchema,
  listSchema,
  meSchema,
  openApiSchema,
  organizationObjectSchema,
  organizationParamsSchema,
  pingSchema,
  readinessSchema,
  rollApiKeySchema,
  rolledApiKeyObjectSchema,
  updateApiKeySchema,
  usageEventObjectSchema,
} from "./schemas";

const unknownRoute = {
  summary: "Unknown route",
  description: "Answers 404 `resource_missing`.",
  auth: false,
  params: z.object({ path: z.array(z.string()) }),
  response: { status: 404, schema: z.never() },
  errors: ["resource_missing"],
  hidden: true,
} as const;

// Every HTTP endpoint, described once. A route file binds handlers to one of these with
// `route(API.x, { GET: … })` (lib/http/route.ts); a route file without a description, or a
// description without a route file, fails tests/integration/api-endpoints.test.ts.

export const API = {
  health: defineRoute("/api/health", {
    GET: {
      summary: "Liveness",
      description: "Answers without touching the database: the process is up.",
      auth: false,
      response: { status: 200, schema: healthSchema },
      errors: [],
      curl: "curl $ORIGIN/api/health",
    },
  }),
  ready: defineRoute("/api/health/ready", {
    GET: {
      summary: "Readiness",
      description: "200 when the database answers; 503 otherwise (take the instance out of the load balancer).",
      auth: false,
      response: { status: 200, schema: readinessSchema },
      errors: ["service_unavailable"],
      curl: "curl -i $ORIGIN/api/health/ready",
    },
  }),
  openapi: defineRoute("/api/v1/openapi.json", {
    GET: {
      summary: "OpenAPI document",
      description: "This reference as an OpenAPI 3.1 document, generated from the same descriptions.",
      auth: false,
      response: { status: 200, schema: openApiSchema, cacheControl: "public, max-age=300" },
      errors: [],
      curl: "curl $ORIGIN/api/v1/openapi.json",
    },
  }),
  ping: defineRoute("/api/v1/ping", {
    GET: {
      summary: "Check a key",
      description: 'The cheapest authenticated call: answers `{"ok":true}` when the key is valid.',
      auth: true,
      response: { status: 200, schema: pingSchema },
      errors: [],
      curl: 'curl -H "Authorization: Bearer $PAYGENTIC_API_KEY" $ORIGIN/api/v1/ping',
    },
  }),
  me: defineRoute("/api/v1/me", {
    GET: {
      summary: "Who the key is",
      description: "The key, its owner, the organization, the owner's current role and the permissions it grants.",
      auth: true,
      response: { status: 200, schema: meSchema },
      errors: [],
      curl: 'curl -H "Authorization: Bearer $PAYGENTIC_API_KEY" $ORIGIN/api/v1/me',
    },
  }),
  organization: defineRoute("/api/v1/organizations/{id}", {
    GET: {
      summary: "The key's organization",
      description: "By id or slug. Any other organization's id answers 403 `organization_mismatch`.",
      auth: true,
      permission: "organization:read",
      params: organizationParamsSchema,
      response: { status: 200, schema: organizationObjectSchema },
      errors: ["organization_mismatch"],
      curl: 'curl -H "Authorization: Bearer $PAYGENTIC_API_KEY" $ORIGIN/api/v1/organizations/$ORG_ID',
    },
  }),
  usageEvents: defineRoute("/api/v1/usage-events", {
    GET: {
      summary: "List usage events",
      description: "Newest first, cursor-paginated. A test key (`sk_test_`) sees only test-mode events, a live key only live ones.",
      auth: true,
      permission: "usage:read",
      query: listQuerySchema,
      response: { status: 200, schema: listSchema(usageEventObjectSchema) },
      errors: [],
      curl: 'curl -H "Authorization: Bearer $PAYGENTIC_API_KEY" "$ORIGIN/api/v1/usage-events?limit=20"',
    },
    POST: {
      summary: "Record a usage event",
      description:
        "Answers 201 with the event. Send an `Idempotency-Key` header to retry safely: the same key and body return the first response; the same key with another body is a 400 `idempotency_error`.",
      auth: true,
      permission: "usage:write",
      headers: idempotencyHeadersSchema,
      body: createUsageEventSchema,
      bodyExample: { metric: "api_calls", quantity: 1, customer_id: "cus_123", timestamp: "2025-01-01T12:00:00Z" },
      response: { status: 201, schema: usageEventObjectSchema },
      errors: ["idempotency_error"],
      curl:
        'curl -X POST -H "Authorization: Bearer $PAYGENTIC_API_KEY" -H "Content-Type: application/json" -H "Idempotency-Key: $(uuidgen)" \\\n  -d \'{"metric":"api_calls","quantity":1,"customer_id":"cus_123"}\' $ORIGIN/api/v1/usage-events',
    },
  }),
  apiKeys: defineRoute("/api/v1/api-keys", {
    GET: {
      summary: "List API keys",
      description: "Your own keys; every member's with `scope=organization` (needs `api_keys:manage`). Never a secret or hash.",
      auth: true,
      permission: "api_keys:read",
      query: apiKeysListQuerySchema,
      response: { status: 200, schema: listSchema(apiKeyObjectSchema) },
      errors: [],
      curl: 'curl -H "Authorization: Bearer $PAYGENTIC_API_KEY" "$ORIGIN/api/v1/api-keys?scope=organization"',
    },
  }),
  apiKey: defineRoute("/api/v1/api-keys/{id}", {
    GET: {
      summary: "Retrieve an API key",
      description: "One key, with its expiry, restriction and, once rolled, its replacement (`rolled_to`). Never a secret or hash.",
      auth: true,
      permission: "api_keys:read",
      permissionNote: "`api_keys:read` for your own key, `api_keys:manage` for another member's",
      params: apiKeyParamsSchema,
      notFound: "No such API key in your organization. Check the id: GET /api/v1/api-keys lists your keys.",
      response: { status: 200, schema: apiKeyObjectSchema },
      errors: ["resource_missing"],
      curl: 'curl -H "Authorization: Bearer $PAYGENTIC_API_KEY" $ORIGIN/api/v1/api-keys/$KEY_ID',
    },
    PATCH: {
      summary: "Update an API key",
      description: "Renames a key or changes its description, with the same rules as creating one. Answers the updated key.",
      auth: true,
      permission: "api_keys:write",
      permissionNote: "`api_keys:write` for your own key, `api_keys:manage` for another member's",
      params: apiKeyParamsSchema,
      body: updateApiKeySchema,
      bodyExample: { name: "Billing worker", description: "Runs nightly invoicing" },
      notFound: "No such API key in your organization. Check the id: GET /api/v1/api-keys lists your keys.",
      response: { status: 200, schema: apiKeyObjectSchema },
      errors: ["resource_missing", "invalid_request"],
      curl:
        'curl -X PATCH -H "Authorization: Bearer $PAYGENTIC_API_KEY" -H "Content-Type: application/json" \\\n  -d \'{"name":"Billing worker"}\' $ORIGIN/api/v1/api-keys/$KEY_ID',
    },
    DELETE: {
      summary: "Revoke an API key",
      description: "Answers the revoked key (`revoked_at` set). A key can revoke itself.",
      auth: true,
      permission: "api_keys:write",
      permissionNote: "`api_keys:write` for your own key, `api_keys:manage` for another member's",
      params: apiKeyParamsSchema,
      notFound: "No such API key in your organization. Check the id: GET /api/v1/api-keys lists your keys.",
      response: { status: 200, schema: apiKeyObjectSchema },
      errors: ["resource_missing", "invalid_request"],
      curl: 'curl -X DELETE -H "Authorization: Bearer $PAYGENTIC_API_KEY" $ORIGIN/api/v1/api-keys/$KEY_ID',
    },
  }),
  rollApiKey: defineRoute("/api/v1/api-keys/{id}/roll", {
    POST: {
      summary: "Roll an API key",
      description:
        "Creates a replacement with the same name, description, environment and restriction, and makes the old key stop working after `old_key_expires_in` seconds (0–604800); both work meanwhile. Answers 201 with the new key: its `secret` appears in this response only. A key already rolled, revoked or expired can't be rolled. During the overlap the old key keeps its own rights, reads included, but can't roll, edit or revoke any other key; if it leaked, roll with `old_key_expires_in` 0. The replacement takes the old key's place under the cap of 100 active keys per member, so a key can be rolled at the cap; rolling the replacement again while the old key is still in its overlap needs a free place (or `old_key_expires_in` 0).",
      auth: true,
      permission: "api_keys:write",
      permissionNote: "`api_keys:write` for your own key, `api_keys:manage` for another member's",
      params: apiKeyParamsSchema,
      body: rollApiKeySchema,
      bodyExample: { old_key_expires_in: 3600 },
      notFound: "No such API key in your organization. Check the id: GET /api/v1/api-keys lists your keys.",
      response: { status: 201, schema: rolledApiKeyObjectSchema },
      errors: ["resource_missing", "invalid_request"],
      curl:
        'curl -X POST -H "Authorization: Bearer $PAYGENTIC_API_KEY" -H "Content-Type: application/json" \\\n  -d \'{"old_key_expires_in":3600}\' $ORIGIN/api/v1/api-keys/$KEY_ID/roll',
    },
  }),
  apiKeyUsage: defineRoute("/api/v1/api-keys/{id}/usage", {
    GET: {
      summary: "A key's requests per day",
      description:
        "Daily counts of the key's requests, oldest first, one item per UTC day (today, partial, last; days without requests are zeros): `succeeded` (2xx and 3xx), `refused` (4xx, including refusals of the key itself: revoked, expired, missing permissions, rate limited) and `failed` (5xx). Counts are written about once a minute, so the last minute or so may be missing.",
      auth: true,
      permission: "api_keys:read",
      permissionNote: "`api_keys:read` for your own key, `api_keys:manage` for another member's",
      params: apiKeyParamsSchema,
      query: apiKeyUsageQuerySchema,
      notFound: "No such API key in your organization. Check the id: GET /api/v1/api-keys lists your keys.",
      response: { status: 200, schema: listSchema(apiKeyUsageDaySchema) },
      errors: ["resource_missing"],
      curl: 'curl -H "Authorization: Bearer $PAYGENTIC_API_KEY" "$ORIGIN/api/v1/api-keys/$KEY_ID/usage?days=30"',
    },
  }),
  exposedKey: defineRoute("/api/v1/api-keys/exposed", {
    POST: {
      summary: "Report a leaked key",
      description:
        "No authentication: possession of the key is the proof. An active key is revoked at once (reason `exposed`). Always answers 202 with the same body, whatever the key was.",
      auth: false,
      body: exposedKeySchema,
      bodyExample: { key: "sk_live_…" },
      rateLimit: { points: 30, duration: 60 },
      response: { status: 202, schema: exposureReportSchema },
      errors: ["service_unavailable"],
      curl: 'curl -X POST -H "Content-Type: application/json" -d \'{"key":"sk_live_…"}\' $ORIGIN/api/v1/api-keys/exposed',
    },
  }),
  auditEvents: defineRoute("/api/v1/audit-events", {
    GET: {
      summary: "List audit events",
      description:
        "The organization's audit log, newest first, cursor-paginated: who (a member, an API key, or an exposed-key report) did what to which key, member, invitation or the organization, from which address. Filter with `action`, `actor`, `since` and `until`.",
      auth: true,
      permission: "audit_log:read",
      query: auditEventsListQuerySchema,
      response: { status: 200, schema: listSchema(auditEventObjectSchema) },
      errors: [],
      curl: 'curl -H "Authorization: Bearer $PAYGENTIC_API_KEY" "$ORIGIN/api/v1/audit-events?action=api_key.revoked&limit=20"',
    },
  }),
  // Any other /api/v1 path: a JSON 404 in the error model rather than Next's HTML page.
  notFound: defineRoute("/api/v1/{path}", { GET: unknownRoute, POST: unknownRoute, PUT: unknownRoute, PATCH: unknownRoute, DELETE: unknownRoute }),
};

export const ENDPOINTS = flatten(API);
