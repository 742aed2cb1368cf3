import "server-only";
import { recordAudit, type AuditActor } from "@/lib/domain/audit/events";
import { db, publishInvalidation } from "@/lib/platform/runtime";
import { parseRestrictions } from "@/lib/domain/api-keys/rules";
import { actorRole, revokeMemberKeysInTx } from "@/lib/domain/api-keys/store";
import { revokeSessions } from "@/lib/auth/sessions";
import { revokeInvitationsOfInviterInTx } from "@/lib/domain/members/invitations";
import { canAssignRole, canRemoveMember, can, type Permission, type Role } from "@/lib/domain/permissions";

export type MemberView = {
  membershipId: string;
  userId: string;
  name: string;
  email: string;
  role: Role;
  joinedAt: string;
  activeKeys: number;
  /** Each active key's restriction (null: it inherits the role), for what a role change does to them. */
  activeKeyRestrictions: (Permission[] | null)[];
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

/** The user ids of the organization's owners (a few): only an owner may roll an owner's key. */
export async function ownerIds(organizationId: string): Promise<string[]> {
  const rows = await db().membership.findMany({ where: { organizationId, role: "owner" }, select: { userId: true } });
  return rows.map((row) => row.userId);
}

export async function listMembers(organizationId: string): Promise<MemberView[]> {
  const rows = await db().membership.findMany({
    where: { organizationId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
  });
  // Active: neither revoked nor expired, i.e. keys that would answer a request now.
  const keys = await db().apiKey.findMany({
    where: { organizationId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
    select: { userId: true, restrictions: true },
  });
  const active = new Map<string, (Permission[] | null)[]>();
  for (const key of keys) active.set(key.userId, [...(active.get(key.userId) ?? []), parseRestrictions(key.restrictions)]);
  return rows.map((r) => ({
    membershipId: r.id,
    userId: r.user.id,
    name: r.user.name,
    email: r.user.email,
    role: r.role,
    joinedAt: r.createdAt.toISOString(),
    activeKeys: active.get(r.user.id)?.length ?? 0,
    activeKeyRestrictions: active.get(r.user.id) ?? [],
  }));
}

type Actor = AuditActor & { userId: string; role: Role };

/**
 * Changes what the member (and so every key they own here) may do, from the next request on; their
 * pending invitations that the new role couldn't send are revoked with it.
 */
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
    const member = await tx.membership.findFirst({ where: { id: membershipId, organizationId }, include: { user: { select: { name: true, email: true } } } });
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
    // What they sent and may no longer send goes with the old role (none, without members:manage).
    await revokeInvitationsOfInviterInTx(tx, {
      organizationId,
      inviterId: member.userId,
      role,
      actor,
      reason: "inviter_role_changed",
      now: new Date(),
    });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "member.role_changed",
      target: { type: "member", id: member.userId },
      metadata: { from: member.role, to: role, name: member.user.name, email: member.user.email },
    });
    return member;
  });
  await publishInvalidation({ members: [{ organizationId, userId: target.userId }] });
  return role;
}

/**
 * Removes the member and revokes every key they have in the organization and every invitation they
 * sent there that is still pending, at once; when it was their last organization, also ends their
 * signed-in sessions.
 */
export async function removeMember(params: { organizationId: string; membershipId: string; actor: Actor }): Promise<{ revokedKeys: number }> {
  const { organizationId, membershipId, actor } = params;
  const result = await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`members:${organizationId}`}))`;
    const member = await tx.membership.findFirst({ where: { id: membershipId, organizationId }, include: { user: { select: { name: true, email: true } } } });
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
    await revokeInvitationsOfInviterInTx(tx, { organizationId, inviterId: member.userId, role: null, actor, reason: "inviter_removed", now: new Date() });
    // Someone left with no organization has nothing to sign in to: end their browsers' sessions too.
    if ((await tx.membership.count({ where: { userId: member.userId } })) === 0) await revokeSessions(member.userId, { tx });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "member.removed",
      target: { type: "member", id: member.userId },
      metadata: { role: member.role, revoked_keys: hashes.length, name: member.user.name, email: member.user.email },
    });
    return { userId: member.userId, hashes };
  });
  await publishInvalidation({ keyHashes: result.hashes, members: [{ organizationId, userId: result.userId }] });
  return { revokedKeys: result.hashes.length };
}

/**
 * The signed-in member leaves the organization: their membership goes and every key they have
 * there is revoked in the same transaction (reason member_left), audited as `member.left`, and so
 * are the invitations they sent that are still pending. The last owner can't leave: someone must be
 * able to manage what remains. Returns how many keys were revoked and how many organizations the
 * user still belongs to.
 */
export async function leaveOrganization(params: {
  organizationId: string;
  userId: string;
  actor: AuditActor;
}): Promise<{ revokedKeys: number; remainingOrganizations: number }> {
  const { organizationId, userId, actor } = params;
  const result = await db().$transaction(async (tx) => {
    // The same lock as role changes and removals: two owners leaving at once can't both be "not the last".
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`members:${organizationId}`}))`;
    const member = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId, userId } },
      include: { user: { select: { name: true, email: true } } },
    });
    if (!member) throw new MemberError("not_found", "You're no longer a member of this organization. Reload the page.");
    if (member.role === "owner" && (await tx.membership.count({ where: { organizationId, role: "owner" } })) <= 1) {
      throw new MemberError("last_owner", "You're the organization's only owner. Make someone else an owner before leaving.");
    }
    const hashes = await revokeMemberKeysInTx(tx, { organizationId, userId, actor, reason: "member_left" });
    await tx.membership.delete({ where: { id: member.id } });
    await revokeInvitationsOfInviterInTx(tx, { organizationId, inviterId: userId, role: null, actor: { ...actor, userId }, reason: "inviter_left", now: new Date() });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "member.left",
      target: { type: "member", id: userId },
      metadata: { role: member.role, revoked_keys: hashes.length, name: member.user.name, email: member.user.email },
    });
    return { hashes, remaining: await tx.membership.count({ where: { userId } }) };
  });
  await publishInvalidation({ keyHashes: result.hashes, members: [{ organizationId, userId }] });
  return { revokedKeys: result.hashes.length, remainingOrganizations: result.remaining };
}
