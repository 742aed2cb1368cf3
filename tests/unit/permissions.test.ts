import { describe, expect, it } from "vitest";
import { assignableRoles, can, canAssignRole, canRemoveMember, PERMISSIONS, permissionsOf, ROLES, type Permission, type Role } from "@/lib/domain/permissions";

// The product spec's table, written out independently of lib/domain/permissions.ts.
const SPEC: Record<Permission, Role[]> = {
  "organization:read": ["owner", "admin", "developer", "viewer"],
  "usage:read": ["owner", "admin", "developer", "viewer"],
  "usage:write": ["owner", "admin", "developer"],
  "api_keys:read": ["owner", "admin", "developer", "viewer"],
  "api_keys:write": ["owner", "admin", "developer", "viewer"],
  "api_keys:manage": ["owner", "admin"],
  "members:manage": ["owner", "admin"],
  "audit_log:read": ["owner", "admin"],
};

describe("permissions", () => {
  it.each(PERMISSIONS.flatMap((p) => ROLES.map((r) => [r, p] as const)))("%s × %s matches the spec", (role, permission) => {
    expect(can(role, permission)).toBe(SPEC[permission].includes(role));
    expect(permissionsOf(role).includes(permission)).toBe(SPEC[permission].includes(role));
  });

  it("an admin can't touch an owner or make one; an owner can do anything; others nothing", () => {
    expect(canAssignRole("admin", "owner", "viewer")).toBe(false);
    expect(canAssignRole("admin", "viewer", "owner")).toBe(false);
    expect(canAssignRole("admin", "viewer", "admin")).toBe(true);
    expect(canAssignRole("owner", "owner", "viewer")).toBe(true);
    expect(canAssignRole("developer", "viewer", "developer")).toBe(false);
    expect(canRemoveMember("admin", "owner")).toBe(false);
    expect(canRemoveMember("admin", "developer")).toBe(true);
    expect(canRemoveMember("owner", "owner")).toBe(true);
    expect(canRemoveMember("viewer", "viewer")).toBe(false);
  });
});

describe("assignableRoles", () => {
  // Written out independently of lib/domain/permissions.ts: [actor][current] → roles offered.
  const ALL: Role[] = ["owner", "admin", "developer", "viewer"];
  const BELOW_OWNER: Role[] = ["admin", "developer", "viewer"];
  const TABLE: Record<Role, Record<Role | "new", Role[]>> = {
    owner: { owner: ALL, admin: ALL, developer: ALL, viewer: ALL, new: ALL },
    admin: { owner: [], admin: BELOW_OWNER, developer: BELOW_OWNER, viewer: BELOW_OWNER, new: BELOW_OWNER },
    developer: { owner: [], admin: [], developer: [], viewer: [], new: [] },
    viewer: { owner: [], admin: [], developer: [], viewer: [], new: [] },
  };

  it.each(ROLES.flatMap((actor) => [...ROLES, null].map((current) => [actor, current] as const)))("%s changing %s", (actor, current) => {
    const expected = TABLE[actor][current ?? "new"];
    expect([...assignableRoles(actor, current)].sort()).toEqual([...expected].sort());
    // canAssignRole is the same rule, not a second copy of it.
    for (const next of ROLES) expect(canAssignRole(actor, current, next)).toBe(expected.includes(next));
  });

  it("never offers more than the actor's own rank, and includes the current role whenever it offers anything", () => {
    const rank = (role: Role) => ROLES.indexOf(role);
    for (const actor of ROLES) {
      for (const current of ROLES) {
        const offered = assignableRoles(actor, current);
        for (const role of offered) expect(rank(role)).toBeGreaterThanOrEqual(rank(actor));
        if (offered.length) expect(offered).toContain(current);
        // Only members:manage holders get anything at all.
        if (!can(actor, "members:manage")) expect(offered).toEqual([]);
      }
    }
  });
});
