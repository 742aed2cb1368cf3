import { beforeEach, describe, expect, it } from "vitest";
import { GET as me } from "@/app/api/v1/me/route";
import { GET as ping } from "@/app/api/v1/ping/route";
import { POST as createUsage } from "@/app/api/v1/usage-events/route";
import { db, verifyApiKey } from "@/lib/platform/runtime";
import { acceptInvitation, createInvitation, InvitationError } from "@/lib/domain/members/invitations";
import { changeMemberRole, leaveOrganization, listMembers, MemberError, removeMember } from "@/lib/domain/members/members";
import { assignableRoles, ROLES, type Role } from "@/lib/domain/permissions";
import {
  actorFor,
  call,
  createKey,
  createMember,
  createOrganization,
  createUser,
  expectApiError,
  setupTestDatabase,
  waitForCacheEnabled,
  type TestMember,
  type TestOrganization,
} from "@/tests/helpers/fixtures";

setupTestDatabase();

const as = (member: TestMember, role: Role = member.role) => ({ ...actorFor(member.id), role });

async function expectMemberError(promise: Promise<unknown>, code: MemberError["code"]): Promise<MemberError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected MemberError ${code}`).toBeInstanceOf(MemberError);
  expect((error as MemberError).code).toBe(code);
  return error as MemberError;
}

async function roleOf(member: TestMember): Promise<Role | undefined> {
  return (await db().membership.findUnique({ where: { id: member.membershipId } }))?.role;
}

let org: TestOrganization;
let owner: TestMember;
let admin: TestMember;
let developer: TestMember;
let viewer: TestMember;

// A fresh organization per test: these tests change roles and memberships.
beforeEach(async () => {
  org = await createOrganization("Members Org");
  owner = await createMember(org.id, "owner");
  admin = await createMember(org.id, "admin");
  developer = await createMember(org.id, "developer");
  viewer = await createMember(org.id, "viewer");
});

describe("changeMemberRole", () => {
  it("lets an admin change non-owners between admin, developer and viewer", async () => {
    expect(await changeMemberRole({ organizationId: org.id, membershipId: developer.membershipId, role: "viewer", actor: as(admin) })).toBe("viewer");
    expect(await roleOf(developer)).toBe("viewer");
    await changeMemberRole({ organizationId: org.id, membershipId: viewer.membershipId, role: "admin", actor: as(admin) });
    expect(await roleOf(viewer)).toBe("admin");
  });

  it("doesn't let an admin demote an owner or make anyone an owner", async () => {
    await expectMemberError(changeMemberRole({ organizationId: org.id, membershipId: owner.membershipId, role: "admin", actor: as(admin) }), "forbidden");
    await expectMemberError(changeMemberRole({ organizationId: org.id, membershipId: developer.membershipId, role: "owner", actor: as(admin) }), "forbidden");
    await expectMemberError(changeMemberRole({ organizationId: org.id, membershipId: admin.membershipId, role: "owner", actor: as(admin) }), "forbidden");
    expect(await roleOf(owner)).toBe("owner");
    expect(await roleOf(developer)).toBe("developer");
    expect(await roleOf(admin)).toBe("admin");
  });

  it("doesn't let developers or viewers change roles", async () => {
    await expectMemberError(changeMemberRole({ organizationId: org.id, membershipId: viewer.membershipId, role: "developer", actor: as(developer) }), "forbidden");
    await expectMemberError(changeMemberRole({ organizationId: org.id, membershipId: developer.membershipId, role: "admin", actor: as(viewer) }), "forbidden");
    expect(await roleOf(viewer)).toBe("viewer");
  });

  it("lets an owner make an owner, and demote an owner while another remains", async () => {
    await changeMemberRole({ organizationId: org.id, membershipId: admin.membershipId, role: "owner", actor: as(owner) });
    expect(await roleOf(admin)).toBe("owner");
    await changeMemberRole({ organizationId: org.id, membershipId: owner.membershipId, role: "developer", actor: as(admin, "owner") });
    expect(await roleOf(owner)).toBe("developer");
  });

  it("never demotes the last owner", async () => {
    await expectMemberError(changeMemberRole({ organizationId: org.id, membershipId: owner.membershipId, role: "admin", actor: as(owner) }), "last_owner");
    expect(await roleOf(owner)).toBe("owner");
    // Two owners demoting each other at once: one of them stays owner.
    await changeMemberRole({ organizationId: org.id, membershipId: admin.membershipId, role: "owner", actor: as(owner) });
    const results = await Promise.allSettled([
      changeMemberRole({ organizationId: org.id, membershipId: owner.membershipId, role: "developer", actor: as(admin, "owner") }),
      changeMemberRole({ organizationId: org.id, membershipId: admin.membershipId, role: "developer", actor: as(owner) }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db().membership.count({ where: { organizationId: org.id, role: "owner" } })).toBe(1);
  });

  it("is audited with the actor, the old and the new role", async () => {
    await changeMemberRole({ organizationId: org.id, membershipId: developer.membershipId, role: "viewer", actor: as(admin) });
    const event = await db().auditEvent.findFirst({ where: { organizationId: org.id, action: "member.role_changed", targetId: developer.id } });
    expect(event).toMatchObject({ actorUserId: admin.id, ip: "203.0.113.7", metadata: { from: "developer", to: "viewer" } });
  });

  it("doesn't reach a membership of another organization", async () => {
    const otherOrg = await createOrganization("Other");
    const stranger = await createMember(otherOrg.id, "developer");
    await expectMemberError(changeMemberRole({ organizationId: org.id, membershipId: stranger.membershipId, role: "viewer", actor: as(owner) }), "not_found");
    expect(await roleOf(stranger)).toBe("developer");
  });

  it("applies to the member's keys on the next verification, even when cached", async () => {
    await waitForCacheEnabled();
    const key = await createKey(org.id, developer.id);
    const before = await verifyApiKey(key.key);
    expect(before.ok && before.key.permissions.has("usage:write")).toBe(true);
    expect((await verifyApiKey(key.key)).ok).toBe(true); // served from the cache now
    await changeMemberRole({ organizationId: org.id, membershipId: developer.membershipId, role: "viewer", actor: as(admin) });
    const after = await verifyApiKey(key.key);
    expect(after.ok && after.key.role).toBe("viewer");
    expect(after.ok && after.key.permissions.has("usage:write")).toBe(false);
    const refused = await call(createUsage, { method: "POST", path: "/api/v1/usage-events", key: key.key, body: { metric: "m", quantity: 1 } });
    expectApiError(refused, 403, "permission_error", "insufficient_permissions");
  });
});

describe("removeMember", () => {
  it("revokes every key the member has in the organization (reason member_removed, audited) and they fail at once", async () => {
    await waitForCacheEnabled();
    const keys = [await createKey(org.id, developer.id), await createKey(org.id, developer.id, { environment: "staging" })];
    for (const key of keys) expect((await call(ping, { path: "/api/v1/ping", key: key.key })).status).toBe(200);
    // The member's keys in another organization are not touched.
    const otherOrg = await createOrganization("Second home");
    const elsewhere = await createKey(otherOrg.id, (await db().membership.create({ data: { organizationId: otherOrg.id, userId: developer.id, role: "developer" } })).userId);

    const result = await removeMember({ organizationId: org.id, membershipId: developer.membershipId, actor: as(admin) });
    expect(result).toEqual({ revokedKeys: 2 });
    expect(await db().membership.findUnique({ where: { id: developer.membershipId } })).toBeNull();

    for (const key of keys) {
      const row = await db().apiKey.findUniqueOrThrow({ where: { id: key.id } });
      expect(row.revokedAt).toBeInstanceOf(Date);
      expect(row.revokeReason).toBe("member_removed");
      expect(row.revokedById).toBe(admin.id);
      expect(await verifyApiKey(key.key)).toMatchObject({ ok: false, code: "revoked_api_key" });
      expectApiError(await call(me, { path: "/api/v1/me", key: key.key }), 401, "authentication_error", "revoked_api_key");
      const audit = await db().auditEvent.findMany({ where: { organizationId: org.id, action: "api_key.revoked", targetId: key.id } });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actorUserId: admin.id, metadata: expect.objectContaining({ reason: "member_removed", owner_id: developer.id }) });
    }
    const removal = await db().auditEvent.findFirst({ where: { organizationId: org.id, action: "member.removed", targetId: developer.id } });
    expect(removal).toMatchObject({ actorUserId: admin.id, metadata: expect.objectContaining({ role: "developer", revoked_keys: 2 }) });

    expect((await call(ping, { path: "/api/v1/ping", key: elsewhere.key })).status).toBe(200);
    expect((await listMembers(org.id)).map((m) => m.userId)).not.toContain(developer.id);
  });

  it("doesn't let an admin remove an owner, nor anyone remove themselves, nor a developer remove anyone", async () => {
    await expectMemberError(removeMember({ organizationId: org.id, membershipId: owner.membershipId, actor: as(admin) }), "forbidden");
    await expectMemberError(removeMember({ organizationId: org.id, membershipId: admin.membershipId, actor: as(admin) }), "self");
    await expectMemberError(removeMember({ organizationId: org.id, membershipId: viewer.membershipId, actor: as(developer) }), "forbidden");
    expect(await db().membership.count({ where: { organizationId: org.id } })).toBe(4);
  });

  it("never removes the last owner", async () => {
    await expectMemberError(removeMember({ organizationId: org.id, membershipId: owner.membershipId, actor: as(owner) }), "self");
    // An actor whose caller still believes it is an owner: its real role (admin) is re-read inside the
    // transaction, and an admin can't remove an owner.
    await expectMemberError(removeMember({ organizationId: org.id, membershipId: owner.membershipId, actor: as(admin, "owner") }), "forbidden");
    expect(await roleOf(owner)).toBe("owner");
  });

  it("lets an owner remove another owner while one remains", async () => {
    await changeMemberRole({ organizationId: org.id, membershipId: admin.membershipId, role: "owner", actor: as(owner) });
    await removeMember({ organizationId: org.id, membershipId: admin.membershipId, actor: as(owner) });
    expect(await db().membership.count({ where: { organizationId: org.id, role: "owner" } })).toBe(1);
  });

  it("lists members with their active key counts", async () => {
    await createKey(org.id, viewer.id);
    await createKey(org.id, viewer.id);
    const list = await listMembers(org.id);
    expect(list.map((m) => m.userId).sort()).toEqual([owner.id, admin.id, developer.id, viewer.id].sort());
    expect(list.find((m) => m.userId === viewer.id)).toMatchObject({ role: "viewer", activeKeys: 2, email: viewer.email });
    expect(list.find((m) => m.userId === owner.id)!.activeKeys).toBe(0);
  });
});

describe("role changes follow assignableRoles, the rule the members page offers", () => {
  it("accepts exactly the roles assignableRoles lists, for every actor and target role", async () => {
    const actors = { owner, admin, developer, viewer } as const;
    for (const actorRole of ROLES) {
      for (const targetRole of ["admin", "developer", "viewer"] as const) {
        for (const next of ROLES) {
          const target = await createMember(org.id, targetRole);
          const change = changeMemberRole({ organizationId: org.id, membershipId: target.membershipId, role: next, actor: as(actors[actorRole]) });
          if (assignableRoles(actorRole, targetRole).includes(next)) {
            expect(await change, `${actorRole}: ${targetRole} → ${next}`).toBe(next);
            expect(await roleOf(target)).toBe(next);
          } else {
            await expectMemberError(change, "forbidden");
            expect(await roleOf(target)).toBe(targetRole);
          }
        }
      }
    }
  });
});

describe("leaveOrganization", () => {
  it("removes the membership, revokes the leaver's keys at once (reason member_left) and audits member.left", async () => {
    await waitForCacheEnabled();
    const keys = [await createKey(org.id, developer.id), await createKey(org.id, developer.id, { environment: "development" })];
    for (const key of keys) expect((await call(ping, { path: "/api/v1/ping", key: key.key })).status).toBe(200); // cached now
    const otherOrg = await createOrganization("Still home");
    await db().membership.create({ data: { organizationId: otherOrg.id, userId: developer.id, role: "viewer" } });
    const elsewhere = await createKey(otherOrg.id, developer.id);

    const result = await leaveOrganization({ organizationId: org.id, userId: developer.id, actor: actorFor(developer.id) });
    expect(result).toEqual({ revokedKeys: 2, remainingOrganizations: 1 });
    expect(await db().membership.findUnique({ where: { id: developer.membershipId } })).toBeNull();
    for (const key of keys) {
      expect(await verifyApiKey(key.key)).toMatchObject({ ok: false, code: "revoked_api_key" });
      expectApiError(await call(ping, { path: "/api/v1/ping", key: key.key }), 401, "authentication_error", "revoked_api_key");
      const row = await db().apiKey.findUniqueOrThrow({ where: { id: key.id } });
      expect(row).toMatchObject({ revokeReason: "member_left", revokedById: developer.id });
    }
    const left = await db().auditEvent.findMany({ where: { organizationId: org.id, action: "member.left" } });
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ actorUserId: developer.id, targetId: developer.id, ip: "203.0.113.7", metadata: { role: "developer", revoked_keys: 2 } });
    expect(await db().auditEvent.count({ where: { organizationId: org.id, action: "api_key.revoked", actorUserId: developer.id } })).toBe(2);
    // Their membership and key elsewhere are untouched.
    expect((await call(ping, { path: "/api/v1/ping", key: elsewhere.key })).status).toBe(200);
  });

  it("refuses the last owner, changing nothing", async () => {
    const key = await createKey(org.id, owner.id);
    await expectMemberError(leaveOrganization({ organizationId: org.id, userId: owner.id, actor: actorFor(owner.id) }), "last_owner");
    expect(await roleOf(owner)).toBe("owner");
    expect((await call(ping, { path: "/api/v1/ping", key: key.key })).status).toBe(200);
    expect(await db().auditEvent.count({ where: { organizationId: org.id, action: "member.left" } })).toBe(0);
  });

  it("lets an owner leave while another owner remains, and reports no organizations left", async () => {
    await changeMemberRole({ organizationId: org.id, membershipId: admin.membershipId, role: "owner", actor: as(owner) });
    expect(await leaveOrganization({ organizationId: org.id, userId: owner.id, actor: actorFor(owner.id) })).toEqual({
      revokedKeys: 0,
      remainingOrganizations: 0,
    });
    expect(await db().membership.count({ where: { organizationId: org.id, role: "owner" } })).toBe(1);
  });

  it("of the last two owners leaving at once, exactly one is refused", async () => {
    await changeMemberRole({ organizationId: org.id, membershipId: admin.membershipId, role: "owner", actor: as(owner) });
    const results = await Promise.allSettled([
      leaveOrganization({ organizationId: org.id, userId: owner.id, actor: actorFor(owner.id) }),
      leaveOrganization({ organizationId: org.id, userId: admin.id, actor: actorFor(admin.id) }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(MemberError);
    expect((refused.reason as MemberError).code).toBe("last_owner");
    expect(await db().membership.count({ where: { organizationId: org.id, role: "owner" } })).toBe(1);
  });

  it("a leave racing a demotion of the other owner leaves one owner", async () => {
    await changeMemberRole({ organizationId: org.id, membershipId: admin.membershipId, role: "owner", actor: as(owner) });
    await Promise.allSettled([
      leaveOrganization({ organizationId: org.id, userId: owner.id, actor: actorFor(owner.id) }),
      changeMemberRole({ organizationId: org.id, membershipId: admin.membershipId, role: "developer", actor: as(owner) }),
    ]);
    expect(await db().membership.count({ where: { organizationId: org.id, role: "owner" } })).toBe(1);
  });

  it("refuses someone who is not a member (another organization's user)", async () => {
    const stranger = await createMember((await createOrganization("Elsewhere")).id, "owner");
    await expectMemberError(leaveOrganization({ organizationId: org.id, userId: stranger.id, actor: actorFor(stranger.id) }), "not_found");
  });

  it("listMembers counts neither revoked nor expired keys as active, and carries their restrictions", async () => {
    const a = await createKey(org.id, viewer.id);
    const b = await createKey(org.id, viewer.id);
    const c = await createKey(org.id, viewer.id);
    await db().apiKey.update({ where: { id: a.id }, data: { restrictions: ["usage:read"] } });
    await db().apiKey.update({ where: { id: b.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    await db().apiKey.update({ where: { id: c.id }, data: { revokedAt: new Date() } });
    await createKey(org.id, viewer.id);
    const row = (await listMembers(org.id)).find((m) => m.userId === viewer.id)!;
    expect(row.activeKeys).toBe(2);
    expect([...row.activeKeyRestrictions].sort()).toEqual([["usage:read"], null].sort());
  });
});

describe("an inviter's pending invitations go with their right to invite", () => {
  /** Invites a fresh account (no bcrypt: the fixture's users have a placeholder hash) as `role`. */
  async function inviteAs(by: TestMember, role: Role) {
    const invitee = await createUser(`invited ${role}`);
    const { token, invitation } = await createInvitation({ organizationId: org.id, email: invitee.email, role, actor: actorFor(by.id) });
    return { token, id: invitation.id, invitee, role };
  }

  async function expectRevokedBy(sent: { id: string; invitee: { email: string }; role: Role }, actorId: string, reason: string) {
    const row = await db().invitation.findUniqueOrThrow({ where: { id: sent.id } });
    expect(row.revokedAt, `${sent.role} invitation revoked`).toBeInstanceOf(Date);
    expect(row.revokedById).toBe(actorId);
    const events = await db().auditEvent.findMany({ where: { organizationId: org.id, action: "invitation.revoked", targetId: sent.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorUserId: actorId,
      targetType: "invitation",
      ip: "203.0.113.7",
      metadata: { email: sent.invitee.email, role: sent.role, reason },
    });
  }

  async function expectStillPending(sent: { id: string }) {
    const row = await db().invitation.findUniqueOrThrow({ where: { id: sent.id } });
    expect(row.revokedAt).toBeNull();
    expect(row.acceptedAt).toBeNull();
  }

  async function expectLinkRefused(sent: { token: string; invitee: { id: string } }) {
    const refused = await acceptInvitation({ token: sent.token, userId: sent.invitee.id, actor: actorFor(sent.invitee.id) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(InvitationError);
    expect((refused as InvitationError).code).toBe("revoked");
    expect(await db().membership.count({ where: { organizationId: org.id, userId: sent.invitee.id } })).toBe(0);
  }

  it("removing an admin revokes every invitation they sent (audited: the remover, reason inviter_removed); the links stop working", async () => {
    const asAdmin = await inviteAs(admin, "admin");
    const asViewer = await inviteAs(admin, "viewer");
    const byOwner = await inviteAs(owner, "developer");
    await removeMember({ organizationId: org.id, membershipId: admin.membershipId, actor: as(owner) });

    for (const sent of [asAdmin, asViewer]) {
      await expectRevokedBy(sent, owner.id, "inviter_removed");
      await expectLinkRefused(sent);
    }
    await expectStillPending(byOwner);
    await expect(acceptInvitation({ token: byOwner.token, userId: byOwner.invitee.id, actor: actorFor(byOwner.invitee.id) })).resolves.toMatchObject({
      role: "developer",
    });
  });

  it("demoting an admin to viewer or developer revokes all their pending invitations (reason inviter_role_changed)", async () => {
    const second = await createMember(org.id, "admin");
    const fromAdmin = [await inviteAs(admin, "admin"), await inviteAs(admin, "viewer")];
    const fromSecond = await inviteAs(second, "developer");
    await changeMemberRole({ organizationId: org.id, membershipId: admin.membershipId, role: "viewer", actor: as(owner) });
    await changeMemberRole({ organizationId: org.id, membershipId: second.membershipId, role: "developer", actor: as(owner) });
    for (const sent of fromAdmin) {
      await expectRevokedBy(sent, owner.id, "inviter_role_changed");
      await expectLinkRefused(sent);
    }
    await expectRevokedBy(fromSecond, owner.id, "inviter_role_changed");
  });

  it("demoting an owner to admin revokes only the invitations an admin couldn't send", async () => {
    const coOwner = await createMember(org.id, "owner");
    const asOwner = await inviteAs(coOwner, "owner");
    const asAdmin = await inviteAs(coOwner, "admin");
    await changeMemberRole({ organizationId: org.id, membershipId: coOwner.membershipId, role: "admin", actor: as(owner) });
    await expectRevokedBy(asOwner, owner.id, "inviter_role_changed");
    await expectStillPending(asAdmin);
    expect(await db().auditEvent.count({ where: { organizationId: org.id, action: "invitation.revoked", targetId: asAdmin.id } })).toBe(0);
  });

  it("a promotion, or a change to another managing role, revokes nothing; used and already revoked invitations are left as they were", async () => {
    const coOwner = await createMember(org.id, "owner");
    const used = await inviteAs(admin, "developer");
    await acceptInvitation({ token: used.token, userId: used.invitee.id, actor: actorFor(used.invitee.id) });
    const pending = await inviteAs(admin, "admin");
    await changeMemberRole({ organizationId: org.id, membershipId: admin.membershipId, role: "owner", actor: as(owner) });
    await expectStillPending(pending);
    const fromOwner = await inviteAs(coOwner, "admin");
    await changeMemberRole({ organizationId: org.id, membershipId: coOwner.membershipId, role: "admin", actor: as(owner) });
    await expectStillPending(fromOwner);
    expect(await db().auditEvent.count({ where: { organizationId: org.id, action: "invitation.revoked" } })).toBe(0);

    await removeMember({ organizationId: org.id, membershipId: admin.membershipId, actor: as(owner) });
    const usedRow = await db().invitation.findUniqueOrThrow({ where: { id: used.id } });
    expect(usedRow.acceptedAt).toBeInstanceOf(Date);
    expect(usedRow.revokedAt).toBeNull();
    await expectRevokedBy(pending, owner.id, "inviter_removed");
  });

  it("leaving revokes the leaver's pending invitations (the leaver is the actor, reason inviter_left)", async () => {
    const sent = await inviteAs(admin, "developer");
    await leaveOrganization({ organizationId: org.id, userId: admin.id, actor: actorFor(admin.id) });
    await expectRevokedBy(sent, admin.id, "inviter_left");
    await expectLinkRefused(sent);
  });

  it("touches no other organization's invitations", async () => {
    const otherOrg = await createOrganization("Elsewhere");
    await db().membership.create({ data: { organizationId: otherOrg.id, userId: admin.id, role: "admin" } });
    const invitee = await createUser("elsewhere");
    const elsewhere = await createInvitation({ organizationId: otherOrg.id, email: invitee.email, role: "admin", actor: actorFor(admin.id) });
    await removeMember({ organizationId: org.id, membershipId: admin.membershipId, actor: as(owner) });
    expect((await db().invitation.findUniqueOrThrow({ where: { id: elsewhere.invitation.id } })).revokedAt).toBeNull();
  });

  it("an invitation created while its inviter is being demoted doesn't outlive the demotion", async () => {
    for (let round = 0; round < 3; round++) {
      const inviter = await createMember(org.id, "admin");
      const invitee = await createUser("racing invitee");
      await Promise.allSettled([
        createInvitation({ organizationId: org.id, email: invitee.email, role: "admin", actor: actorFor(inviter.id) }),
        changeMemberRole({ organizationId: org.id, membershipId: inviter.membershipId, role: "viewer", actor: as(owner) }),
      ]);
      expect(await roleOf(inviter)).toBe("viewer");
      const pending = await db().invitation.count({ where: { organizationId: org.id, invitedById: inviter.id, revokedAt: null, acceptedAt: null } });
      expect(pending, `round ${round}`).toBe(0);
    }
  });
});
