import { z } from "zod";
import { isReservedSlug } from "@/lib/domain/organizations/url";
import { hasVisibleCharacter, invisibleMessage, isVisibleLine } from "@/lib/validation";

// What an organization's name and slug may be: one schema for the Create organization form (its
// hints as you type) and lib/domain/organizations/organizations.ts (the authority). No server-only imports: the form
// derives the slug from the name in the browser with the same function the server uses.

export const ORGANIZATION_NAME_MAX = 64;
export const SLUG_MIN = 3;
export const SLUG_MAX = 40;

/** Lowercase letters and digits in groups joined by single hyphens: safe in a URL as is. */
const SLUG_SHAPE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const organizationNameSchema = z
  .string({ message: "Enter a name." })
  .trim()
  .min(1, "Enter a name, e.g. your company or team.")
  .max(ORGANIZATION_NAME_MAX, `Use at most ${ORGANIZATION_NAME_MAX} characters.`)
  .refine(isVisibleLine, invisibleMessage("Name"))
  .refine((name) => !isVisibleLine(name) || hasVisibleCharacter(name), "Use at least one letter or digit: this name would display as blank.");

export const slugSchema = z
  .string({ message: "Enter a slug." })
  .trim()
  .min(SLUG_MIN, `Use at least ${SLUG_MIN} characters.`)
  .max(SLUG_MAX, `Use at most ${SLUG_MAX} characters.`)
  .regex(SLUG_SHAPE, "Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit.")
  .refine((slug) => !isReservedSlug(slug), "That slug is reserved. Choose another.");

export const createOrganizationSchema = z.object({
  name: organizationNameSchema,
  // Empty means "derive it from the name".
  slug: z.union([z.literal(""), slugSchema]).optional(),
});
export type CreateOrganizationInput = z.infer<typeof createOrganizationSchema>;

/** Whether `slug` is one an organization may take (shape, length, not reserved); uniqueness aside. */
export const isValidSlug = (slug: string): boolean => slugSchema.safeParse(slug).success && slug === slug.trim();

/**
 * The slug a name suggests: "Acme Inc." → "acme-inc", "Café Zoë" → "cafe-zoe". Always a valid slug,
 * or "" when the name has no Latin letter or digit to build one from (the form then asks for one).
 */
export function deriveSlug(name: string): string {
  let slug = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/ß/g, "ss")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_MAX)
    .replace(/-+$/, "");
  if (!slug) return "";
  // Too short, or a top-level path: keep what the name gave and make it a valid slug.
  if (slug.length < SLUG_MIN || isReservedSlug(slug)) slug = `${slug}-org`;
  return slug;
}

/** `base-2`, `base-3`…: the suggestions offered for a taken slug, each within the length limit. */
export function numberedSlug(base: string, n: number): string {
  const tail = `-${n}`;
  return `${base.slice(0, SLUG_MAX - tail.length).replace(/-+$/, "")}${tail}`;
}
