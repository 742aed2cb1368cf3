import { z } from "zod";
import { Environment as ENVIRONMENT_ENUM } from "@/lib/generated/prisma/enums";
import { PERMISSIONS } from "@/lib/domain/permissions";
import { EXPIRATIONS, ROLL_OVERLAPS } from "./rules";
import { hasVisibleCharacter, invisibleMessage, isVisibleLine, isVisibleText, safeId, safeText } from "@/lib/validation";

export type Environment = (typeof ENVIRONMENT_ENUM)[keyof typeof ENVIRONMENT_ENUM];
/** The one environment list, in the schema's order: the Prisma enum is its source. */
export const ENVIRONMENTS = Object.values(ENVIRONMENT_ENUM) as [Environment, ...Environment[]];

export const ENVIRONMENT_LABELS: Record<Environment, string> = {
  production: "Production",
  staging: "Staging",
  development: "Development",
};

export const NAME_MAX = 64;
export const DESCRIPTION_MAX = 500;
export const MAX_ACTIVE_KEYS_PER_MEMBER = 100;

// Names and descriptions are shown to other members (revoke dialogs, the audit log): a bidi
// override or a zero-width character could make one key pass for another.
export const apiKeyNameSchema = z
  .string({ message: "Enter a name." })
  .trim()
  .min(1, "Enter a name, e.g. the application that will use the key.")
  .max(NAME_MAX, `Use at most ${NAME_MAX} characters.`)
  .refine(isVisibleLine, invisibleMessage("Name"))
  .refine((name) => !isVisibleLine(name) || hasVisibleCharacter(name), "Use at least one letter or digit: this name would display as blank.");

export const apiKeyDescriptionSchema = z
  .string()
  .trim()
  .max(DESCRIPTION_MAX, `Use at most ${DESCRIPTION_MAX} characters.`)
  .refine(isVisibleText, invisibleMessage("Description"))
  .transform((v) => (v ? v.replace(/\r\n?/g, "\n") : null));

/** One schema for the create form (client-side hints) and createApiKeyAction (the authority). */
export const createApiKeySchema = z.object({
  name: apiKeyNameSchema,
  environment: z.enum(ENVIRONMENTS, { message: "Choose Production, Staging or Development." }),
  description: apiKeyDescriptionSchema.optional().transform((v) => v ?? undefined),
  expiration: z.enum(EXPIRATIONS, { message: "Choose when the key expires." }).default("never"),
  /** YYYY-MM-DD, with expiration "custom"; checked against the clock by expiresAtFor. */
  expiresOn: z.string().max(10).optional(),
  access: z.enum(["inherit", "restricted"], { message: "Choose Inherit my role or Restricted." }).default("inherit"),
  permissions: z.array(z.enum(PERMISSIONS, { message: "Choose permissions from the list." })).max(PERMISSIONS.length).default([]),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export const keyIdSchema = safeId;

export const revokeApiKeySchema = z.object({ keyId: keyIdSchema });

/** The Edit dialog: name and description, the same rules as creation. */
export const updateApiKeyFormSchema = z.object({ keyId: keyIdSchema, name: apiKeyNameSchema, description: apiKeyDescriptionSchema });

/**
 * The Roll dialog's choice, exactly one of the offered numbers: nothing is coerced, so `null`, `""`,
 * `false`, `[0]` or `" 0"` (which `Number()` reads as 0) is an error, never an immediate roll.
 */
export const rollOverlapSchema = z.literal(
  ROLL_OVERLAPS.map((o) => o.seconds),
  { message: "Choose when the old key stops working." },
);

export const rollApiKeyFormSchema = z.object({ keyId: keyIdSchema, overlapSeconds: rollOverlapSchema });

export const revokeApiKeysSchema = z.object({ keyIds: z.array(keyIdSchema).min(1, "Select at least one key.").max(100, "Select at most 100 keys at a time.") });

export const KEY_STATUSES = ["active", "expiring", "inactive", "expired", "revoked"] as const;
export const KEY_SORTS = ["created", "last_used"] as const;

/** The key list's URL state (/{slug}/settings/api-keys?status=…&sort=…). Bad values fall back to defaults. */
export const listApiKeysQuerySchema = z.object({
  scope: z.enum(["mine", "all"]).catch("mine"),
  status: z.enum(KEY_STATUSES).catch("active"),
  environment: z.enum(ENVIRONMENTS).optional().catch(undefined),
  q: safeText.trim().max(NAME_MAX).optional().catch(undefined),
  sort: z.enum(KEY_SORTS).catch("created"),
  dir: z.enum(["asc", "desc"]).catch("desc"),
  // Decimal digits only ("1e3" and "0x3" are not page 1000 and 3): anything else is page 1.
  page: z.string().regex(/^[0-9]{1,6}$/).transform(Number).pipe(z.number().int().min(1).max(100_000)).catch(1),
  size: z.enum(["10", "25", "50", "100"]).transform(Number).catch(25),
  /** Where Previous/Next left off (lib/domain/api-keys/list-cursor.ts); one this app didn't make is ignored. */
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,400}$/).optional().catch(undefined),
});
export type ListApiKeysQuery = z.infer<typeof listApiKeysQuerySchema>;
