"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { NOT_A_FORM, type ActionResult } from "@/lib/actions/result";
import { sessionActor } from "@/lib/auth/actor";
import { createApiKeySchema, revokeApiKeySchema, revokeApiKeysSchema, rollApiKeyFormSchema, updateApiKeyFormSchema } from "@/lib/domain/api-keys/schemas";
import type { ApiKey } from "@/lib/domain/api-keys/key";
import { checkRestriction, expiresAtFor } from "@/lib/domain/api-keys/rules";
import { ApiKeyError, createApiKey, revokeApiKey, revokeApiKeys, rollApiKey, updateApiKey, type RevokeActor } from "@/lib/domain/api-keys/store";
import { type MemberContext, memberForAction } from "@/lib/auth/context";
import { settingsPath } from "@/lib/domain/organizations/url";
import { measured } from "@/lib/platform/timing";
import { logSafe } from "@/lib/validation";

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

/**
 * The create form's action (`useActionState`). The form carries the slug of the organization its
 * page shows (`organization`): the key is created there, after checking membership and permission
 * there, whatever another tab has switched to since.
 *
 * The response of this action is the only place the plaintext key ever appears: it is not logged,
 * stored or cached, and the page that renders the list never receives it.
 */
export async function createApiKeyAction(_previous: CreateApiKeyResult | null, formData: FormData): Promise<CreateApiKeyResult> {
  return measured("createApiKeyAction", () => createForMember(formData));
}


/** A text field as typed (a textarea submits "\r\n" line breaks; the form shows "\n"). */
function field(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value.replace(/\r\n?/g, "\n") : "";
}

async function createForMember(formData: FormData): Promise<CreateApiKeyResult> {
  if (!(formData instanceof FormData)) return { ok: false, message: NOT_A_FORM };
  const values: CreateApiKeyValues = {
    name: field(formData, "name"),
    environment: field(formData, "environment"),
    description: field(formData, "description"),
    expiration: field(formData, "expiration") || "never",
    expiresOn: field(formData, "expiresOn"),
    access: field(formData, "access") || "inherit",
    permissions: formData.getAll("permissions").filter((p): p is string => typeof p === "string"),
  };
  const access = await memberForAction(formData.get("organization"));
  if (!access.ok) return { ...access, values };
  const { member } = access;
  if (!member.can("api_keys:write")) return { ok: false, message: `Your role can't create API keys in ${member.organization.name}.`, values };
  const parsed = createApiKeySchema.safeParse(values);
  if (!parsed.success) {
    return { ok: false, message: "Check the highlighted fields.", fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  }
  const expiry = expiresAtFor(parsed.data.expiration, Date.now(), parsed.data.expiresOn);
  const restriction = parsed.data.access === "restricted" ? checkRestriction(member.role, parsed.data.permissions) : null;
  if (!expiry.ok || (restriction && !restriction.ok)) {
    return {
      ok: false,
      message: "Check the highlighted fields.",
      fieldErrors: {
        ...(!expiry.ok ? { expiresOn: [expiry.message] } : {}),
        ...(restriction && !restriction.ok ? { permissions: [restriction.message] } : {}),
      },
      values,
    };
  }
  try {
    const created = await createApiKey({
      organizationId: member.organization.id,
      userId: member.user.id,
      input: parsed.data,
      expiresAt: expiry.expiresAt,
      restrictions: restriction?.ok ? restriction.restrictions : null,
      actor: await sessionActor(member.user.id),
    });
    revalidatePath(settingsPath(member.organization.slug));
    return { ok: true, data: created };
  } catch (error) {
    if (error instanceof ApiKeyError) return { ok: false, message: error.message, values };
    console.error(`[api-keys] create failed: ${logSafe(error)}`);
    return { ok: false, message: "The key could not be created. Nothing was saved; try again.", values };
  }
}

/** Revokes a key of the organization the page shows (`organization`: its slug). */
export async function revokeApiKeyAction(input: { organization: string; keyId: string }): Promise<ActionResult<{ apiKey: ApiKey }>> {
  return measured("revokeApiKeyAction", () => revokeForMember(input));
}

async function revokeForMember(input: { organization: string; keyId: string }): Promise<ActionResult<{ apiKey: ApiKey }>> {
  // Server actions take whatever a client sends: nothing about the input's shape is trusted.
  const access = await memberForAction((input as { organization?: unknown } | null)?.organization);
  if (!access.ok) return access;
  const { member } = access;
  const parsed = revokeApiKeySchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: `That key doesn't exist in ${member.organization.name}. Refresh the list.` };
  const page = settingsPath(member.organization.slug);
  try {
    const apiKey = await revokeApiKey({
      organizationId: member.organization.id,
      keyId: parsed.data.keyId,
      actor: { ...(await sessionActor(member.user.id)), userId: member.user.id, role: member.role },
    });
    revalidatePath(page);
    return { ok: true, data: { apiKey } };
  } catch (error) {
    if (error instanceof ApiKeyError) {
      if (error.code === "already_revoked") revalidatePath(page);
      return { ok: false, message: error.message };
    }
    console.error(`[api-keys] revoke failed: ${logSafe(error)}`);
    return { ok: false, message: "The key could not be revoked. It is still active; try again." };
  }
}

