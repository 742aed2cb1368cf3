import { requireMember } from "@/lib/auth/context";
import { AppHeader, SkipLink } from "@/components/app-shell/app-header";
import { SettingsNav } from "./settings-nav";

// Every page under /{slug}/settings belongs to that organization: a slug the user isn't a member of
// gets the app's 404 page (app/not-found.tsx), the same whether the organization exists or not.
// Pages check again themselves (layouts and pages render in parallel).
export default async function OrganizationSettingsLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const member = await requireMember((await params).slug);
  return (
    <div className="flex min-h-screen flex-col">
      <SkipLink />
      <AppHeader member={member} />
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 px-4 py-8 outline-none">
        <div className="space-y-6">
          <SettingsNav slug={member.organization.slug} canReadAuditLog={member.can("audit_log:read")} />
          {children}
        </div>
      </main>
    </div>
  );
}
