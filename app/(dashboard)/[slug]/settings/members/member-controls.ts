import { effectivePermissions } from "@/lib/domain/api-keys/rules";
import { assignableRoles, canRemoveMember, ROLE_LABELS, ROLES, type Permission, type Role } from "@/lib/domain/permissions";

// What the table offers each row. The rules are lib/domain/permissions.ts's (`assignableRoles`, the same
// function lib/domain/members/members.ts checks with), so nobody is offered a control that would fail; the server
// actions check every rule again, in a transaction, and have the last word.

export type RoleControl =
  | { kind: "editable"; options: { role: Role; label: string; disabled: boolean }[] }
  | { kind: "locked"; reason: string };

export type RemoveControl = { kind: "hidden" } | { kind: "enabled" } | { kind: "locked"; reason: string };

export type LeaveControl = { kind: "enabled" } | { kind: "locked"; reason: string };

export type MemberControlContext = { actorRole: Role; actorUserId: string; ownerCount: number };
type Context = MemberControlContext;

export function roleControl(member: { userId: string; role: Role }, { actorRole, actorUserId, ownerCount }: Context): RoleControl {
  const self = member.userId === actorUserId;
  const allowed = assignableRoles(actorRole, member.role);
  if (!allowed.some((role) => role !== member.role)) {
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
    options: ROLES.map((role) => ({ role, label: ROLE_LABELS[role], disabled: !allowed.includes(role) })),
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

export function leaveControl(role: Role, ownerCount: number): LeaveControl {
  if (role === "owner" && ownerCount <= 1) {
    return { kind: "locked", reason: "You're the organization's only owner. Make someone else an owner before leaving." };
  }
  return { kind: "enabled" };
}

export function apiKeyCount(count: number): string {
  return count === 1 ? "1 API key" : `${count} API keys`;
}

/** "a", "a and b", "a, b and c". */
function listed(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** "Their 3 active API keys lose", "1 of their 3 active API keys gains": the keys a change reaches. */
function keysSubject(affected: number, total: number, verb: "lose" | "gain"): string {
  const singular = affected === 1;
  const subject =
    affected === total ? (total === 1 ? "Their active API key" : `Their ${total} active API keys`) : `${affected} of their ${total} active API keys`;
  return `${subject} ${singular ? `${verb}s` : verb}`;
}

/** One sentence per distinct set of permissions, naming how many keys it reaches. */
function sentencesFor(sets: Permission[][], total: number, verb: "lose" | "gain"): string[] {
  const groups = new Map<string, { permissions: Permission[]; keys: number }>();
  for (const permissions of sets) {
    if (!permissions.length) continue;
    const id = permissions.join(" ");
    groups.set(id, { permissions, keys: (groups.get(id)?.keys ?? 0) + 1 });
  }
  return [...groups.values()]
    .sort((a, b) => b.keys - a.keys)
    .map((g) => `${keysSubject(g.keys, total, verb)} ${listed(g.permissions)} at once.`);
}

/**
 * What a role change does to the member's active keys, each being its restriction ∩ the role
 * (lib/domain/api-keys/rules.ts `effectivePermissions`): the permissions lost and gained at once, and
 * that a restricted key never gains beyond its restriction.
 */
export function roleChangeEffect(from: Role, to: Role, keys: readonly (Permission[] | null)[]): string {
  const total = keys.length;
  if (total === 0) return "They have no active API keys.";
  const changes = keys.map((restrictions) => {
    const before = effectivePermissions(from, restrictions);
    const after = effectivePermissions(to, restrictions);
    return {
      lost: before.filter((p) => !after.includes(p)),
      gained: after.filter((p) => !before.includes(p)),
    };
  });
  const sentences = [...sentencesFor(changes.map((c) => c.lost), total, "lose"), ...sentencesFor(changes.map((c) => c.gained), total, "gain")];
  if (!sentences.length) {
    sentences.push(total === 1 ? "Their active API key keeps the permissions it has." : `Their ${total} active API keys keep the permissions they have.`);
  }
  const roleWidens = effectivePermissions(to, null).some((p) => !effectivePermissions(from, null).includes(p));
  if (roleWidens && keys.some((restrictions) => restrictions !== null)) sentences.push("Restricted keys never gain beyond their restriction.");
  return sentences.join(" ");
}
