import "server-only";
import { getServerSession } from "next-auth";
import { cookies, headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { authOptions, readSession } from "@/lib/auth/options";
import { db, ensureDatabase } from "@/lib/platform/runtime";
import { asDatabaseUnavailable, DatabaseUnavailableError, isDatabaseUnavailable } from "@/lib/platform/db/errors";
import { LAST_ORGANIZATION_COOKIE } from "@/lib/domain/organizations/url";
import { can, type Permission, type Role } from "@/lib/domain/permissions";

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
/** What a server action answers when the database is unreachable: not "signed out", and nothing was done. */
export const SERVICE_UNAVAILABLE = "The service is temporarily unavailable. Try again in a moment.";
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
 * the user no longer exists, or belongs to no organization. Throws DatabaseUnavailableError when
 * the database is unreachable, like getSignedInUserId.
 */
export const getUserContext = cache(async (): Promise<UserContext | null> => {
  const userId = await getSignedInUserId();
  if (!userId) return null;
  try {
    return await loadUserContext(userId);
  } catch (error) {
    throw asDatabaseUnavailable(error);
  }
});

/**
 * The signed-in user's id whether or not they belong to an organization (someone who left their
 * last one may still create one); `null` when signed out. Everything else asks getUserContext.
 *
 * A session that couldn't be checked (the database is unreachable) is neither: it throws
 * DatabaseUnavailableError, so nobody gets in unchecked and nobody is sent to sign in again by an
 * outage. Pages show the 503 page for it (app/error.tsx); actions answer SERVICE_UNAVAILABLE.
 */
export const getSignedInUserId = cache(async (): Promise<string | null> => {
  const { result: session, check } = await readSession(readRequestSession);
  if (check === "unavailable") throw new DatabaseUnavailableError();
  return (session?.user as { id?: string } | undefined)?.id ?? null;
});

/**
 * getServerSession as its one-argument (Server Component) form runs it: the request's headers and
 * cookies in, nothing out (a page can't set cookies; next-auth's refreshed cookie is dropped). The
 * request is read here rather than inside next-auth, whose own `require("next/headers")` no test
 * can stand in for: the integration tests give this module a request and check what it answers.
 */
async function readRequestSession() {
  const [requestHeaders, jar] = await Promise.all([headers(), cookies()]);
  const req = { headers: Object.fromEntries(requestHeaders), cookies: Object.fromEntries(jar.getAll().map((c) => [c.name, c.value])) };
  const res = { getHeader() {}, setCookie() {}, setHeader() {} };
  return getServerSession(req as never, res as never, authOptions());
}

/**
 * For server actions that need only the signed-in user: their id, or the message to return
 * (signed out, or the database unreachable).
 */
export async function userIdForAction(): Promise<{ ok: true; userId: string } | { ok: false; message: string }> {
  try {
    const userId = await getSignedInUserId();
    return userId ? { ok: true, userId } : { ok: false, message: SIGNED_OUT };
  } catch (error) {
    if (isDatabaseUnavailable(error)) return { ok: false, message: SERVICE_UNAVAILABLE };
    throw error;
  }
}

/**
 * For pages and layouts: a signed-out visitor goes to /login. While the database is unreachable
 * DatabaseUnavailableError propagates to the error boundary, which shows the 503 page.
 */
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
  let context: UserContext | null;
  try {
    context = await getUserContext();
  } catch (error) {
    if (isDatabaseUnavailable(error)) return { ok: false, message: SERVICE_UNAVAILABLE };
    throw error;
  }
  if (!context) return { ok: false, message: SIGNED_OUT };
  const member = memberIn(context, slug);
  return member ? { ok: true, member } : { ok: false, message: NOT_A_MEMBER };
}

/** Where `/` and the old `/settings/…` links go: the last organization visited, else the first. */
export async function lastUsedOrganization(context: UserContext): Promise<OrganizationSummary> {
  const slug = (await cookies()).get(LAST_ORGANIZATION_COOKIE)?.value;
  return context.organizations.find((o) => o.slug === slug) ?? context.organizations[0]!;
}
