import type { Metadata } from "next";
import { Info } from "lucide-react";
import { invitableRoles, listPendingInvitations } from "@/lib/domain/members/invitations";
import { listMembers } from "@/lib/domain/members/members";
import { requireMember } from "@/lib/auth/context";
import { InvitationsTable } from "./invitations-table";
import { InviteMemberDialog } from "./invite-member-dialog";
import { MembersTable } from "./members-table";

export const metadata: Metadata = { title: "Members" };

// A server component renders once per request: the clock read here is stable, and the client
// measures "in 6 days" against it.
function requestTime(): number {
  return Date.now();
}

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const member = await requireMember((await params).slug);
  const members = await listMembers(member.organization.id);
  const canManage = member.can("members:manage");
  // Pending invitations name people who aren't members yet: only those who manage members see them.
  const invitations = canManage ? await listPendingInvitations(member.organization.id) : [];
  const organization = { slug: member.organization.slug, name: member.organization.name };

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold tracking-tight">Members</h1>
          <p className="text-muted-foreground text-sm">
            Everyone in {member.organization.name} and their role. A member&apos;s API keys always carry the member&apos;s
            current role, so a role change or a removal applies to their keys at once.
          </p>
        </div>
        {canManage ? <InviteMemberDialog organization={organization} roles={invitableRoles(member.role)} /> : null}
      </div>
      {canManage ? null : (
        <p className="bg-muted/40 text-muted-foreground flex items-center gap-2 rounded-md border px-3 py-2 text-sm">
          <Info className="size-4 shrink-0" aria-hidden />
          Only owners and admins can change roles or remove members.
        </p>
      )}
      <MembersTable
        members={members}
        currentUserId={member.user.id}
        actorRole={member.role}
        organization={{ slug: member.organization.slug, name: member.organization.name }}
        canManage={canManage}
      />
      {canManage ? (
        <InvitationsTable invitations={invitations} organization={organization} revocable={invitableRoles(member.role)} now={requestTime()} />
      ) : null}
    </div>
  );
}
