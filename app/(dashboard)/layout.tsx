import Link from "next/link";
import { requireMember } from "@/lib/session";
import { ROLE_LABELS } from "@/lib/permissions";
import { OrganizationSwitcher } from "./organization-switcher";
import { UserMenu } from "./user-menu";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const member = await requireMember();
  return (
    <div className="flex min-h-screen flex-col">
      <header className="bg-background border-b">
        <div className="mx-auto flex h-14 max-w-6xl items-center gap-4 px-4">
          <Link href="/settings/api-keys" className="font-semibold tracking-tight">
            Paygentic
          </Link>
          <span className="text-muted-foreground" aria-hidden>
            /
          </span>
          <OrganizationSwitcher
            current={{ id: member.organization.id, name: member.organization.name }}
            organizations={member.organizations.map((o) => ({ id: o.id, name: o.name, role: ROLE_LABELS[o.role] }))}
          />
          <nav aria-label="Main" className="ml-4 flex items-center gap-4 text-sm">
            <Link href="/settings/api-keys" className="text-muted-foreground hover:text-foreground">
              Settings
            </Link>
          </nav>
          <div className="ml-auto">
            <UserMenu name={member.user.name} email={member.user.email} role={ROLE_LABELS[member.role]} />
          </div>
        </div>
      </header>
      <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-8">{children}</main>
    </div>
  );
}
