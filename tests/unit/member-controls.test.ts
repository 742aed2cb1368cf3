import { describe, expect, it } from "vitest";
import { leaveControl, roleChangeEffect, roleControl } from "@/app/(dashboard)/[slug]/settings/members/member-controls";
import { assignableRoles, ROLES } from "@/lib/domain/permissions";

describe("roleControl", () => {
  const context = { actorUserId: "me", ownerCount: 2 };

  it("offers exactly what assignableRoles allows", () => {
    for (const actorRole of ROLES) {
      for (const role of ROLES) {
        const control = roleControl({ userId: "them", role }, { ...context, actorRole });
        const allowed = assignableRoles(actorRole, role);
        if (control.kind === "editable") {
          expect(control.options.filter((o) => !o.disabled).map((o) => o.role)).toEqual(allowed);
        } else {
          expect(allowed.filter((r) => r !== role)).toEqual([]);
        }
      }
    }
  });

  it("locks the last owner's role, saying why", () => {
    expect(roleControl({ userId: "me", role: "owner" }, { actorRole: "owner", actorUserId: "me", ownerCount: 1 })).toEqual({
      kind: "locked",
      reason: "You're the organization's only owner. Make someone else an owner before changing your role.",
    });
  });
});

describe("leaveControl", () => {
  it("lets anyone but the last owner leave", () => {
    expect(leaveControl("owner", 1).kind).toBe("locked");
    expect(leaveControl("owner", 2).kind).toBe("enabled");
    for (const role of ["admin", "developer", "viewer"] as const) expect(leaveControl(role, 1).kind).toBe("enabled");
  });
});

describe("roleChangeEffect", () => {
  it("names what unrestricted keys lose", () => {
    expect(roleChangeEffect("admin", "developer", [null, null, null])).toBe(
      "Their 3 active API keys lose api_keys:manage, members:manage and audit_log:read at once.",
    );
    expect(roleChangeEffect("developer", "viewer", [null])).toBe("Their active API key loses usage:write at once.");
  });

  it("counts only the keys a change reaches: a restriction without the permission loses nothing", () => {
    expect(roleChangeEffect("developer", "viewer", [null, ["usage:read"], null])).toBe("2 of their 3 active API keys lose usage:write at once.");
    expect(roleChangeEffect("developer", "viewer", [["usage:read"]])).toBe("Their active API key keeps the permissions it has.");
  });

  it("says what each key gains, and that restricted keys never gain beyond their restriction", () => {
    expect(roleChangeEffect("viewer", "admin", [null, ["usage:read", "usage:write"]])).toBe(
      "1 of their 2 active API keys gains usage:write, api_keys:manage, members:manage and audit_log:read at once. " +
        "1 of their 2 active API keys gains usage:write at once. Restricted keys never gain beyond their restriction.",
    );
    // A restriction that holds nothing new: the key gains nothing, and the dialog says why.
    expect(roleChangeEffect("viewer", "developer", [["usage:read"]])).toBe(
      "Their active API key keeps the permissions it has. Restricted keys never gain beyond their restriction.",
    );
  });

  it("says when there are no keys, or the roles grant the same", () => {
    expect(roleChangeEffect("developer", "viewer", [])).toBe("They have no active API keys.");
    expect(roleChangeEffect("owner", "admin", [null, null])).toBe("Their 2 active API keys keep the permissions they have.");
  });
});
