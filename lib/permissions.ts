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
 * Who may give `target` the role `next`: only members:manage holders, an admin can't touch an
 * owner or make one, and nobody (even an owner) promotes beyond their own rank.
 */
export function canAssignRole(actor: Role, current: Role, next: Role): boolean {
  if (!can(actor, "members:manage")) return false;
  if (actor === "owner") return true;
  return current !== "owner" && next !== "owner";
}

/** Whether `actor` may remove a member whose role is `target`. */
export function canRemoveMember(actor: Role, target: Role): boolean {
  if (!can(actor, "members:manage")) return false;
  return actor === "owner" || target !== "owner";
}
