import "server-only";
import { getServerSession } from "next-auth";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { authOptions } from "@/lib/auth/options";
import { db, ensureDatabase } from "@/lib/db";
import { LAST_ORGANIZATION_COOKIE } from "@/lib/organization-url";
import { can, type Permission, type Role } from "@/lib/permissions";

export type OrganizationSummary = { id: string; name: string; slug: string; role: Role };

/** Who is signed in and the organizations they belong to now, oldest membership first. */
export type UserContext = {
  user: { id: string; email: string; name: string };
  organizations: OrganizationSummary[];
};

/** A signed-in user acting in one organization: the one named by the page's URL. */
export type MemberContext = UserContext & {
  organization: OrganizationSummary;
  role: Role;
  can(permission: Permission): boolean;
};

const SIGNED_OUT = "Your session has ended. Sign in again, then retry.";
const NOT_A_MEMBER = "You are no longer a member of this organization. Reload the page.";

/** A user's memberships, read from the database; `null` if the user is gone or in no organization. */
export async function loadUserContext(userId: string): Promise<UserContext | null> {
  await ensureDatabase();
  const user = await db().user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      memberships: {
        select: { role: true, organization: { select: { id: true, name: true, slug: true } } },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  if (!user || user.memberships.length === 0) return null;
  return {
    user: { id: user.id, email: user.email, name: user.name },
    organizations: user.memberships.map((m) => ({ ...m.organization, role: m.role as Role })),
  };
}

/** The user as a member of the organization with this slug, or `null` if they aren't one. */
export function memberIn(context: UserContext, slug: unknown): MemberContext | null {
  const organization = typeof slug === "string" ? context.organizations.find((o) => o.slug === slug) : undefined;
  if (!organization) return null;
  return { ...context, organization, role: organization.role, can: (permission) => can(organization.role, permission) };
}

/**
 * The signed-in user, re-read from the database on every request: the JWT says only who signed in,
 * never which organizations or roles they have now. `null` when signed out (the session cookie is
 * missing, or its server-side session was revoked or has expired: see lib/auth/sessions.ts), when
 * the user no longer exists, or belongs to no organization.
 */
export const getUserContext = cache(async (): Promise<UserContext | null> => {
  const userId = await getSignedInUserId();
  return userId ? loadUserContext(userId) : null;
});

/**
 * The signed-in user's id whether or not they belong to an organization (someone who left their
 * last one may still create one); `null` when signed out. Everything else asks getUserContext.
 */
export const getSignedInUserId = cache(async (): Promise<string | null> => {
  const session = await getServerSession(authOptions());
  return (session?.user as { id?: string } | undefined)?.id ?? null;
});

/** For pages and layouts: a signed-out visitor goes to /login. */
export async function requireUser(): Promise<UserContext> {
  const context = await getUserContext();
  if (!context) redirect("/login");
  return context;
}

/**
 * For pages and layouts under /{slug}: the app's 404 page for a slug the user isn't a member of,
 * the same whether the organization exists or not.
 */
export async function requireMember(slug: string): Promise<MemberContext> {
  const member = memberIn(await requireUser(), slug);
  if (!member) notFound();
  return member;
}

/**
 * For server actions: the member context in the organization the page showed (its slug is sent
 * with the action), or the message to return. Each action checks membership and permission here,
 * itself, so a tab left open on one organization can only act on that one.
 */
export async function memberForAction(slug: unknown): Promise<{ ok: true; member: MemberContext } | { ok: false; message: string }> {
  const context = await getUserContext();
  if (!context) return { ok: false, message: SIGNED_OUT };
  const member = memberIn(context, slug);
  return member ? { ok: true, member } : { ok: false, message: NOT_A_MEMBER };
}

/** Where `/` and the old `/settings/…` links go: the last organization visited, else the first. */
export async function lastUsedOrganization(context: UserContext): Promise<OrganizationSummary> {
  const slug = (await cookies()).get(LAST_ORGANIZATION_COOKIE)?.value;
  return context.organizations.find((o) => o.slug === slug) ?? context.organizations[0]!;
}
