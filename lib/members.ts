import "server-only";
import { recordAudit, type AuditActor } from "@/lib/audit";
import { publishInvalidation } from "@/lib/api-keys/invalidation";
import { actorRole, revokeMemberKeysInTx } from "@/lib/api-keys/store";
import { revokeSessions } from "@/lib/auth/sessions";
import { db } from "@/lib/db";
import { canAssignRole, canRemoveMember, can, type Role } from "@/lib/permissions";

export type MemberView = {
  membershipId: string;
  userId: string;
  name: string;
  email: string;
  role: Role;
  joinedAt: string;
  activeKeys: number;
};

export class MemberError extends Error {
  constructor(
    readonly code: "not_found" | "forbidden" | "last_owner" | "self",
    message: string,
  ) {
    super(message);
    this.name = "MemberError";
  }
}

export async function listMembers(organizationId: string): Promise<MemberView[]> {
  const rows = await db().membership.findMany({
    where: { organizationId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
  });
  const counts = await db().apiKey.groupBy({
    by: ["userId"],
    where: { organizationId, revokedAt: null },
    _count: { _all: true },
  });
  const active = new Map(counts.map((c) => [c.userId, c._count._all]));
  return rows.map((r) => ({
    membershipId: r.id,
    userId: r.user.id,
    name: r.user.name,
    email: r.user.email,
    role: r.role,
    joinedAt: r.createdAt.toISOString(),
    activeKeys: active.get(r.user.id) ?? 0,
  }));
}

type Actor = AuditActor & { userId: string; role: Role };

/** Changes what the member (and so every key they own here) may do, from the next request on. */
export async function changeMemberRole(params: {
  organizationId: string;
  membershipId: string;
  role: Role;
  actor: Actor;
}): Promise<MemberView["role"]> {
  const { organizationId, membershipId, role, actor } = params;
  const target = await db().$transaction(async (tx) => {
    // Serialises role changes and removals per organization so "the last owner" stays true.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`members:${organizationId}`}))`;
    const member = await tx.membership.findFirst({ where: { id: membershipId, organizationId } });
    if (!member) throw new MemberError("not_found", "That person is no longer a member. Refresh the list.");
    const actingRole = (await actorRole(tx, organizationId, actor.userId)) ?? "viewer";
    if (!canAssignRole(actingRole, member.role, role)) {
      throw new MemberError(
        "forbidden",
        can(actingRole, "members:manage")
          ? "Only an owner can change an owner's role or make someone an owner."
          : "Only owners and admins can change roles.",
      );
    }
    if (member.role === role) return member;
    if (member.role === "owner") {
      const owners = await tx.membership.count({ where: { organizationId, role: "owner" } });
      if (owners <= 1) {
        throw new MemberError("last_owner", "This is the organization's only owner. Make someone else an owner first.");
      }
    }
    await tx.membership.update({ where: { id: member.id }, data: { role } });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "member.role_changed",
      target: { type: "member", id: member.userId },
      metadata: { from: member.role, to: role },
    });
    return member;
  });
  await publishInvalidation({ members: [{ organizationId, userId: target.userId }] });
  return role;
}

/**
 * Removes the member and revokes every key they have in the organization at once; when it was their
 * last organization, also ends their signed-in sessions.
 */
export async function removeMember(params: { organizationId: string; membershipId: string; actor: Actor }): Promise<{ revokedKeys: number }> {
  const { organizationId, membershipId, actor } = params;
  const result = await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`members:${organizationId}`}))`;
    const member = await tx.membership.findFirst({ where: { id: membershipId, organizationId } });
    if (!member) throw new MemberError("not_found", "That person is no longer a member. Refresh the list.");
    if (member.userId === actor.userId) throw new MemberError("self", "You can't remove yourself here. Ask another owner or admin.");
    const actingRole = (await actorRole(tx, organizationId, actor.userId)) ?? "viewer";
    if (!canRemoveMember(actingRole, member.role)) {
      throw new MemberError(
        "forbidden",
        can(actingRole, "members:manage") ? "Only an owner can remove an owner." : "Only owners and admins can remove members.",
      );
    }
    if (member.role === "owner") {
      const owners = await tx.membership.count({ where: { organizationId, role: "owner" } });
      if (owners <= 1) throw new MemberError("last_owner", "The organization's only owner can't be removed.");
    }
    const hashes = await revokeMemberKeysInTx(tx, {
      organizationId,
      userId: member.userId,
      actor,
      reason: "member_removed",
    });
    await tx.membership.delete({ where: { id: member.id } });
    // Someone left with no organization has nothing to sign in to: end their browsers' sessions too.
    if ((await tx.membership.count({ where: { userId: member.userId } })) === 0) await revokeSessions(member.userId, { tx });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "member.removed",
      target: { type: "member", id: member.userId },
      metadata: { role: member.role, revoked_keys: hashes.length },
    });
    return { userId: member.userId, hashes };
  });
  await publishInvalidation({ keyHashes: result.hashes, members: [{ organizationId, userId: result.userId }] });
  return { revokedKeys: result.hashes.length };
}
