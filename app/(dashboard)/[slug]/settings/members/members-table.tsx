"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import type { MemberView } from "@/lib/domain/members/members";
import type { Role } from "@/lib/domain/permissions";
import { removeMemberAction } from "./actions";
import { LeaveOrganization } from "./leave-organization-dialog";
import { apiKeyCount, leaveControl } from "./member-controls";
import { memberColumns, type MembersTableContext } from "./members-columns";

type MembersTableProps = {
  members: MemberView[];
  currentUserId: string;
  actorRole: Role;
  organization: { slug: string; name: string };
  canManage: boolean;
};

export function MembersTable({ members, currentUserId, actorRole, organization, canManage }: MembersTableProps) {
  const organizationName = organization.name;
  const router = useRouter();
  // Hidden as soon as the server confirms, before the refreshed list arrives.
  const [removed, setRemoved] = useState<ReadonlySet<string>>(() => new Set());
  const [removing, setRemoving] = useState<MemberView | null>(null);
  const [pending, startTransition] = useTransition();
  const tableRef = useRef<HTMLDivElement>(null);
  const triggerRef = useRef<HTMLElement | null>(null);

  const visible = members.filter((m) => !removed.has(m.membershipId));
  const context = {
    actorRole,
    actorUserId: currentUserId,
    ownerCount: visible.filter((m) => m.role === "owner").length,
  };
  const me = visible.find((m) => m.userId === currentUserId);
  const tableContext: MembersTableContext = {
    organization,
    currentUserId,
    canManage,
    controls: context,
    onRemove: (member, trigger) => {
      triggerRef.current = trigger;
      setRemoving(member);
    },
  };

  function confirmRemove() {
    const member = removing;
    if (!member || pending) return;
    startTransition(async () => {
      const result = await removeMemberAction({ organization: organization.slug, membershipId: member.membershipId });
      setRemoving(null);
      if (!result.ok) {
        toast.error(result.message);
        return;
      }
      setRemoved((current) => new Set(current).add(member.membershipId));
      toast.success(`${member.name} removed. ${apiKeyCount(result.data.revokedKeys)} revoked.`);
      router.refresh();
    });
  }

  return (
    <>
      <div ref={tableRef} tabIndex={-1} className="rounded-lg outline-none">
        <DataTable
          label={`Members of ${organizationName}`}
          columns={memberColumns}
          columnVisibility={{ actions: canManage }}
          data={visible}
          getRowId={(member) => member.membershipId}
          meta={{ context: tableContext }}
        />
      </div>

      {me ? (
        <LeaveOrganization organization={organization} activeKeys={me.activeKeys} control={leaveControl(me.role, context.ownerCount)} />
      ) : null}

      <AlertDialog
        open={removing !== null}
        onOpenChange={(open) => {
          // Stays open while the removal is in flight: closing would hide whether it worked.
          if (!open && !pending) setRemoving(null);
        }}
      >
        <AlertDialogContent
          onCloseAutoFocus={(event) => {
            // The row that opened the dialog may be gone; land on the table instead of <body>.
            if (!triggerRef.current?.isConnected) {
              event.preventDefault();
              tableRef.current?.focus();
            }
          }}
          onEscapeKeyDown={(event) => {
            if (pending) event.preventDefault();
          }}
        >
          <AlertDialogHeader>
            <AlertDialogTitle>Remove member?</AlertDialogTitle>
            <AlertDialogDescription>{removing ? removalConsequence(removing, organizationName) : null}</AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel disabled={pending}>Cancel</AlertDialogCancel>
            <AlertDialogAction
              variant="destructive"
              disabled={pending}
              aria-busy={pending || undefined}
              onClick={(event) => {
                // Radix closes on click; the dialog closes itself once the server has answered.
                event.preventDefault();
                confirmRemove();
              }}
            >
              {pending ? "Removing…" : "Remove"}
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </>
  );
}

function removalConsequence(member: MemberView, organizationName: string): string {
  const n = member.activeKeys;
  if (n === 0) return `${member.name} will lose access to ${organizationName}. They have no active API keys.`;
  return (
    `${member.name} will lose access to ${organizationName} and their ${n} active API ${n === 1 ? "key" : "keys"} ` +
    `will be revoked at once. Applications using ${n === 1 ? "it" : "them"} will start getting authentication errors.`
  );
}
