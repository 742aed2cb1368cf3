"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { NOT_A_FORM, type ActionResult } from "@/lib/actions/result";
import { sessionActor } from "@/lib/auth/actor";
import { createInvitation, createInvitationSchema, InvitationError, revokeInvitation, type InvitationView } from "@/lib/domain/members/invitations";
import { settingsPath } from "@/lib/domain/organizations/url";
import { memberForAction } from "@/lib/auth/context";
import { safeId } from "@/lib/validation";

/** The invite form's fields as typed, echoed back on a failed submit. */
export type InviteMemberValues = { email: string; role: string };

/**
 * `path` is `/invite/{token}`; the dialog puts the page's own origin in front of it (rather than the
 * server trusting a Host header to build a link someone will be sent).
 */
export type InviteMemberResult = ActionResult<{ path: string; invitation: InvitationView }, InviteMemberValues>;

/**
 * The invite form's action. The link returned here is the only copy of the token there will ever
 * be: it is not logged or stored, and the list of pending invitations never carries it.
 */
export async function inviteMemberAction(_previous: InviteMemberResult | null, formData: FormData): Promise<InviteMemberResult> {
  if (!(formData instanceof FormData)) return { ok: false, message: NOT_A_FORM };
  const text = (name: string) => {
    const value = formData.get(name);
    return typeof value === "string" ? value : "";
  };
  const values: InviteMemberValues = { email: text("email"), role: text("role") };
  const access = await memberForAction(formData.get("organization"));
  if (!access.ok) return { ...access, values };
  const { member } = access;
  if (!member.can("members:manage")) return { ok: false, message: `Only owners and admins can invite members to ${member.organization.name}.`, values };
  const parsed = createInvitationSchema.safeParse(values);
  if (!parsed.success) {
    return { ok: false, message: "Check the highlighted fields.", fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  }
  try {
    const { token, invitation } = await createInvitation({
      organizationId: member.organization.id,
      email: parsed.data.email,
      role: parsed.data.role,
      actor: { ...(await sessionActor(member.user.id)), userId: member.user.id },
    });
    revalidatePath(settingsPath(member.organization.slug, "members"));
    return { ok: true, data: { path: `/invite/${token}`, invitation } };
  } catch (error) {
    if (error instanceof InvitationError) {
      return error.field
        ? { ok: false, message: error.message, fieldErrors: { [error.field]: [error.message] }, values }
        : { ok: false, message: error.message, values };
    }
    console.error("[invitations] create failed", error instanceof Error ? error.message : error);
    return { ok: false, message: "The invitation could not be created. Nothing was saved; try again.", values };
  }
}

const revokeSchema = z.object({ invitationId: safeId });

export async function revokeInvitationAction(input: { organization: string; invitationId: string }): Promise<ActionResult> {
  // Server actions take whatever a client sends: nothing about the input's shape is trusted.
  const access = await memberForAction((input as { organization?: unknown } | null)?.organization);
  if (!access.ok) return access;
  const { member } = access;
  if (!member.can("members:manage")) return { ok: false, message: "Only owners and admins can revoke invitations." };
  const parsed = revokeSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: "That invitation doesn't exist in this organization. Refresh the list." };
  const page = settingsPath(member.organization.slug, "members");
  try {
    await revokeInvitation({ organizationId: member.organization.id, invitationId: parsed.data.invitationId, actor: { ...(await sessionActor(member.user.id)), userId: member.user.id } });
    revalidatePath(page);
    return { ok: true, data: undefined };
  } catch (error) {
    if (error instanceof InvitationError) {
      revalidatePath(page);
      return { ok: false, message: error.message };
    }
    console.error("[invitations] revoke failed", error instanceof Error ? error.message : error);
    return { ok: false, message: "The invitation could not be revoked. Its link still works; try again." };
  }
}
