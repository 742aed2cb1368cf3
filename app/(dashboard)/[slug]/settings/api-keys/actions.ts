"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionRefusal, CHECK_FIELDS, defineAction, defineFormAction, type FieldErrors, type FormAction, type ObjectAction } from "@/lib/actions/define-action";
import type { ActionResult } from "@/lib/actions/result";
import { createApiKeySchema, revokeApiKeySchema, revokeApiKeysSchema, rollApiKeyFormSchema, updateApiKeyFormSchema } from "@/lib/domain/api-keys/schemas";
import type { ApiKey } from "@/lib/domain/api-keys/key";
import { checkRestriction, expiresAtFor } from "@/lib/domain/api-keys/rules";
import { ApiKeyError, createApiKey, revokeApiKey, revokeApiKeys, rollApiKey, updateApiKey } from "@/lib/domain/api-keys/store";
import { settingsPath } from "@/lib/domain/organizations/url";

/** The create form's fields as typed (strings from the form), echoed back on a failed submit. */
export type CreateApiKeyValues = {
  name: string;
  environment: string;
  description: string;
  expiration: string;
  expiresOn: string;
  access: string;
  permissions: string[];
};

export type CreateApiKeyResult = ActionResult<{ key: string; apiKey: ApiKey; duplicateName: boolean }, CreateApiKeyValues>;

/** A text field as typed (a textarea submits "\r\n" line breaks; the form shows "\n"). */
function field(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value.replace(/\r\n?/g, "\n") : "";
}

/**
 * The create form's action (`useActionState`). The form carries the slug of the organization its
 * page shows (`organization`): the key is created there, after checking membership and permission
 * there, whatever another tab has switched to since.
 *
 * The response of this action is the only place the plaintext key ever appears: it is not logged,
 * stored or cached, and the page that renders the list never receives it.
 */
export const createApiKeyAction: FormAction<CreateApiKeyResult> = defineFormAction(
  {
    label: "[api-keys] create",
    measure: "createApiKeyAction",
    access: "member",
    permission: "api_keys:write",
    denied: (member) => `Your role can't create API keys in ${member.organization.name}.`,
    fields: (formData): CreateApiKeyValues => ({
      name: field(formData, "name"),
      environment: field(formData, "environment"),
      description: field(formData, "description"),
      expiration: field(formData, "expiration") || "never",
      expiresOn: field(formData, "expiresOn"),
      access: field(formData, "access") || "inherit",
      permissions: formData.getAll("permissions").filter((p): p is string => typeof p === "string"),
    }),
    values: (fields) => fields,
    schema: createApiKeySchema,
    fallback: "The key could not be created. Nothing was saved; try again.",
  },
  async ({ member, actor, input }) => {
    const expiry = expiresAtFor(input.expiration, Date.now(), input.expiresOn);
    const restriction = input.access === "restricted" ? checkRestriction(member.role, input.permissions) : null;
    if (!expiry.ok || (restriction && !restriction.ok)) {
      throw new ActionRefusal(CHECK_FIELDS, {
        ...(!expiry.ok ? { expiresOn: [expiry.message] } : {}),
        ...(restriction && !restriction.ok ? { permissions: [restriction.message] } : {}),
      });
    }
    const created = await createApiKey({
      organizationId: member.organization.id,
      userId: member.user.id,
      input,
      expiresAt: expiry.expiresAt,
      restrictions: restriction?.ok ? restriction.restrictions : null,
      actor,
    });
    revalidatePath(settingsPath(member.organization.slug));
    return created;
  },
);

const refreshWhenAlreadyRevoked = (error: unknown, { member }: { member: { organization: { slug: string } } }) => {
  if (error instanceof ApiKeyError && error.code === "already_revoked") revalidatePath(settingsPath(member.organization.slug));
};

