import type { Metadata } from "next";
import { Info } from "lucide-react";
import { listMembers } from "@/lib/members";
import { requireMember } from "@/lib/session";
import { MembersTable } from "./members-table";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const member = await requireMember((await params).slug);
  const members = await listMembers(member.organization.id);
  const canManage = member.can("members:manage");

  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Members</h1>
        <p className="text-muted-foreground text-sm">
          Everyone in {member.organization.name} and their role. A member&apos;s API keys always carry the member&apos;s
          current role, so a role change or a removal applies to their keys at once.
        </p>
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
    </div>
  );
}
