import Link from "next/link";
import { settingsPath } from "@/lib/domain/organizations/url";
import { ROLE_LABELS } from "@/lib/domain/permissions";
import type { MemberContext } from "@/lib/auth/context";
import { OrganizationSwitcher } from "./organization-switcher";
import { UserMenu } from "./user-menu";

/** The signed-in header, shared by the dashboard and the not-found page. */
export function AppHeader({ member }: { member: MemberContext }) {
  const home = settingsPath(member.organization.slug);
  return (
    <header className="bg-background border-b">
      <div className="mx-auto flex h-14 max-w-7xl items-center gap-2 px-4 sm:gap-4">
        <Link href={home} className="font-semibold tracking-tight">
          Paygentic
        </Link>
        <span className="text-muted-foreground" aria-hidden>
          /
        </span>
        <div className="min-w-0">
          <OrganizationSwitcher
            current={{ slug: member.organization.slug, name: member.organization.name }}
            organizations={member.organizations.map((o) => ({ slug: o.slug, name: o.name, role: ROLE_LABELS[o.role] }))}
          />
        </div>
        <nav aria-label="Main" className="ml-2 hidden items-center gap-4 text-sm sm:flex">
          <Link href={home} className="text-muted-foreground hover:text-foreground">
            Settings
          </Link>
          <Link href="/docs/api" className="text-muted-foreground hover:text-foreground">
            API reference
          </Link>
        </nav>
        <div className="ml-auto">
          <UserMenu name={member.user.name} email={member.user.email} role={ROLE_LABELS[member.role]} />
        </div>
      </div>
      {/* Lists, dialogs and charts are drawn by scripts: without them the page would wait on its skeletons forever. */}
      <noscript>
        <p role="alert" className="border-t bg-amber-50 px-4 py-2 text-center text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-50">
          This dashboard needs JavaScript. Turn it on in your browser&apos;s settings, then reload the page.
        </p>
      </noscript>
    </header>
  );
}

/** The first stop for keyboard users: straight past the header to the page's content. */
export function SkipLink() {
  return (
    <a
      href="#main"
      className="bg-background text-foreground focus-visible:ring-ring sr-only z-50 rounded-md border px-3 py-2 text-sm font-medium focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus-visible:ring-[3px]"
    >
      Skip to content
    </a>
  );
}
