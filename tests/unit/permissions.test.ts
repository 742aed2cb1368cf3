import { describe, expect, it } from "vitest";
import { can, canAssignRole, canRemoveMember, PERMISSIONS, permissionsOf, ROLES, type Permission, type Role } from "@/lib/permissions";

// The product spec's table, written out independently of lib/permissions.ts.
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
