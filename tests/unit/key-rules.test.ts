import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkRestriction,
  DAY_MS,
  effectivePermissions,
  EXPIRATIONS,
  expiresAtFor,
  expiresSoon,
  isExpired,
  isInactive,
  MAX_EXPIRY_MS,
  mayRollKeyOf,
  MAX_ROLL_OVERLAP_SECONDS,
  missingPermissionCause,
  parseRestrictions,
  rollExpiries,
} from "@/lib/domain/api-keys/rules";
import { PERMISSIONS, permissionsOf, ROLES, type Permission } from "@/lib/domain/permissions";

const role = fc.constantFrom(...ROLES);
const restriction = fc.option(fc.subarray([...PERMISSIONS]), { nil: null });
const permission = fc.constantFrom(...PERMISSIONS);
// 2020 … 2040, in milliseconds.
const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) });

describe("effectivePermissions: restriction ∩ role", () => {
  it("never exceeds the role nor the restriction", () => {
    fc.assert(
      fc.property(role, restriction, (r, restricted) => {
        const effective = effectivePermissions(r, restricted);
        const granted = new Set(permissionsOf(r));
        for (const p of effective) {
          expect(granted.has(p)).toBe(true);
          if (restricted) expect(restricted).toContain(p);
        }
      }),
    );
  });

  it("is exactly the role when the key inherits it, and exactly the intersection otherwise", () => {
    fc.assert(
      fc.property(role, restriction, (r, restricted) => {
        const expected = permissionsOf(r).filter((p) => restricted === null || restricted.includes(p));
        expect(new Set(effectivePermissions(r, restricted))).toEqual(new Set(expected));
      }),
    );
  });

  it("a role change never widens a restricted key beyond its restriction", () => {
    fc.assert(
      fc.property(role, role, fc.subarray([...PERMISSIONS]), (before, after, restricted) => {
        const widened = effectivePermissions(after, restricted).filter((p) => !effectivePermissions(before, restricted).includes(p));
        for (const p of widened) expect(restricted).toContain(p);
      }),
    );
  });

  it("names the cause of a missing permission: the role first, then the restriction", () => {
    fc.assert(
      fc.property(role, restriction, permission, (r, restricted, p) => {
        const cause = missingPermissionCause(r, restricted, p);
        expect(cause === null).toBe(effectivePermissions(r, restricted).includes(p));
        if (cause === "role") expect(permissionsOf(r)).not.toContain(p);
        if (cause === "restriction") {
          expect(permissionsOf(r)).toContain(p);
          expect(restricted).not.toContain(p);
        }
      }),
    );
  });
});

describe("checkRestriction", () => {
  it("accepts a non-empty subset of the role and refuses anything else", () => {
    fc.assert(
      fc.property(role, fc.subarray([...PERMISSIONS]), (r, wanted) => {
        const result = checkRestriction(r, wanted);
        const allowed = wanted.length > 0 && wanted.every((p) => permissionsOf(r).includes(p));
        expect(result.ok).toBe(allowed);
        if (result.ok) expect(new Set(result.restrictions)).toEqual(new Set(wanted));
      }),
    );
  });

  it("says what is wrong", () => {
    expect(checkRestriction("viewer", [])).toMatchObject({ ok: false, message: expect.stringContaining("at least one") });
    expect(checkRestriction("viewer", ["usage:write"])).toMatchObject({ ok: false, message: expect.stringContaining("usage:write") });
  });

  it("parses stored restrictions: null stays null, unknown names are dropped, order is canonical", () => {
    expect(parseRestrictions(null)).toBeNull();
    expect(parseRestrictions(["usage:write", "nope", "organization:read", 3])).toEqual(["organization:read", "usage:write"]);
  });
});

describe("expiresAtFor", () => {
  it("presets are now + their length; never is null", () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...EXPIRATIONS.filter((e) => e !== "custom")), (now, choice) => {
        const result = expiresAtFor(choice, now);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        if (choice === "never") expect(result.expiresAt).toBeNull();
        else {
          expect(result.expiresAt!.getTime()).toBeGreaterThan(now);
          expect(result.expiresAt!.getTime() - now).toBeLessThanOrEqual(MAX_EXPIRY_MS);
        }
      }),
    );
    expect(expiresAtFor("30d", 0)).toEqual({ ok: true, expiresAt: new Date(30 * DAY_MS) });
  });

  it("a custom date is accepted exactly when its end of day is in the future and at most a year ahead", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -400, max: 400 }), (now, days) => {
        const day = new Date(now + days * DAY_MS).toISOString().slice(0, 10);
        const result = expiresAtFor("custom", now, day);
        const endOfDay = Date.parse(`${day}T23:59:59.999Z`);
        expect(result.ok).toBe(endOfDay > now && endOfDay - now <= MAX_EXPIRY_MS);
        if (result.ok) expect(result.expiresAt!.getTime()).toBe(endOfDay);
      }),
    );
  });

  it("refuses malformed and impossible dates with a message", () => {
    const now = Date.UTC(2026, 10, 29);
    expect(expiresAtFor("custom", now)).toMatchObject({ ok: false, message: "Choose a date." });
    expect(expiresAtFor("custom", now, "2027-02-30")).toMatchObject({ ok: false, message: "That date doesn't exist." });
    expect(expiresAtFor("custom", now, "2026-11-28")).toMatchObject({ ok: false, message: "Choose a date in the future." });
    expect(expiresAtFor("custom", now, "2028-01-01")).toMatchObject({ ok: false, message: "Choose a date at most 1 year ahead." });
  });
});

