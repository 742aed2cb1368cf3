import { encode } from "next-auth/jwt";
import { isRedirectError } from "next/dist/client/components/redirect-error";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiKeyAction, revokeApiKeyAction, revokeApiKeysAction, rollApiKeyAction, updateApiKeyAction } from "@/app/(dashboard)/[slug]/settings/api-keys/actions";
import { changeMemberRoleAction, leaveOrganizationAction, removeMemberAction } from "@/app/(dashboard)/[slug]/settings/members/actions";
import { inviteMemberAction, revokeInvitationAction } from "@/app/(dashboard)/[slug]/settings/members/invitation-actions";
import { changePasswordAction } from "@/app/account/actions";
import { acceptInvitationAction, joinInvitationAction } from "@/app/invite/[token]/actions";
import { signInAction } from "@/app/login/actions";
import { signUpAction } from "@/app/signup/actions";
import { createOrganizationAction } from "@/components/app-shell/organization-actions";
import { defineAction, defineFormAction } from "@/lib/actions/define-action";
import { NOT_A_FORM, NOT_AN_INPUT } from "@/lib/actions/result";
import { authOptions } from "@/lib/auth/options";
import { env } from "@/lib/platform/config";
import { db } from "@/lib/platform/runtime";
import {
  createKey,
  createOrganization,
  createOrganizationWithRoles,
  setupTestDatabase,
  type RoleSet,
  type TestMember,
  type TestOrganization,
} from "@/tests/helpers/fixtures";

// Server actions called in-process, as Next calls them: the request scope (headers, cookies) is a
// stand-in browser, and revalidation (which needs Next's render store) is recorded, not run.
const COOKIE = "next-auth.session-token";
const browser = vi.hoisted(() => ({ cookies: new Map<string, string>(), revalidated: [] as string[] }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "localhost:3000", "x-forwarded-proto": "http", "x-forwarded-for": "203.0.113.9", "user-agent": "action-kit-test" }),
  cookies: async () => ({
    getAll: () => [...browser.cookies].map(([name, value]) => ({ name, value })),
    get: (name: string) => (browser.cookies.has(name) ? { name, value: browser.cookies.get(name)! } : undefined),
  }),
}));
vi.mock("next/cache", () => ({ revalidatePath: (path: string) => void browser.revalidated.push(path) }));

setupTestDatabase();

