import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { formatDay } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { getAccount } from "@/lib/auth/accounts";
import { ensureDatabase } from "@/lib/platform/runtime";
import { settingsPath } from "@/lib/domain/organizations/url";
import { ROLE_LABELS } from "@/lib/domain/permissions";
import { getSignedInUserId, getUserContext, lastUsedOrganization, memberIn } from "@/lib/auth/context";
import { AppHeader, SkipLink } from "@/components/app-shell/app-header";
import { ChangePasswordForm } from "./change-password-form";

export const metadata: Metadata = { title: "Account" };


/**
 * The signed-in person's own page: it belongs to no organization, and someone who left their last
 * organization still reaches it.
 */
export default async function AccountPage() {
  const userId = await getSignedInUserId();
  if (!userId) redirect("/login?callbackUrl=%2Faccount");
  await ensureDatabase();
  const account = await getAccount(userId);
  if (!account) redirect("/login?callbackUrl=%2Faccount");
  const context = await getUserContext();
  const member = context && memberIn(context, (await lastUsedOrganization(context)).slug);

  return (
    <div className="flex min-h-screen flex-col">
      <SkipLink />
      {member ? (
        <AppHeader member={member} />
      ) : (
        <header className="border-b">
          <div className="mx-auto flex h-14 max-w-6xl items-center px-4">
            <span className="font-semibold tracking-tight">Paygentic</span>
          </div>
        </header>
      )}
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-3xl flex-1 space-y-10 px-4 py-8 outline-none">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold tracking-tight">Account</h1>
          <p className="text-muted-foreground text-sm">Your sign-in details and the organizations you belong to.</p>
        </div>

        <section aria-labelledby="profile" className="space-y-4">
          <h2 id="profile" className="text-lg font-semibold tracking-tight">
            Profile
          </h2>
          <dl className="grid max-w-md grid-cols-[8rem_1fr] gap-x-4 gap-y-3 text-sm">
            <dt className="text-muted-foreground">Name</dt>
            <dd className="font-medium">{account.name}</dd>
            <dt className="text-muted-foreground">Email</dt>
            <dd>
              <span className="font-medium">{account.email}</span>
              <span className="text-muted-foreground block text-xs">Your email is how you sign in; it can&apos;t be changed here.</span>
            </dd>
            <dt className="text-muted-foreground">Member since</dt>
            <dd>{formatDay(account.createdAt, false)}</dd>
          </dl>
        </section>

        <section aria-labelledby="organizations" className="space-y-4">
          <h2 id="organizations" className="text-lg font-semibold tracking-tight">
            Organizations
          </h2>
          {account.organizations.length === 0 ? (
            <p className="text-muted-foreground rounded-lg border border-dashed px-4 py-6 text-sm">
              You don&apos;t belong to any organization. Ask an owner or admin for an invitation link.
            </p>
          ) : (
            <ul className="divide-y rounded-lg border">
              {account.organizations.map((organization) => (
                <li key={organization.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
                  <div className="min-w-0">
                    <Link href={settingsPath(organization.slug)} className="font-medium underline-offset-4 hover:underline">
                      {organization.name}
                    </Link>
                    <p className="text-muted-foreground text-xs">
                      /{organization.slug} · joined {formatDay(organization.joinedAt, false)}
                    </p>
                  </div>
                  <Badge variant={organization.role === "owner" ? "default" : "secondary"}>{ROLE_LABELS[organization.role]}</Badge>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section aria-labelledby="password" className="space-y-4">
          <div className="space-y-1">
            <h2 id="password" className="text-lg font-semibold tracking-tight">
              Change password
            </h2>
            <p className="text-muted-foreground text-sm">
              Changing your password signs you out everywhere else: any other browser or device signed in to your account.
            </p>
          </div>
          <ChangePasswordForm email={account.email} name={account.name} />
        </section>
      </main>
    </div>
  );
}