/** Revokes a key of the organization the page shows (`organization`: its slug). */
export const revokeApiKeyAction: ObjectAction<{ organization: string; keyId: string }, ActionResult<{ apiKey: ApiKey }>> = defineAction(
  {
    label: "[api-keys] revoke",
    measure: "revokeApiKeyAction",
    access: "member",
    schema: revokeApiKeySchema,
    invalid: (_error, { member }) => ({ message: `That key doesn't exist in ${member.organization.name}. Refresh the list.` }),
    onError: refreshWhenAlreadyRevoked,
    fallback: "The key could not be revoked. It is still active; try again.",
  },
  async ({ member, actor, input }) => {
    const apiKey = await revokeApiKey({ organizationId: member.organization.id, keyId: input.keyId, actor });
    revalidatePath(settingsPath(member.organization.slug));
    return { apiKey };
  },
);

export type UpdateApiKeyValues = { keyId: string; name: string; description: string };
export type UpdateApiKeyResult = ActionResult<{ apiKey: ApiKey }, UpdateApiKeyValues>;

/** The Edit dialog's action (`useActionState`): name and description, validated like creation. */
export const updateApiKeyAction: FormAction<UpdateApiKeyResult> = defineFormAction(
  {
    label: "[api-keys] update",
    measure: "updateApiKeyAction",
    access: "member",
    fields: (formData): UpdateApiKeyValues => ({ keyId: field(formData, "keyId"), name: field(formData, "name"), description: field(formData, "description") }),
    values: (fields) => fields,
    schema: updateApiKeyFormSchema,
    fallback: "The key could not be saved. Nothing changed; try again.",
  },
  async ({ member, actor, input }) => {
    const apiKey = await updateApiKey({
      organizationId: member.organization.id,
      keyId: input.keyId,
      input: { name: input.name, description: input.description },
      actor,
    });
    revalidatePath(settingsPath(member.organization.slug));
    return { apiKey };
  },
);

export type RollApiKeyResult = ActionResult<{ key: string; apiKey: ApiKey; old: ApiKey }>;

/**
 * Rolls a key of the organization the page shows. Like creation, this response is the only place
 * the new key's plaintext appears.
 */
export const rollApiKeyAction: ObjectAction<{ organization: string; keyId: string; overlapSeconds: number }, RollApiKeyResult> = defineAction(
  {
    label: "[api-keys] roll",
    measure: "rollApiKeyAction",
    access: "member",
    schema: rollApiKeyFormSchema,
    invalid: (error, { member }) => {
      const fieldErrors: FieldErrors = z.flattenError(error).fieldErrors;
      const message = fieldErrors.overlapSeconds
        ? "Choose when the old key stops working, then try again."
        : `That key doesn't exist in ${member.organization.name}. Refresh the list.`;
      return { message, fieldErrors };
    },
    fallback: "The key could not be rolled. Nothing changed: the old key still works; try again.",
  },
  async ({ member, actor, input }) => {
    const rolled = await rollApiKey({ organizationId: member.organization.id, keyId: input.keyId, overlapSeconds: input.overlapSeconds, actor });
    revalidatePath(settingsPath(member.organization.slug));
    return rolled;
  },
);

/** "Revoke selected": all of them in one transaction, or none. */
export const revokeApiKeysAction: ObjectAction<{ organization: string; keyIds: string[] }, ActionResult<{ revoked: number; skipped: number }>> = defineAction(
  {
    label: "[api-keys] bulk revoke",
    measure: "revokeApiKeysAction",
    access: "member",
    schema: revokeApiKeysSchema,
    invalid: (error) => ({ message: error.issues[0]?.message ?? "Select the keys to revoke." }),
    fallback: "The keys could not be revoked. They are all still active; try again.",
  },
  async ({ member, actor, input }) => {
    const result = await revokeApiKeys({ organizationId: member.organization.id, keyIds: input.keyIds, actor });
    revalidatePath(settingsPath(member.organization.slug));
    return { revoked: result.revoked.length, skipped: result.skipped };
  },
);
