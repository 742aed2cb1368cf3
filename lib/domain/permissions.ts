// The one place roles are interpreted. Pages, server actions and the API ask `can()`;
// nothing else compares role names.

export const ROLES = ["owner", "admin", "developer", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "organization:read",
  "usage:read",
  "usage:write",
  "api_keys:read",
  "api_keys:write",
  "api_keys:manage",
  "members:manage",
  "audit_log:read",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  owner: PERMISSIONS,
  admin: PERMISSIONS,
  developer: ["organization:read", "usage:read", "usage:write", "api_keys:read", "api_keys:write"],
  viewer: ["organization:read", "usage:read", "api_keys:read", "api_keys:write"],
};

const GRANT_SETS = new Map<Role, ReadonlySet<Permission>>(
  ROLES.map((role) => [role, new Set(GRANTS[role])]),
);

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return GRANT_SETS.get(role)?.has(permission) ?? false;
}

export function permissionsOf(role: Role): Permission[] {
  return [...GRANTS[role]];
}

export const ROLE_LABELS: Record<Role, string> = {
  owner: "Owner",
  admin: "Admin",
  developer: "Developer",
  viewer: "Viewer",
};

/**
 * The roles `actor` may give a member whose role is `current` (`null`: someone joining, e.g. by
 * invitation): only members:manage holders, an admin can't touch an owner or make one, and nobody
 * grants beyond their own rank. Empty when the actor may not change this member's role at all;
 * otherwise it includes `current`. The one rule: the server's checks and the members page's
 * choices both read it. (Whether the member is the last owner is checked beside it, with a count.)
 */
export function assignableRoles(actor: Role, current: Role | null): Role[] {
  if (!can(actor, "members:manage")) return [];
  if (actor === "owner") return [...ROLES];
  if (current === "owner") return [];
  return ROLES.filter((role) => role !== "owner");
}

/** Whether `actor` may give a member whose role is `current` the role `next`. */
export function canAssignRole(actor: Role, current: Role | null, next: Role): boolean {
  return assignableRoles(actor, current).includes(next);
}

/** Whether `actor` may remove a member whose role is `target`. */
export function canRemoveMember(actor: Role, target: Role): boolean {
  if (!can(actor, "members:manage")) return false;
  return actor === "owner" || target !== "owner";
}
