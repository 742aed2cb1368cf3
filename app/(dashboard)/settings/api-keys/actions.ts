"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionResult } from "@/lib/action-result";
import { sessionActor } from "@/lib/actor";
import { createApiKeySchema, revokeApiKeySchema } from "@/lib/api-keys/schemas";
import { ApiKeyError, createApiKey, revokeApiKey, type ApiKeyView } from "@/lib/api-keys/store";
import { getMemberContext } from "@/lib/session";
import { measured } from "@/lib/timing";

const SIGNED_OUT = "Your session has ended. Sign in again, then retry.";

export type CreateApiKeyResult = ActionResult<{ key: string; apiKey: ApiKeyView; duplicateName: boolean }>;

/**
 * The response of this action is the only place the plaintext key ever appears: it is not logged,
 * stored or cached, and the page that renders the list never receives it.
 */
export async function createApiKeyAction(input: unknown): Promise<CreateApiKeyResult> {
  return measured("createApiKeyAction", () => createForSession(input));
}

async function createForSession(input: unknown): Promise<CreateApiKeyResult> {
  const member = await getMemberContext();
  if (!member) return { ok: false, message: SIGNED_OUT };
  if (!member.can("api_keys:write")) return { ok: false, message: "Your role can't create API keys." };
  const parsed = createApiKeySchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      message: "Check the highlighted fields.",
      fieldErrors: z.flattenError(parsed.error).fieldErrors,
    };
  }
  try {
    const created = await createApiKey({
      organizationId: member.organization.id,
      userId: member.user.id,
      input: parsed.data,
      actor: await sessionActor(member.user.id),
    });
    revalidatePath("/settings/api-keys");
    return { ok: true, data: created };
  } catch (error) {
    if (error instanceof ApiKeyError) return { ok: false, message: error.message };
    console.error("[api-keys] create failed", error instanceof Error ? error.message : error);
    return { ok: false, message: "The key could not be created. Nothing was saved; try again." };
  }
}

export async function revokeApiKeyAction(input: unknown): Promise<ActionResult<{ apiKey: ApiKeyView }>> {
  return measured("revokeApiKeyAction", () => revokeForSession(input));
}

async function revokeForSession(input: unknown): Promise<ActionResult<{ apiKey: ApiKeyView }>> {
  const member = await getMemberContext();
  if (!member) return { ok: false, message: SIGNED_OUT };
  const parsed = revokeApiKeySchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: "That key doesn't exist in this organization. Refresh the list." };
  try {
    const apiKey = await revokeApiKey({
      organizationId: member.organization.id,
      keyId: parsed.data.keyId,
      actor: { ...(await sessionActor(member.user.id)), userId: member.user.id, role: member.role },
    });
    revalidatePath("/settings/api-keys");
    return { ok: true, data: { apiKey } };
  } catch (error) {
    if (error instanceof ApiKeyError) {
      if (error.code === "already_revoked") revalidatePath("/settings/api-keys");
      return { ok: false, message: error.message };
    }
    console.error("[api-keys] revoke failed", error instanceof Error ? error.message : error);
    return { ok: false, message: "The key could not be revoked. It is still active; try again." };
  }
}
