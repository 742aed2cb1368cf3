import bcrypt from "bcryptjs";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";

export const DEMO_PASSWORD = "demo-password";
export const PASSWORD_HASH_COST = 12;

export const DEMO_ORGANIZATIONS = [
  { slug: "acme", name: "Acme Inc" },
  { slug: "globex", name: "Globex" },
] as const;

export const DEMO_USERS: { email: string; name: string; memberships: { slug: string; role: Role }[] }[] = [
  { email: "alice@acme.test", name: "Alice Owner", memberships: [{ slug: "acme", role: "owner" }] },
  { email: "adam@acme.test", name: "Adam Admin", memberships: [{ slug: "acme", role: "admin" }] },
  {
    email: "dana@acme.test",
    name: "Dana Developer",
    memberships: [
      { slug: "acme", role: "developer" },
      { slug: "globex", role: "developer" },
    ],
  },
  { email: "victor@acme.test", name: "Victor Viewer", memberships: [{ slug: "acme", role: "viewer" }] },
  { email: "gina@globex.test", name: "Gina Owner", memberships: [{ slug: "globex", role: "owner" }] },
];

/**
 * Idempotent: creates what is missing and leaves what exists (including changed passwords and
 * roles) alone, so it is safe to run on every start or by hand.
 */
export async function seedDemoData(prisma: PrismaClient): Promise<void> {
  const organizations = new Map<string, string>();
  for (const org of DEMO_ORGANIZATIONS) {
    const row = await prisma.organization.upsert({
      where: { slug: org.slug },
      update: {},
      create: { slug: org.slug, name: org.name },
    });
    organizations.set(org.slug, row.id);
  }
  const existing = new Set(
    (await prisma.user.findMany({ where: { email: { in: DEMO_USERS.map((u) => u.email) } }, select: { email: true } })).map(
      (u) => u.email,
    ),
  );
  const passwordHash = existing.size < DEMO_USERS.length ? await bcrypt.hash(DEMO_PASSWORD, PASSWORD_HASH_COST) : "";
  for (const user of DEMO_USERS) {
    const row = await prisma.user.upsert({
      where: { email: user.email },
      update: {},
      create: { email: user.email, name: user.name, passwordHash },
    });
    if (existing.has(user.email)) continue;
    for (const m of user.memberships) {
      const organizationId = organizations.get(m.slug)!;
      await prisma.membership.upsert({
        where: { organizationId_userId: { organizationId, userId: row.id } },
        update: {},
        create: { organizationId, userId: row.id, role: m.role },
      });
    }
  }
}