async function memberActor(member: MemberContext): Promise<RevokeActor> {
  return { ...(await sessionActor(member.user.id)), userId: member.user.id, role: member.role };
}

function failure(error: unknown, what: string, fallback: string): { ok: false; message: string } {
  if (error instanceof ApiKeyError) return { ok: false, message: error.message };
  console.error(`[api-keys] ${what} failed: ${logSafe(error)}`);
  return { ok: false, message: fallback };
}

export type UpdateApiKeyValues = { keyId: string; name: string; description: string };
export type UpdateApiKeyResult = ActionResult<{ apiKey: ApiKey }, UpdateApiKeyValues>;

/** The Edit dialog's action (`useActionState`): name and description, validated like creation. */
export async function updateApiKeyAction(_previous: UpdateApiKeyResult | null, formData: FormData): Promise<UpdateApiKeyResult> {
  return measured("updateApiKeyAction", async () => {
    if (!(formData instanceof FormData)) return { ok: false, message: NOT_A_FORM };
    const values: UpdateApiKeyValues = { keyId: field(formData, "keyId"), name: field(formData, "name"), description: field(formData, "description") };
    const access = await memberForAction(formData.get("organization"));
    if (!access.ok) return { ...access, values };
    const { member } = access;
    const parsed = updateApiKeyFormSchema.safeParse(values);
    if (!parsed.success) {
      return { ok: false, message: "Check the highlighted fields.", fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
    }
    try {
      const apiKey = await updateApiKey({
        organizationId: member.organization.id,
        keyId: parsed.data.keyId,
        input: { name: parsed.data.name, description: parsed.data.description },
        actor: await memberActor(member),
      });
      revalidatePath(settingsPath(member.organization.slug));
      return { ok: true, data: { apiKey } };
    } catch (error) {
      return { ...failure(error, "update", "The key could not be saved. Nothing changed; try again."), values };
    }
  });
}

export type RollApiKeyResult = ActionResult<{ key: string; apiKey: ApiKey; old: ApiKey }>;

/**
 * Rolls a key of the organization the page shows. Like creation, this response is the only place
 * the new key's plaintext appears.
 */
export async function rollApiKeyAction(input: { organization: string; keyId: string; overlapSeconds: number }): Promise<RollApiKeyResult> {
  return measured("rollApiKeyAction", async () => {
    const access = await memberForAction((input as { organization?: unknown } | null)?.organization);
    if (!access.ok) return access;
    const { member } = access;
    const parsed = rollApiKeyFormSchema.safeParse(input);
    if (!parsed.success) {
      const fieldErrors = z.flattenError(parsed.error).fieldErrors;
      const message = fieldErrors.overlapSeconds
        ? "Choose when the old key stops working, then try again."
        : `That key doesn't exist in ${member.organization.name}. Refresh the list.`;
      return { ok: false, message, fieldErrors };
    }
    try {
      const rolled = await rollApiKey({
        organizationId: member.organization.id,
        keyId: parsed.data.keyId,
        overlapSeconds: parsed.data.overlapSeconds,
        actor: await memberActor(member),
      });
      revalidatePath(settingsPath(member.organization.slug));
      return { ok: true, data: rolled };
    } catch (error) {
      return failure(error, "roll", "The key could not be rolled. Nothing changed: the old key still works; try again.");
    }
  });
}

/** "Revoke selected": all of them in one transaction, or none. */
export async function revokeApiKeysAction(input: { organization: string; keyIds: string[] }): Promise<ActionResult<{ revoked: number; skipped: number }>> {
  return measured("revokeApiKeysAction", async () => {
    const access = await memberForAction((input as { organization?: unknown } | null)?.organization);
    if (!access.ok) return access;
    const { member } = access;
    const parsed = revokeApiKeysSchema.safeParse(input);
    if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Select the keys to revoke." };
    try {
      const result = await revokeApiKeys({ organizationId: member.organization.id, keyIds: parsed.data.keyIds, actor: await memberActor(member) });
      revalidatePath(settingsPath(member.organization.slug));
      return { ok: true, data: { revoked: result.revoked.length, skipped: result.skipped } };
    } catch (error) {
      return failure(error, "bulk revoke", "The keys could not be revoked. They are all still active; try again.");
    }
  });
}
