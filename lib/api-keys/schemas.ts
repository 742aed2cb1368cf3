import { z } from "zod";
import { hasVisibleCharacter, invisibleMessage, isVisibleLine, isVisibleText, safeId, safeText } from "@/lib/validation";

export const ENVIRONMENTS = ["production", "staging", "development"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const ENVIRONMENT_LABELS: Record<Environment, string> = {
  production: "Production",
  staging: "Staging",
  development: "Development",
};

export const NAME_MAX = 64;
export const DESCRIPTION_MAX = 500;
export const MAX_ACTIVE_KEYS_PER_MEMBER = 100;

/** One schema for the create form (client-side hints) and createApiKeyAction (the authority). */
export const createApiKeySchema = z.object({
  // Names and descriptions are shown to other members (revoke dialogs, the audit log): a bidi
  // override or a zero-width character could make one key pass for another.
  name: z
    .string({ message: "Enter a name." })
    .trim()
    .min(1, "Enter a name, e.g. the application that will use the key.")
    .max(NAME_MAX, `Use at most ${NAME_MAX} characters.`)
    .refine(isVisibleLine, invisibleMessage("Name"))
    .refine((name) => !isVisibleLine(name) || hasVisibleCharacter(name), "Use at least one letter or digit: this name would display as blank."),
  environment: z.enum(ENVIRONMENTS, { message: "Choose Production, Staging or Development." }),
  description: z
    .string()
    .trim()
    .max(DESCRIPTION_MAX, `Use at most ${DESCRIPTION_MAX} characters.`)
    .refine(isVisibleText, invisibleMessage("Description"))
    .optional()
    .transform((v) => (v ? v.replace(/\r\n?/g, "\n") : undefined)),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export const keyIdSchema = safeId;

export const revokeApiKeySchema = z.object({ keyId: keyIdSchema });

export const KEY_STATUSES = ["active", "revoked"] as const;
export const KEY_SORTS = ["created", "last_used"] as const;

/** The key list's URL state (/{slug}/settings/api-keys?status=…&sort=…). Bad values fall back to defaults. */
export const listApiKeysQuerySchema = z.object({
  scope: z.enum(["mine", "all"]).catch("mine"),
  status: z.enum(KEY_STATUSES).catch("active"),
  environment: z.enum(ENVIRONMENTS).optional().catch(undefined),
  q: safeText.trim().max(NAME_MAX).optional().catch(undefined),
  sort: z.enum(KEY_SORTS).catch("created"),
  dir: z.enum(["asc", "desc"]).catch("desc"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  size: z.coerce.number().int().refine((n) => [10, 25, 50, 100].includes(n)).catch(25),
});
export type ListApiKeysQuery = z.infer<typeof listApiKeysQuerySchema>;
