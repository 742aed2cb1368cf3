import "server-only";
import { getServerSession } from "next-auth";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { authOptions } from "@/lib/auth/options";
import { db, ensureDatabase } from "@/lib/db";
import { can, type Permission, type Role } from "@/lib/permissions";

export const ORGANIZATION_COOKIE = "paygentic_org";

export type OrganizationSummary = { id: string; name: string; slug: string; role: Role };

export type MemberContext = {
  user: { id: string; email: string; name: string };
  organization: OrganizationSummary;
  organizations: OrganizationSummary[];
  role: Role;
  can(permission: Permission): boolean;
};

/**
 * The signed-in user and their current organization, re-read from the database on every request:
 * the JWT says only who signed in, never which organizations or roles they have now.
 * `null` when signed out (the session cookie is missing, or its server-side session was revoked or
 * has expired: see lib/auth/sessions.ts), when the user no longer exists, or belongs to no organization.
 */
export const getMemberContext = cache(async (): Promise<MemberContext | null> => {
  const session = await getServerSession(authOptions());
  const userId = (session?.user as { id?: string } | undefined)?.id;
  if (!userId) return null;
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
  const organizations = user.memberships.map((m) => ({ ...m.organization, role: m.role as Role }));
  const wanted = (await cookies()).get(ORGANIZATION_COOKIE)?.value;
  const organization = organizations.find((o) => o.id === wanted) ?? organizations[0]!;
  return {
    user: { id: user.id, email: user.email, name: user.name },
    organization,
    organizations,
    role: organization.role,
    can: (permission) => can(organization.role, permission),
  };
});

/** For pages and layouts: a signed-out visitor goes to /login. */
export async function requireMember(): Promise<MemberContext> {
  const context = await getMemberContext();
  if (!context) redirect("/login");
  return context;
}
