"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { safeId } from "@/lib/validation";
import { defineAction, type ObjectAction } from "@/lib/actions/define-action";
import type { ActionResult } from "@/lib/actions/result";
import { changeMemberRole, leaveOrganization, removeMember } from "@/lib/domain/members/members";
import { settingsPath } from "@/lib/domain/organizations/url";
import { ROLES } from "@/lib/domain/permissions";

const membershipId = safeId;
const changeRoleSchema = z.object({ membershipId, role: z.enum(ROLES, { message: "Choose a role." }) });
const removeSchema = z.object({ membershipId });

/** Where an action was made from: the slug of the organization its page shows. */
type OnPage = { organization: string };

export const changeMemberRoleAction: ObjectAction<OnPage & { membershipId: string; role: string }, ActionResult> = defineAction(
  {
    label: "[members] change role",
    access: "member",
    permission: "members:manage",
    denied: "Only owners and admins can change roles.",
    schema: changeRoleSchema,
    invalid: () => ({ message: "Choose one of Owner, Admin, Developer or Viewer." }),
    fallback: "The role could not be changed. Nothing changed; try again.",
  },
  async ({ member, actor, input }) => {
    await changeMemberRole({ organizationId: member.organization.id, membershipId: input.membershipId, role: input.role, actor });
    revalidatePath(settingsPath(member.organization.slug, "members"));
    return undefined;
  },
);

export const removeMemberAction: ObjectAction<OnPage & { membershipId: string }, ActionResult<{ revokedKeys: number }>> = defineAction(
  {
    label: "[members] remove",
    access: "member",
    permission: "members:manage",
    denied: "Only owners and admins can remove members.",
    schema: removeSchema,
    invalid: () => ({ message: "That person is no longer a member. Refresh the list." }),
    fallback: "The member could not be removed. Nothing changed; try again.",
  },
  async ({ member, actor, input }) => {
    const result = await removeMember({ organizationId: member.organization.id, membershipId: input.membershipId, actor });
    revalidatePath(settingsPath(member.organization.slug, "members"));
    revalidatePath(settingsPath(member.organization.slug, "api-keys"));
    return result;
  },
);

/**
 * The signed-in member leaves the organization the page shows. No permission is needed beyond
 * membership; the last owner is refused (by lib/domain/members/members.ts, in the same transaction).
 */
export const leaveOrganizationAction: ObjectAction<OnPage, ActionResult<{ revokedKeys: number; remainingOrganizations: number }>> = defineAction(
  {
    label: "[members] leave",
    access: "member",
    fallback: "You could not leave the organization. Nothing changed; try again.",
  },
  async ({ member, actor }) => {
    const result = await leaveOrganization({ organizationId: member.organization.id, userId: member.user.id, actor });
    // Every page's header lists the user's organizations.
    revalidatePath("/", "layout");
    return result;
  },
);
