"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { safeId } from "@/lib/validation";
import type { ActionResult } from "@/lib/action-result";
import { sessionActor } from "@/lib/actor";
import { changeMemberRole, MemberError, removeMember } from "@/lib/members";
import { ROLES } from "@/lib/permissions";
import { getMemberContext } from "@/lib/session";

const SIGNED_OUT = "Your session has ended. Sign in again, then retry.";
const membershipId = safeId;
const changeRoleSchema = z.object({ membershipId, role: z.enum(ROLES, { message: "Choose a role." }) });
const removeSchema = z.object({ membershipId });

function failure(error: unknown, fallback: string): { ok: false; message: string } {
  if (error instanceof MemberError) return { ok: false, message: error.message };
  console.error("[members]", error instanceof Error ? error.message : error);
  return { ok: false, message: fallback };
}

export async function changeMemberRoleAction(input: unknown): Promise<ActionResult> {
  const member = await getMemberContext();
  if (!member) return { ok: false, message: SIGNED_OUT };
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
    revalidatePath("/settings/members");
    return { ok: true, data: undefined };
  } catch (error) {
    return failure(error, "The role could not be changed. Nothing changed; try again.");
  }
}

export async function removeMemberAction(input: unknown): Promise<ActionResult<{ revokedKeys: number }>> {
  const member = await getMemberContext();
  if (!member) return { ok: false, message: SIGNED_OUT };
  if (!member.can("members:manage")) return { ok: false, message: "Only owners and admins can remove members." };
  const parsed = removeSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: "That person is no longer a member. Refresh the list." };
  try {
    const result = await removeMember({
      organizationId: member.organization.id,
      membershipId: parsed.data.membershipId,
      actor: { ...(await sessionActor(member.user.id)), userId: member.user.id, role: member.role },
    });
    revalidatePath("/settings/members");
    revalidatePath("/settings/api-keys");
    return { ok: true, data: result };
  } catch (error) {
    return failure(error, "The member could not be removed. Nothing changed; try again.");
  }
}
