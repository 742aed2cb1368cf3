import { z } from "zod";
import type { CreateUsageEvent } from "@/lib/domain/usage";
import { PERMISSIONS, ROLES } from "@/lib/domain/permissions";
import { AUDIT_ACTIONS } from "@/lib/domain/audit/events";
import { auditActorFilterSchema } from "@/lib/domain/audit/filters";
import { queryInteger, safeDateTime, safeId, safeText } from "@/lib/validation";
import { MAX_ROLL_OVERLAP_SECONDS } from "@/lib/domain/api-keys/rules";
import { apiKeyDescriptionSchema, apiKeyNameSchema, ENVIRONMENTS } from "@/lib/domain/api-keys/schemas";

// Input schemas of /api/v1, also the source of the OpenAPI document (lib/http/openapi.ts).

export const limitSchema = queryInteger(1, 100).default(10).describe("Page size, 1–100.");
export const cursorSchema = z
  .string()
  .max(512)
  .optional()
  .describe("`next_cursor` of the previous page.");

export const listQuerySchema = z.strictObject({ limit: limitSchema, starting_after: cursorSchema });

export const apiKeysListQuerySchema = z.strictObject({
  scope: z
    .enum(["own", "organization"])
    .default("own")
    .describe("`organization` lists every member's keys and needs api_keys:manage."),
  limit: limitSchema,
  starting_after: cursorSchema,
});

export const auditEventsListQuerySchema = z
  .strictObject({
    action: z.enum(AUDIT_ACTIONS).optional().describe("Only events of this action, e.g. `api_key.revoked`."),
    actor: auditActorFilterSchema
      .optional()
      .describe("A user id (their actions, including those made with their keys), `api_key:KEY_ID` (one key's actions), or `exposed_key_report`."),
    since: safeDateTime.optional().describe("Events at or after this instant (ISO 8601 with an offset)."),
    until: safeDateTime.optional().describe("Events before this instant (ISO 8601 with an offset)."),
    limit: limitSchema,
    starting_after: cursorSchema,
  })
  .refine((q) => !q.since || !q.until || Date.parse(q.since) < Date.parse(q.until), { message: "since must be before until.", path: ["until"] });

export const apiKeyUsageQuerySchema = z.strictObject({
  days: queryInteger(1, 90).default(30).describe("How many UTC days, today included: 1–90 (default 30)."),
});

export const createUsageEventSchema = z.strictObject({
  metric: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/, "Use letters, digits and _ . : - only.")
    .describe("What was used, e.g. `api_calls`."),
  quantity: z.number().int().min(0).max(1_000_000_000).describe("How much, a whole number."),
  customer_id: safeText.trim().min(1).max(255).optional().describe("Your identifier of the customer."),
  timestamp: safeDateTime.optional().describe("When it happened (ISO 8601, years 0001–9999). Defaults to now."),
});
export type { CreateUsageEvent };

export const exposedKeySchema = z.object({ key: z.string().max(1024).describe("The leaked key, e.g. found by a secret scanner.") });

export const idSchema = safeId;

export const apiKeyParamsSchema = z.object({ id: idSchema.describe("API key id.") });
// Any value: an id or slug that isn't the key's own organization is organization_mismatch, so the
// answer never says whether another organization exists.
export const organizationParamsSchema = z.object({ id: z.string().describe("Organization id (or slug).") });

export const idempotencyHeadersSchema = z.object({
  "Idempotency-Key": z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, "Use 1–255 visible ASCII characters, e.g. a UUID.")
    .optional()
    .describe("Optional, 1–255 visible ASCII characters (e.g. a UUID): a retry with the same key and body returns the first response."),
});

// Output shapes: the OpenAPI document, and the integration tests parse every success with them.
// Strict: a field a handler adds without describing it (or a hash it leaks) fails those tests.
export const healthSchema = z.strictObject({ status: z.literal("ok") });
export const readinessSchema = z.strictObject({ status: z.literal("ok"), database: z.literal("ok") });
export const pingSchema = z.strictObject({ ok: z.literal(true) });
export const exposureReportSchema = z.strictObject({ object: z.literal("exposure_report"), status: z.literal("received") });
export const openApiSchema = z.looseObject({ openapi: z.literal("3.1.0"), paths: z.record(z.string(), z.unknown()) });

