import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/platform/runtime";
import { isValidSlug, SLUG_MAX, SLUG_MIN } from "@/lib/domain/organizations/slug";
import { isReservedSlug } from "@/lib/domain/organizations/url";
import { createOrganization, deriveSlug, MAX_ORGANIZATIONS_CREATED_PER_USER, OrganizationError } from "@/lib/domain/organizations/organizations";
import { actorFor, createUser, setupTestDatabase, suffix } from "@/tests/helpers/fixtures";

setupTestDatabase();

async function expectOrganizationError(promise: Promise<unknown>, code: OrganizationError["code"]): Promise<OrganizationError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected OrganizationError ${code}`).toBeInstanceOf(OrganizationError);
  expect((error as OrganizationError).code).toBe(code);
  return error as OrganizationError;
}

describe("deriveSlug", () => {
  it("turns a name into a slug", () => {
    expect(deriveSlug("Acme Inc.")).toBe("acme-inc");
    expect(deriveSlug("  Café  Zoë  & Co ")).toBe("cafe-zoe-co");
    expect(deriveSlug("İstanbul Straße")).toBe("istanbul-strasse");
    expect(deriveSlug("AB")).toBe("ab-org");
    expect(deriveSlug("Settings")).toBe("settings-org");
    expect(deriveSlug("日本")).toBe("");
    expect(deriveSlug("x".repeat(100))).toHaveLength(SLUG_MAX);
  });

  it("always gives a valid slug, or nothing (the form then asks for one)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), fc.stringMatching(/^[A-Za-z -]{0,60}$/)), (name) => {
        const slug = deriveSlug(name);
        if (slug === "") return;
        expect(isValidSlug(slug), slug).toBe(true);
        expect(slug.length).toBeGreaterThanOrEqual(SLUG_MIN);
        expect(slug.length).toBeLessThanOrEqual(SLUG_MAX);
        expect(isReservedSlug(slug)).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it("gives a slug whenever the name has a Latin letter or digit", () => {
    fc.assert(
      fc.property(fc.string(), fc.stringMatching(/^[a-zA-Z0-9]$/), fc.string(), (before, ch, after) => {
        expect(deriveSlug(before + ch + after)).not.toBe("");
      }),
    );
  });
});

describe("createOrganization", () => {
  it("makes the creator its only owner and audits organization.created", async () => {
    const user = await createUser();
    const name = `Rocket Labs ${suffix()}`;
    const created = await createOrganization({ name, userId: user.id, actor: actorFor(user.id) });
    expect(created.slug).toBe(deriveSlug(name));
    expect(created.name).toBe(name);
    const members = await db().membership.findMany({ where: { organizationId: created.id } });
    expect(members).toMatchObject([{ userId: user.id, role: "owner" }]);
    const audit = await db().auditEvent.findMany({ where: { organizationId: created.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "organization.created",
      actorUserId: user.id,
      targetType: "organization",
      targetId: created.id,
      ip: "203.0.113.7",
      metadata: { name, slug: created.slug, owner_id: user.id },
    });
  });

  it("takes an explicit slug as typed, and refuses a taken one with a free suggestion", async () => {
    const user = await createUser();
    const slug = `team-${suffix()}`;
    expect((await createOrganization({ name: "Team", slug, userId: user.id, actor: actorFor(user.id) })).slug).toBe(slug);
    const error = await expectOrganizationError(createOrganization({ name: "Team again", slug, userId: user.id, actor: actorFor(user.id) }), "slug_taken");
    expect(error.details).toEqual({ field: "slug", suggestion: `${slug}-2` });
    expect(error.message).toContain(`${slug}-2`);
    expect(await db().organization.count({ where: { slug: { startsWith: slug } } })).toBe(1);
  });

  it("gives a derived slug that is taken the next free number", async () => {
    const user = await createUser();
    const name = `Globex Corp ${suffix()}`;
    const first = await createOrganization({ name, userId: user.id, actor: actorFor(user.id) });
    const second = await createOrganization({ name, userId: user.id, actor: actorFor(user.id) });
    const third = await createOrganization({ name, userId: user.id, actor: actorFor(user.id) });
    expect([second.slug, third.slug]).toEqual([`${first.slug}-2`, `${first.slug}-3`]);
  });

  it("refuses reserved and malformed slugs, and names that show nothing", async () => {
    const user = await createUser();
    for (const slug of ["settings", "api", "login", "invite", "account", "signup", "docs"]) {
      const error = await expectOrganizationError(createOrganization({ name: "X Corp", slug, userId: user.id, actor: actorFor(user.id) }), "invalid");
      expect(error.details.field).toBe("slug");
      expect(error.message).toMatch(/reserved/);
    }
    for (const slug of ["ab", "Upper-Case", "-lead", "trail-", "dou--ble", "a".repeat(SLUG_MAX + 1), "sp ace", "ünï"]) {
      const error = await expectOrganizationError(createOrganization({ name: "X Corp", slug, userId: user.id, actor: actorFor(user.id) }), "invalid");
      expect(error.details.field, slug).toBe("slug");
    }
    for (const name of ["", "   ", "\u200b", "a\u202eb", "x".repeat(65)]) {
      const error = await expectOrganizationError(createOrganization({ name, userId: user.id, actor: actorFor(user.id) }), "invalid");
      expect(error.details.field).toBe("name");
    }
    // A name with nothing to derive a slug from needs one typed.
    const error = await expectOrganizationError(createOrganization({ name: "日本", userId: user.id, actor: actorFor(user.id) }), "invalid");
    expect(error.details.field).toBe("slug");
    expect((await createOrganization({ name: "日本", slug: `nihon-${suffix()}`, userId: user.id, actor: actorFor(user.id) })).name).toBe("日本");
  });

  it("two creations racing for one explicit slug: one wins, the other is told it's taken", async () => {
    const [a, b] = [await createUser(), await createUser()];
    const slug = `race-${suffix()}`;
    const results = await Promise.allSettled([
      createOrganization({ name: "Race A", slug, userId: a.id, actor: actorFor(a.id) }),
      createOrganization({ name: "Race B", slug, userId: b.id, actor: actorFor(b.id) }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(OrganizationError);
    expect((refused.reason as OrganizationError).code).toBe("slug_taken");
    expect(await db().organization.count({ where: { slug } })).toBe(1);
    // The loser has no stray organization or membership.
    expect(await db().membership.count({ where: { userId: { in: [a.id, b.id] } } })).toBe(1);
  });

  it("two creations racing for one derived slug both succeed, with different slugs", async () => {
    const [a, b] = [await createUser(), await createUser()];
    const name = `Same Name ${suffix()}`;
    const [x, y] = await Promise.all([
      createOrganization({ name, userId: a.id, actor: actorFor(a.id) }),
      createOrganization({ name, userId: b.id, actor: actorFor(b.id) }),
    ]);
    expect(new Set([x.slug, y.slug])).toEqual(new Set([deriveSlug(name), `${deriveSlug(name)}-2`]));
  });

  it(`caps creations at ${MAX_ORGANIZATIONS_CREATED_PER_USER} per user, even in parallel`, async () => {
    const user = await createUser();
    const base = `cap-${suffix()}`;
    // Most of the way there directly (faster), the rest in parallel.
    for (let i = 0; i < MAX_ORGANIZATIONS_CREATED_PER_USER - 3; i++) {
      await createOrganization({ name: `Cap ${i}`, slug: `${base}-${i}`, userId: user.id, actor: actorFor(user.id) });
    }
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => createOrganization({ name: `Cap p${i}`, slug: `${base}-p${i}`, userId: user.id, actor: actorFor(user.id) })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "limit_reached" });
      expect(((r as PromiseRejectedResult).reason as Error).message).toContain(String(MAX_ORGANIZATIONS_CREATED_PER_USER));
    }
    expect(await db().membership.count({ where: { userId: user.id } })).toBe(MAX_ORGANIZATIONS_CREATED_PER_USER);
  });
});
