import { z } from "zod";

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

// C0/C1 controls and the Unicode line/paragraph separators: invisible in the table, and a way to
// smuggle newlines into logs and CSV exports.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/** One schema for the create form (client-side hints) and createApiKeyAction (the authority). */
export const createApiKeySchema = z.object({
  name: z
    .string({ message: "Enter a name." })
    .trim()
    .min(1, "Enter a name, e.g. the application that will use the key.")
    .max(NAME_MAX, `Use at most ${NAME_MAX} characters.`)
    .refine((v) => !CONTROL.test(v), "Remove control characters (tabs, line breaks) from the name."),
  environment: z.enum(ENVIRONMENTS, { message: "Choose Production, Staging or Development." }),
  description: z
    .string()
    .trim()
    .max(DESCRIPTION_MAX, `Use at most ${DESCRIPTION_MAX} characters.`)
    .refine((v) => !CONTROL_EXCEPT_NEWLINE.test(v), "Remove control characters from the description.")
    .optional()
    .transform((v) => (v ? v.replace(/\r\n?/g, "\n") : undefined)),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export const keyIdSchema = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

export const revokeApiKeySchema = z.object({ keyId: keyIdSchema });

export const KEY_STATUSES = ["active", "revoked"] as const;
export const KEY_SORTS = ["created", "last_used"] as const;

/** The key list's URL state (/settings/api-keys?status=…&sort=…). Bad values fall back to defaults. */
export const listApiKeysQuerySchema = z.object({
  scope: z.enum(["mine", "all"]).catch("mine"),
  status: z.enum(KEY_STATUSES).catch("active"),
  environment: z.enum(ENVIRONMENTS).optional().catch(undefined),
  q: z.string().trim().max(NAME_MAX).optional().catch(undefined),
  sort: z.enum(KEY_SORTS).catch("created"),
  dir: z.enum(["asc", "desc"]).catch("desc"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  size: z.coerce.number().int().refine((n) => [10, 25, 50, 100].includes(n)).catch(25),
});
export type ListApiKeysQuery = z.infer<typeof listApiKeysQuerySchema>;
