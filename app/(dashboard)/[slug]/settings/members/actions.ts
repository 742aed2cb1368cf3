"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { safeId } from "@/lib/validation";
import type { ActionResult } from "@/lib/actions/result";
import { sessionActor } from "@/lib/auth/actor";
import { changeMemberRole, leaveOrganization, MemberError, removeMember } from "@/lib/domain/members/members";
import { settingsPath } from "@/lib/domain/organizations/url";
import { ROLES } from "@/lib/domain/permissions";
import { memberForAction } from "@/lib/auth/context";

const membershipId = safeId;
const changeRoleSchema = z.object({ membershipId, role: z.enum(ROLES, { message: "Choose a role." }) });
const removeSchema = z.object({ membershipId });

function failure(error: unknown, fallback: string): { ok: false; message: string } {
  if (error instanceof MemberError) return { ok: false, message: error.message };
  console.error("[members]", error instanceof Error ? error.message : error);
  return { ok: false, message: fallback };
}

/** Where an action was made from: the slug of the organization its page shows. */
type OnPage = { organization: string };

// Server actions take whatever a client sends: nothing about the input's shape is trusted.
const organizationOf = (input: unknown) => (input as Partial<OnPage> | null)?.organization;

export async function changeMemberRoleAction(input: OnPage & { membershipId: string; role: string }): Promise<ActionResult> {
  const access = await memberForAction(organizationOf(input));
  if (!access.ok) return access;
  const { member } = access;
  if (!member.can("members:manage")) return { ok: false, message: "Only owners and admins can change roles." };
  const parsed = changeRoleSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: "Choose one of Owner, Admin, Developer or Viewer." };
  try {
    await changeMemberRole({
      organizationId: member.organization.id,
      membershipId: parsed.data.membershipId,
      role: parsed.data.role,
      actor: { ...(await sessionActor(member.user.id)), userId: member.user.id, role: member.role },
    });
    revalidatePath(settingsPath(member.organization.slug, "members"));
    return { ok: true, data: undefined };
  } catch (error) {
    return failure(error, "The role could not be changed. Nothing changed; try again.");
  }
}

export async function removeMemberAction(input: OnPage & { membershipId: string }): Promise<ActionResult<{ revokedKeys: number }>> {
  const access = await memberForAction(organizationOf(input));
  if (!access.ok) return access;
  const { member } = access;
  if (!member.can("members:manage")) return { ok: false, message: "Only owners and admins can remove members." };
  const parsed = removeSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: "That person is no longer a member. Refresh the list." };
  try {
    const result = await removeMember({
      organizationId: member.organization.id,
      membershipId: parsed.data.membershipId,
      actor: { ...(await sessionActor(member.user.id)), userId: member.user.id, role: member.role },
    });
    revalidatePath(settingsPath(member.organization.slug, "members"));
    revalidatePath(settingsPath(member.organization.slug, "api-keys"));
    return { ok: true, data: result };
  } catch (error) {
    return failure(error, "The member could not be removed. Nothing changed; try again.");
  }
}

/**
 * The signed-in member leaves the organization the page shows. No permission is needed beyond
 * membership; the last owner is refused (by lib/domain/members/members.ts, in the same transaction).
 */
export async function leaveOrganizationAction(input: OnPage): Promise<ActionResult<{ revokedKeys: number; remainingOrganizations: number }>> {
  const access = await memberForAction(organizationOf(input));
  if (!access.ok) return access;
  const { member } = access;
  try {
    const result = await leaveOrganization({
      organizationId: member.organization.id,
      userId: member.user.id,
      actor: await sessionActor(member.user.id),
    });
    // Every page's header lists the user's organizations.
    revalidatePath("/", "layout");
    return { ok: true, data: result };
  } catch (error) {
    return failure(error, "You could not leave the organization. Nothing changed; try again.");
  }
}