export const meSchema = z.strictObject({
  api_key: z.strictObject({
    id: z.string(),
    object: z.literal("api_key"),
    name: z.string(),
    environment: z.enum(ENVIRONMENTS),
    livemode: z.boolean(),
    last4: z.string(),
    created_at: z.string(),
  }),
  user: z.strictObject({ id: z.string(), email: z.string(), name: z.string() }),
  organization: z.strictObject({ id: z.string(), name: z.string(), slug: z.string() }),
  role: z.enum(ROLES),
  restrictions: z.array(z.enum(PERMISSIONS)).nullable(),
  permissions: z.array(z.enum(PERMISSIONS)),
});

export const apiKeyObjectSchema = z.strictObject({
  id: z.string(),
  object: z.literal("api_key"),
  name: z.string(),
  description: z.string().nullable(),
  environment: z.enum(ENVIRONMENTS),
  livemode: z.boolean(),
  prefix: z.string(),
  last4: z.string(),
  owner: z.strictObject({ id: z.string(), name: z.string(), email: z.string() }),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  revoke_reason: z.string().nullable(),
  restrictions: z.array(z.enum(PERMISSIONS)).nullable(),
  rolled_to: z.string().nullable(),
  rolled_at: z.string().nullable(),
});

/** POST /api-keys/{id}/roll answers the new key, whose secret appears in this response only. */
export const rolledApiKeyObjectSchema = apiKeyObjectSchema.extend({
  secret: z.string().regex(/^sk_(live|test)_[0-9A-Za-z]{38}$/),
  rolled_from: z.strictObject({ id: z.string(), expires_at: z.string() }),
});

export const updateApiKeySchema = z
  .strictObject({
    name: apiKeyNameSchema.optional().describe("1–64 characters, shown to other members."),
    description: apiKeyDescriptionSchema.nullable().optional().describe("Which application uses it; null or empty clears it."),
  })
  .refine((body) => body.name !== undefined || body.description !== undefined, "Send name, description or both.");

export const rollApiKeySchema = z.strictObject({
  old_key_expires_in: z
    .number()
    .int()
    .min(0)
    .max(MAX_ROLL_OVERLAP_SECONDS)
    // Required: leaving it out must not pick the most abrupt choice (0) for a key in use.
    .describe("Seconds the old key keeps working, 0 (at once) to 604800 (7 days). Required."),
});

export const usageEventObjectSchema = z.strictObject({
  id: z.string(),
  object: z.literal("usage_event"),
  livemode: z.boolean(),
  metric: z.string(),
  quantity: z.number().int(),
  customer_id: z.string().nullable(),
  timestamp: z.string(),
  created_at: z.string(),
  api_key_id: z.string().nullable(),
});

export const organizationObjectSchema = z.strictObject({
  id: z.string(),
  object: z.literal("organization"),
  name: z.string(),
  slug: z.string(),
  created_at: z.string().optional(),
});

const auditPersonSchema = z.strictObject({ id: z.string(), name: z.string(), email: z.string() });

export const auditEventObjectSchema = z.strictObject({
  id: z.string(),
  object: z.literal("audit_event"),
  action: z.string(),
  created_at: z.string(),
  actor: z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("user"), id: z.string(), name: z.string(), email: z.string() }),
    z.strictObject({
      type: z.literal("api_key"),
      id: z.string(),
      name: z.string().nullable(),
      prefix: z.string().nullable(),
      last4: z.string().nullable(),
      owner: auditPersonSchema.nullable(),
    }),
    z.strictObject({ type: z.literal("exposed_key_report") }),
    z.strictObject({ type: z.literal("deleted_user") }),
  ]),
  target: z.strictObject({ type: z.string(), id: z.string(), description: z.string() }),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
});

export const errorObjectSchema = z.object({
  error: z.object({
    type: z.string(),
    code: z.string(),
    message: z.string(),
    request_id: z.string(),
    doc_url: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string(), code: z.string() })).optional(),
  }),
});

/** One UTC day of a key's requests, by outcome: succeeded (2xx/3xx), refused (4xx), failed (5xx). */
export const apiKeyUsageDaySchema = z.strictObject({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe("The UTC day, YYYY-MM-DD."),
  succeeded: z.number().int().min(0),
  refused: z.number().int().min(0),
  failed: z.number().int().min(0),
});

export function listSchema<T extends z.ZodType>(item: T) {
  return z.strictObject({ object: z.literal("list"), data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });
}
