"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { defineFormAction, refusalFor, text, type FormAction } from "@/lib/actions/define-action";
import type { ActionResult } from "@/lib/actions/result";
import { createOrganizationSchema } from "@/lib/domain/organizations/slug";
import { settingsPath } from "@/lib/domain/organizations/url";
import { createOrganization, OrganizationError } from "@/lib/domain/organizations/organizations";

/** The form's fields as typed, echoed back on a failure; `suggestion` is a free slug to offer. */
export type CreateOrganizationValues = { name: string; slug: string; suggestion?: string };

export type CreateOrganizationResult = ActionResult<{ slug: string }, CreateOrganizationValues>;

/**
 * The Create organization form's action (`useActionState`). Any signed-in user may create one,
 * even one who belongs to none (after leaving their last): no organization is acted on but the
 * new one, whose owner they become. On success it navigates to the new organization's key page.
 */
export const createOrganizationAction: FormAction<CreateOrganizationResult> = defineFormAction(
  {
    label: "[organizations] create",
    access: "user",
    fields: (formData): CreateOrganizationValues => ({ name: text(formData, "name"), slug: text(formData, "slug") }),
    values: (fields) => fields,
    schema: createOrganizationSchema,
    // A taken slug comes with a free one to offer beside the field.
    onError: (error, { values }) => {
      if (error instanceof OrganizationError) return { ...refusalFor(error)!, values: { ...values, suggestion: error.details.suggestion } };
    },
    fallback: "The organization could not be created. Nothing was saved; try again.",
  },
  async ({ userId, actor, input }): Promise<{ slug: string }> => {
    const { slug } = await createOrganization({ name: input.name, slug: input.slug || undefined, userId, actor });
    // Every page's header lists the user's organizations.
    revalidatePath("/", "layout");
    redirect(settingsPath(slug));
  },
);
