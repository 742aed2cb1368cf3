"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, defineFormAction, text, type FormAction, type ObjectAction } from "@/lib/actions/define-action";
import type { ActionResult } from "@/lib/actions/result";
import { createInvitation, createInvitationSchema, InvitationError, revokeInvitation, type InvitationView } from "@/lib/domain/members/invitations";
import { settingsPath } from "@/lib/domain/organizations/url";
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
export const inviteMemberAction: FormAction<InviteMemberResult> = defineFormAction(
  {
    label: "[invitations] create",
    access: "member",
    permission: "members:manage",
    denied: (member) => `Only owners and admins can invite members to ${member.organization.name}.`,
    fields: (formData): InviteMemberValues => ({ email: text(formData, "email"), role: text(formData, "role") }),
    values: (fields) => fields,
    schema: createInvitationSchema,
    fallback: "The invitation could not be created. Nothing was saved; try again.",
  },
  async ({ member, actor, input }) => {
    const { token, invitation } = await createInvitation({ organizationId: member.organization.id, email: input.email, role: input.role, actor });
    revalidatePath(settingsPath(member.organization.slug, "members"));
    return { path: `/invite/${token}`, invitation };
  },
);

const revokeSchema = z.object({ invitationId: safeId });

export const revokeInvitationAction: ObjectAction<{ organization: string; invitationId: string }, ActionResult> = defineAction(
  {
    label: "[invitations] revoke",
    access: "member",
    permission: "members:manage",
    denied: "Only owners and admins can revoke invitations.",
    schema: revokeSchema,
    invalid: () => ({ message: "That invitation doesn't exist in this organization. Refresh the list." }),
    // Already accepted, revoked or expired: the list is out of date.
    onError: (error, { member }) => {
      if (error instanceof InvitationError) revalidatePath(settingsPath(member.organization.slug, "members"));
    },
    fallback: "The invitation could not be revoked. Its link still works; try again.",
  },
  async ({ member, actor, input }) => {
    await revokeInvitation({ organizationId: member.organization.id, invitationId: input.invitationId, actor });
    revalidatePath(settingsPath(member.organization.slug, "members"));
    return undefined;
  },
);
