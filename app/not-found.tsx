import type { Metadata } from "next";
import Link from "next/link";
import { settingsPath } from "@/lib/domain/organizations/url";
import { getUserContext, lastUsedOrganization, memberIn, type MemberContext } from "@/lib/auth/context";
import { AppHeader, SkipLink } from "@/components/app-shell/app-header";

export const metadata: Metadata = { title: "Page not found" };

/**
 * The header shows the last-used organization the user belongs to: on an organization's URL that
 * isn't theirs, nothing on this page differs between an organization that exists and one that doesn't.
 */
async function headerMember(): Promise<MemberContext | null> {
  const context = await getUserContext();
  return context && memberIn(context, (await lastUsedOrganization(context)).slug);
}

export default async function NotFound() {
  // Signed-out visitors (only public pages reach here for them) get the page without the header.
  const member = await headerMember().catch(() => null);
  return (
    <div className="flex min-h-screen flex-col">
      <SkipLink />
      {member ? (
        <AppHeader member={member} />
      ) : (
        <header className="border-b">
          <div className="mx-auto flex h-14 max-w-6xl items-center px-4">
            <Link href="/" className="font-semibold tracking-tight">
              Paygentic
            </Link>
          </div>
        </header>
      )}
      <main id="main" tabIndex={-1} className="mx-auto flex w-full max-w-xl flex-1 flex-col items-start justify-center gap-4 px-4 py-16 outline-none">
        <p className="text-muted-foreground font-mono text-sm">404</p>
        <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
        <p className="text-muted-foreground">
          There is nothing at this address. It may have moved, or the link may be mistyped.
        </p>
        <Link
          href={member ? settingsPath(member.organization.slug) : "/login"}
          className="bg-primary text-primary-foreground focus-visible:ring-ring inline-flex h-9 items-center rounded-md px-4 text-sm font-medium outline-none hover:opacity-90 focus-visible:ring-[3px]"
        >
          {member ? "Go to API Keys" : "Go to sign in"}
        </Link>
      </main>
    </div>
  );
}
