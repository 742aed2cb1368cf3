import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { signedInUser } from "@/lib/auth/accounts";
import { ensureDatabase } from "@/lib/platform/runtime";
import { countInvitationAttempt, findInvitationByToken, InvitationError, type InvitationLookup } from "@/lib/domain/members/invitations";
import { settingsPath } from "@/lib/domain/organizations/url";
import { ROLE_LABELS } from "@/lib/domain/permissions";
import { clientIp } from "@/lib/platform/request-info";
import { getUserContext } from "@/lib/auth/context";
import { AcceptInvitation, SignOutAndSwitch } from "./accept-invitation";
import { JoinForm } from "./join-form";

// The token must not reach another site in a Referer. "same-origin", not "no-referrer": under
// no-referrer a form's POST carries `Origin: null`, which the server-action origin check refuses,
// and the join form must work as a plain HTML form too.
export const metadata: Metadata = { title: "Invitation", referrer: "same-origin" };

const linkButton =
  "bg-primary text-primary-foreground focus-visible:ring-ring inline-flex h-9 items-center justify-center rounded-md px-4 text-sm font-medium outline-none hover:opacity-90 focus-visible:ring-[3px]";

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <main id="main" className="flex min-h-screen items-center justify-center bg-muted/40 px-4 py-10">
      <div className="w-full max-w-md space-y-6">
        <p className="text-center text-2xl font-semibold tracking-tight">Paygentic</p>
        <div className="bg-background space-y-5 rounded-xl border p-6 shadow-sm">{children}</div>
      </div>
    </main>
  );
}

const DEAD_LINK: Record<Exclude<InvitationLookup["status"], "pending">, { title: string; body: (organization: string) => string }> = {
  expired: {
    title: "This invitation has expired",
    body: (o) => `Invitations are valid for 7 days, and this one to join ${o} is past that.`,
  },
  accepted: {
    title: "This invitation has already been used",
    body: (o) => `Each invitation link works once, and this one to join ${o} has been used.`,
  },
  revoked: {
    title: "This invitation was revoked",
    body: (o) => `An owner or admin of ${o} withdrew this invitation, so its link no longer works.`,
  },
};

/**
 * The page behind an invitation link: public, outside the dashboard. A dead link names the
 * organization and nothing else about it; an unknown one says nothing at all; a live one says
 * nothing about whether the invited address has an account.
 */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  await ensureDatabase();
  const invitation = await findInvitationByToken(token);

  if (!invitation) {
    // Unknown links count against the address: a scan of the link space is refused, not answered.
    const limited = await countInvitationAttempt(clientIp(await headers())).then(
      () => null,
      (error: unknown) => (error instanceof InvitationError ? error.message : null),
    );
    return (
      <Shell>
        <h1 className="text-xl font-semibold tracking-tight">This invitation link isn&apos;t valid</h1>
        <p className="text-muted-foreground text-sm">
          {limited ?? "Check that you copied the whole link. If it still doesn't work, ask whoever invited you for a new one."}
        </p>
        <Link href="/login" className={linkButton}>
          Go to sign in
        </Link>
      </Shell>
    );
  }

  const organization = invitation.organization.name;
  if (invitation.status !== "pending") {
    const dead = DEAD_LINK[invitation.status];
    const context = await getUserContext();
    return (
      <Shell>
        <h1 className="text-xl font-semibold tracking-tight">{dead.title}</h1>
        <p className="text-muted-foreground text-sm">
          {dead.body(organization)} Ask whoever invited you for a new link.
        </p>
        <Link href={context ? settingsPath(context.organizations[0]!.slug) : "/login"} className={linkButton}>
          {context ? "Go to your dashboard" : "Go to sign in"}
        </Link>
      </Shell>
    );
  }

  const user = await signedInUser();
  const invitePath = `/invite/${token}`;
  const intro = (
    <div className="space-y-1">
      <h1 className="text-xl font-semibold tracking-tight">Join {organization}</h1>
      <p className="text-muted-foreground text-sm">
        {invitation.invitedByName ? `${invitation.invitedByName} invited you` : "You're invited"} to join {organization} as{" "}
        {ROLE_LABELS[invitation.role]}.
      </p>
    </div>
  );

  if (user) {
    const matches = user.email.toLowerCase() === invitation.email;
    return (
      <Shell>
        {intro}
        {matches ? (
          <AcceptInvitation token={token} email={user.email} organization={organization} />
        ) : (
          <div className="space-y-4">
            <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
              This invitation is for <span className="font-medium">{invitation.email}</span>, but you are signed in as{" "}
              <span className="font-medium">{user.email}</span>. Only {invitation.email} can accept it.
            </p>
            <SignOutAndSwitch callbackUrl={invitePath} />
          </div>
        )}
      </Shell>
    );
  }

  // Signed out, every invitation shows the same page, whether or not the address has an account:
  // the page would otherwise tell whoever holds the link (the inviter, perhaps) who has one. An
  // account's own password works in the form too; signing in first works as before.
  return (
    <Shell>
      {intro}
      <JoinForm token={token} email={invitation.email} />
      <p className="text-muted-foreground border-t pt-4 text-sm">
        Already have an account?{" "}
        <Link href={`/login?callbackUrl=${encodeURIComponent(invitePath)}`} className="text-foreground font-medium underline underline-offset-4">
          Sign in to accept
        </Link>
      </p>
    </Shell>
  );
}