describe("rollExpiries", () => {
  const lifetime = fc.option(fc.integer({ min: 1, max: 365 * DAY_MS }), { nil: null });

  it("the old key stops after the overlap (never later than it would have), the new one gets the same lifetime", () => {
    fc.assert(
      fc.property(instant, lifetime, fc.integer({ min: 0, max: 400 * DAY_MS }), fc.integer({ min: 0, max: MAX_ROLL_OVERLAP_SECONDS }), (created, life, age, overlap) => {
        const createdAt = new Date(created);
        const expiresAt = life === null ? null : new Date(created + life);
        const now = created + Math.min(age, life === null ? age : life - 1);
        const { oldExpiresAt, newExpiresAt } = rollExpiries({ createdAt, expiresAt }, now, overlap);
        expect(oldExpiresAt.getTime()).toBeGreaterThanOrEqual(now);
        expect(oldExpiresAt.getTime()).toBeLessThanOrEqual(now + overlap * 1000);
        if (expiresAt) expect(oldExpiresAt.getTime()).toBeLessThanOrEqual(expiresAt.getTime());
        if (life === null) expect(newExpiresAt).toBeNull();
        else expect(newExpiresAt!.getTime() - now).toBe(Math.max(life, DAY_MS));
      }),
    );
  });

  it("clamps the overlap to 0…7 days", () => {
    const createdAt = new Date(0);
    expect(rollExpiries({ createdAt, expiresAt: null }, 1000, -5).oldExpiresAt.getTime()).toBe(1000);
    expect(rollExpiries({ createdAt, expiresAt: null }, 1000, 10 ** 9).oldExpiresAt.getTime()).toBe(1000 + MAX_ROLL_OVERLAP_SECONDS * 1000);
  });
});

describe("inactivity and expiry", () => {
  it("inactive: unused for 30 days, or never used and created more than 7 days ago", () => {
    const now = Date.UTC(2026, 10, 29);
    expect(isInactive({ createdAt: new Date(now - 6 * DAY_MS), lastUsedAt: null }, now)).toBe(false);
    expect(isInactive({ createdAt: new Date(now - 8 * DAY_MS), lastUsedAt: null }, now)).toBe(true);
    expect(isInactive({ createdAt: new Date(now - 90 * DAY_MS), lastUsedAt: new Date(now - 29 * DAY_MS) }, now)).toBe(false);
    expect(isInactive({ createdAt: new Date(now - 90 * DAY_MS), lastUsedAt: new Date(now - 31 * DAY_MS) }, now)).toBe(true);
  });

  it("expired and expires-soon are disjoint, and soon means within 7 days", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -30 * DAY_MS, max: 30 * DAY_MS }), (now, offset) => {
        const at = new Date(now + offset);
        expect(isExpired(at, now) && expiresSoon(at, now)).toBe(false);
        expect(isExpired(at, now)).toBe(offset <= 0);
        expect(expiresSoon(at, now)).toBe(offset > 0 && offset <= 7 * DAY_MS);
      }),
    );
    expect(isExpired(null, 0)).toBe(false);
    expect(expiresSoon(null, 0)).toBe(false);
  });
});

// Every permission appears in some role, so a restriction can always be chosen from a role.
it("the permission list and the roles agree", () => {
  const all = new Set<Permission>(ROLES.flatMap((r) => permissionsOf(r)));
  expect(all).toEqual(new Set(PERMISSIONS));
});

describe("mayRollKeyOf", () => {
  it("anyone rolls their own key; only an owner rolls another owner's; any other member's key is anyone's to roll", () => {
    for (const actorRole of ROLES) {
      for (const ownerRole of ROLES) {
        expect(mayRollKeyOf({ own: true, actorRole, ownerRole }), `${actorRole} own`).toBe(true);
        expect(mayRollKeyOf({ own: false, actorRole, ownerRole }), `${actorRole} rolls ${ownerRole}'s`).toBe(ownerRole !== "owner" || actorRole === "owner");
      }
    }
    expect(mayRollKeyOf({ own: false, actorRole: null, ownerRole: "owner" })).toBe(false);
  });
});
