import { describe, expect, it } from "vitest";
import { db } from "@/lib/platform/runtime";
import { loadUserContext, memberIn } from "@/lib/auth/context";
import { addMember, createOrganization, createUser, setupTestDatabase } from "@/tests/helpers/fixtures";

setupTestDatabase();

// Pages and actions act on the organization named by the page's URL (lib/auth/context.ts): these are
// the membership and permission answers they get, read from the database.
describe("the member context of an organization in the URL", () => {
  it("is the user's role in the organization of that slug, not in their first organization", async () => {
    const first = await createOrganization("First");
    const second = await createOrganization("Second");
    const user = await createUser();
    await addMember(first.id, user, "owner");
    await addMember(second.id, user, "viewer");
    const context = (await loadUserContext(user.id))!;

    expect(context.organizations.map((o) => o.slug)).toEqual([first.slug, second.slug]);
    const inSecond = memberIn(context, second.slug)!;
    expect(inSecond.organization).toMatchObject({ id: second.id, name: second.name, role: "viewer" });
    expect(inSecond.role).toBe("viewer");
    expect(inSecond.can("api_keys:write")).toBe(true);
    expect(inSecond.can("api_keys:manage")).toBe(false);
    expect(memberIn(context, first.slug)!.can("api_keys:manage")).toBe(true);
  });

  it("is null for an organization the user is not in, the same as for one that doesn't exist", async () => {
    const mine = await createOrganization("Mine");
    const theirs = await createOrganization("Theirs");
    const user = await createUser();
    await addMember(mine.id, user, "owner");
    await addMember(theirs.id, await createUser(), "owner");
    const context = (await loadUserContext(user.id))!;

    expect(memberIn(context, theirs.slug)).toBeNull();
    expect(memberIn(context, `no-such-${mine.slug}`)).toBeNull();
    // Slugs match exactly, and only a string is a slug (actions receive whatever a client sends).
    expect(memberIn(context, mine.slug.toUpperCase())).toBeNull();
    for (const forged of [undefined, null, 42, { slug: mine.slug }, [mine.slug], mine.id]) expect(memberIn(context, forged)).toBeNull();
    expect(memberIn(context, mine.slug)).not.toBeNull();
  });

  it("follows the database: a removal or a role change applies to the next request", async () => {
    const organization = await createOrganization();
    const user = await createUser();
    const member = await addMember(organization.id, user, "admin");
    expect(memberIn((await loadUserContext(user.id))!, organization.slug)!.role).toBe("admin");

    await db().membership.update({ where: { id: member.membershipId }, data: { role: "developer" } });
    expect(memberIn((await loadUserContext(user.id))!, organization.slug)!.can("members:manage")).toBe(false);

    const other = await createOrganization();
    await addMember(other.id, user, "viewer");
    await db().membership.delete({ where: { id: member.membershipId } });
    const context = (await loadUserContext(user.id))!;
    expect(memberIn(context, organization.slug)).toBeNull();
    expect(context.organizations.map((o) => o.slug)).toEqual([other.slug]);
  });

  it("has no user context for a user in no organization, or no user at all", async () => {
    const user = await createUser();
    expect(await loadUserContext(user.id)).toBeNull();
    expect(await loadUserContext("no-such-user")).toBeNull();
  });
});