async function signInAs(user: { id: string; name: string; email: string }) {
  const token = await authOptions().callbacks!.jwt!({
    token: { sub: user.id, name: user.name, email: user.email },
    user: { id: user.id, name: user.name, email: user.email },
    account: null,
    trigger: "signIn",
  });
  browser.cookies.set(COOKIE, await encode({ token, secret: env().authSecret }));
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

let organization: TestOrganization;
let members: RoleSet;
let other: TestOrganization;

beforeAll(async () => {
  ({ organization, members } = await createOrganizationWithRoles("Action Kit"));
  other = await createOrganization("Elsewhere");
});

afterEach(() => {
  browser.cookies.clear();
  browser.revalidated.length = 0;
  vi.restoreAllMocks();
});

describe("malformed input is a failure result, never a thrown TypeError", () => {
  const notForms = [undefined, null, "name=x", { get: () => "x" }, []];

  it.each([
    ["createApiKeyAction (member)", createApiKeyAction],
    ["updateApiKeyAction (member)", updateApiKeyAction],
    ["inviteMemberAction (member)", inviteMemberAction],
    ["createOrganizationAction (user)", createOrganizationAction],
    ["changePasswordAction (user)", changePasswordAction],
    ["acceptInvitationAction (user)", acceptInvitationAction],
    ["signInAction (public)", signInAction],
    ["signUpAction (public)", signUpAction],
    ["joinInvitationAction (public)", joinInvitationAction],
  ] as const)("a form action's second argument that isn't a form: %s", async (_name, action) => {
    await signInAs(members.owner);
    for (const value of notForms) {
      expect(await (action as (p: unknown, f: unknown) => Promise<unknown>)(null, value)).toEqual({ ok: false, message: NOT_A_FORM });
    }
  });

  it.each([
    ["revokeApiKeyAction", revokeApiKeyAction],
    ["rollApiKeyAction", rollApiKeyAction],
    ["revokeApiKeysAction", revokeApiKeysAction],
    ["changeMemberRoleAction", changeMemberRoleAction],
    ["removeMemberAction", removeMemberAction],
    ["leaveOrganizationAction", leaveOrganizationAction],
    ["revokeInvitationAction", revokeInvitationAction],
  ] as const)("an object action's input that isn't an object: %s", async (_name, action) => {
    await signInAs(members.owner);
    for (const value of [undefined, null, "acme", 42, [organization.slug]]) {
      expect(await (action as (i: unknown) => Promise<unknown>)(value)).toEqual({ ok: false, message: NOT_AN_INPUT });
    }
  });

  it("fields of the wrong type are the action's own answer, not a 500", async () => {
    await signInAs(members.owner);
    expect(await revokeApiKeyAction({ organization: organization.slug, keyId: { $ne: 1 } } as never)).toEqual({
      ok: false,
      message: `That key doesn't exist in ${organization.name}. Refresh the list.`,
    });
    expect(await revokeApiKeysAction({ organization: organization.slug, keyIds: "all" } as never)).toMatchObject({ ok: false });
    expect(await rollApiKeyAction({ organization: organization.slug, keyId: members.owner.key.id, overlapSeconds: "0" } as never)).toMatchObject({
      ok: false,
      message: "Choose when the old key stops working, then try again.",
      fieldErrors: { overlapSeconds: expect.any(Array) },
    });
  });
});

describe("who may act", () => {
  it("signed out: the session-ended message, with the typed values echoed", async () => {
    expect(await revokeApiKeyAction({ organization: organization.slug, keyId: members.owner.key.id })).toEqual({
      ok: false,
      message: "Your session has ended. Sign in again, then retry.",
    });
    expect(await createOrganizationAction(null, form({ name: "Typed", slug: "typed" }))).toEqual({
      ok: false,
      message: "Your session has ended. Sign in again, then retry.",
      values: { name: "Typed", slug: "typed" },
    });
    expect(await acceptInvitationAction(null, form({ token: "x" }))).toEqual({
      ok: false,
      message: "Your session has ended. Sign in again, then accept the invitation.",
    });
  });

  it("a member of another organization only: not a member, and nothing is changed", async () => {
    await signInAs(members.owner);
    expect(await revokeApiKeyAction({ organization: other.slug, keyId: members.owner.key.id })).toEqual({
      ok: false,
      message: "You are no longer a member of this organization. Reload the page.",
    });
    const created = await createApiKeyAction(null, form({ organization: other.slug, name: "ci", environment: "production" }));
    expect(created).toMatchObject({ ok: false, message: "You are no longer a member of this organization. Reload the page.", values: { name: "ci" } });
    expect(await db().apiKey.findUnique({ where: { id: members.owner.key.id }, select: { revokedAt: true } })).toEqual({ revokedAt: null });
  });

  it("a role without the permission gets the action's own refusal", async () => {
    await signInAs(members.viewer);
    expect(await removeMemberAction({ organization: organization.slug, membershipId: members.developer.membershipId })).toEqual({
      ok: false,
      message: "Only owners and admins can remove members.",
    });
    expect(await changeMemberRoleAction({ organization: organization.slug, membershipId: members.developer.membershipId, role: "owner" })).toEqual({
      ok: false,
      message: "Only owners and admins can change roles.",
    });
    expect(await inviteMemberAction(null, form({ organization: organization.slug, email: "new@example.test", role: "viewer" }))).toMatchObject({
      ok: false,
      message: `Only owners and admins can invite members to ${organization.name}.`,
    });
    expect(await db().membership.findUnique({ where: { id: members.developer.membershipId }, select: { role: true } })).toEqual({ role: "developer" });
  });
});

describe("parsing, the handler and its errors", () => {
  it("the shared schema's errors go beside the fields, with the values echoed", async () => {
    await signInAs(members.owner);
    const result = await createApiKeyAction(null, form({ organization: organization.slug, name: "", environment: "moon" }));
    expect(result).toMatchObject({
      ok: false,
      message: "Check the highlighted fields.",
      fieldErrors: { name: expect.any(Array), environment: ["Choose Production, Staging or Development."] },
      values: { name: "", environment: "moon", expiration: "never", access: "inherit" },
    });
  });

  it("success: the data, the audit actor from the request, the page revalidated", async () => {
    await signInAs(members.admin);
    const result = await createApiKeyAction(null, form({ organization: organization.slug, name: "kit key", environment: "staging" }));
    if (!result.ok) throw new Error(result.message);
    expect(result.data.apiKey).toMatchObject({ name: "kit key" });
    expect(browser.revalidated).toEqual([`/${organization.slug}/settings/api-keys`]);
    const event = await db().auditEvent.findFirst({ where: { organizationId: organization.id }, orderBy: { createdAt: "desc" } });
    expect(event).toMatchObject({ actorUserId: members.admin.id, ip: "203.0.113.9", userAgent: "action-kit-test" });
  });

  it("a domain error becomes its message (and the revoke list is refreshed)", async () => {
    await signInAs(members.owner);
    const key = await createKey(organization.id, members.owner.id);
    expect(await revokeApiKeyAction({ organization: organization.slug, keyId: key.id })).toMatchObject({ ok: true });
    browser.revalidated.length = 0;
    const again = await revokeApiKeyAction({ organization: organization.slug, keyId: key.id });
    expect(again).toEqual({ ok: false, message: expect.stringMatching(/^This key was already revoked by .* Refresh the list\.$/) });
    expect(browser.revalidated).toEqual([`/${organization.slug}/settings/api-keys`]);

    const alone = await createOrganization("Alone");
    const owner: TestMember = { ...members.owner, membershipId: "", role: "owner" };
    await db().membership.create({ data: { organizationId: alone.id, userId: owner.id, role: "owner" } });
    expect(await leaveOrganizationAction({ organization: alone.slug })).toEqual({
      ok: false,
      message: "You're the organization's only owner. Make someone else an owner before leaving.",
    });
  });

  it("redirect() from a handler is Next's answer, passed through", async () => {
    await signInAs(members.developer);
    const slug = `kit-${Date.now().toString(36)}`;
    const error = await createOrganizationAction(null, form({ name: "Kit Org", slug })).catch((e: unknown) => e);
    expect(isRedirectError(error)).toBe(true);
    expect(await db().organization.findUnique({ where: { slug }, select: { name: true } })).toEqual({ name: "Kit Org" });
  });
});

describe("an unexpected error", () => {
  const broken = defineAction({ label: "[kit-test] explode", access: "public", fallback: "It didn't work. Nothing changed; try again." }, async () => {
    throw new Error("db said:\n[audit] forged line \u001b[31m");
  });
  const brokenForm = defineFormAction(
    {
      label: "[kit-test] explode form",
      access: "member",
      fields: (formData) => ({ note: String(formData.get("note")) }),
      values: (fields) => fields,
      fallback: "The form didn't work. Nothing changed; try again.",
    },
    async () => {
      throw new TypeError("x is not a function\r\n");
    },
  );

  it("becomes the action's fallback, logged on one escaped line", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await broken({})).toEqual({ ok: false, message: "It didn't work. Nothing changed; try again." });
    expect(logged).toHaveBeenCalledTimes(1);
    const line = String(logged.mock.calls[0]![0]);
    expect(line).toBe("[kit-test] explode failed: db said:\\n[audit] forged line \\u001b[31m");
    expect(line).not.toMatch(/[\n\r\u001b]/);
  });

  it("in a form action, with the values echoed", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    await signInAs(members.viewer);
    expect(await brokenForm(null, form({ organization: organization.slug, note: "typed" }))).toEqual({
      ok: false,
      message: "The form didn't work. Nothing changed; try again.",
      values: { note: "typed" },
    });
    expect(logged.mock.calls.map((c) => String(c[0]))).toEqual(["[kit-test] explode form failed: x is not a function\\r\\n"]);
  });
});
