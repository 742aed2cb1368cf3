import { canAssignRole, canRemoveMember, ROLE_LABELS, ROLES, type Role } from "@/lib/permissions";

// What the table offers each row. It only mirrors lib/members.ts so nobody is offered a control
// that would fail; the server actions check every rule again and have the last word.

export type RoleControl =
  | { kind: "editable"; options: { role: Role; label: string; disabled: boolean }[] }
  | { kind: "locked"; reason: string };

export type RemoveControl = { kind: "hidden" } | { kind: "enabled" } | { kind: "locked"; reason: string };

type Context = { actorRole: Role; actorUserId: string; ownerCount: number };

export function roleControl(member: { userId: string; role: Role }, { actorRole, actorUserId, ownerCount }: Context): RoleControl {
  const self = member.userId === actorUserId;
  if (!ROLES.some((role) => role !== member.role && canAssignRole(actorRole, member.role, role))) {
    return { kind: "locked", reason: "Only an owner can change an owner's role." };
  }
  if (member.role === "owner" && ownerCount <= 1) {
    return {
      kind: "locked",
      reason: self
        ? "You're the organization's only owner. Make someone else an owner before changing your role."
        : "This is the organization's only owner. Make someone else an owner first.",
    };
  }
  return {
    kind: "editable",
    options: ROLES.map((role) => ({
      role,
      label: ROLE_LABELS[role],
      disabled: role !== member.role && !canAssignRole(actorRole, member.role, role),
    })),
  };
}

export function removeControl(member: { userId: string; role: Role }, { actorRole, actorUserId, ownerCount }: Context): RemoveControl {
  if (member.userId === actorUserId) return { kind: "hidden" };
  if (!canRemoveMember(actorRole, member.role)) return { kind: "locked", reason: "Only an owner can remove an owner." };
  if (member.role === "owner" && ownerCount <= 1) {
    return { kind: "locked", reason: "The organization's only owner can't be removed." };
  }
  return { kind: "enabled" };
}

export function apiKeyCount(count: number): string {
  return count === 1 ? "1 API key" : `${count} API keys`;
}
