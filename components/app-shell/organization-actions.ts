"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { NOT_A_FORM, type ActionResult } from "@/lib/actions/result";
import { sessionActor } from "@/lib/auth/actor";
import { createOrganizationSchema } from "@/lib/domain/organizations/slug";
import { settingsPath } from "@/lib/domain/organizations/url";
import { createOrganization, OrganizationError } from "@/lib/domain/organizations/organizations";
import { getSignedInUserId } from "@/lib/auth/context";

/** The form's fields as typed, echoed back on a failure; `suggestion` is a free slug to offer. */
export type CreateOrganizationValues = { name: string; slug: string; suggestion?: string };

export type CreateOrganizationResult = ActionResult<{ slug: string }, CreateOrganizationValues>;

function field(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

/**
 * The Create organization form's action (`useActionState`). Any signed-in user may create one,
 * even one who belongs to none (after leaving their last): no organization is acted on but the
 * new one, whose owner they become. On success it navigates to the new organization's key page.
 */
export async function createOrganizationAction(_previous: CreateOrganizationResult | null, formData: FormData): Promise<CreateOrganizationResult> {
  if (!(formData instanceof FormData)) return { ok: false, message: NOT_A_FORM };
  const values: CreateOrganizationValues = { name: field(formData, "name"), slug: field(formData, "slug") };
  const userId = await getSignedInUserId();
  if (!userId) return { ok: false, message: "Your session has ended. Sign in again, then retry.", values };
  const parsed = createOrganizationSchema.safeParse(values);
  if (!parsed.success) {
    return { ok: false, message: "Check the highlighted fields.", fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  }
  let slug: string;
  try {
    ({ slug } = await createOrganization({
      name: parsed.data.name,
      slug: parsed.data.slug || undefined,
      userId,
      actor: await sessionActor(userId),
    }));
  } catch (error) {
    if (error instanceof OrganizationError) {
      const { field: at, suggestion } = error.details;
      return { ok: false, message: error.message, fieldErrors: at ? { [at]: [error.message] } : undefined, values: { ...values, suggestion } };
    }
    console.error("[organizations] create failed", error instanceof Error ? error.message : error);
    return { ok: false, message: "The organization could not be created. Nothing was saved; try again.", values };
  }
  // Every page's header lists the user's organizations.
  revalidatePath("/", "layout");
  redirect(settingsPath(slug));
}
