"use client";

import { useRouter } from "next/navigation";
import type { ColumnDef } from "@tanstack/react-table";
import { useRef, useState, useTransition } from "react";
import { toast } from "sonner";
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
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable, tableContext } from "@/components/data-table/data-table";
import { formatDateTime, formatExpiry } from "@/components/time";
import type { InvitationView } from "@/lib/domain/members/invitations";
import { ROLE_LABELS, type Role } from "@/lib/domain/permissions";
import { revokeInvitationAction } from "./invitation-actions";

/** What the static invitation columns read from the table's owner, through DataTable's `meta.context`. */
type InvitationsTableContext = {
  revocable: Role[];
  onRevoke: (invitation: InvitationView, trigger: HTMLElement) => void;
};

const PAD = "px-4";

const invitationColumns: ColumnDef<InvitationView>[] = [
  {
    id: "email",
    header: "Email",
    meta: { className: `${PAD} font-medium`, fullWidth: true, label: "" },
    cell: ({ row: { original: invitation } }) => invitation.email,
  },
  {
    id: "role",
    header: "Role",
    meta: { className: PAD },
    cell: ({ row: { original: invitation } }) => (
      <Badge variant={invitation.role === "owner" ? "default" : "secondary"}>{ROLE_LABELS[invitation.role]}</Badge>
    ),
  },
  {
    id: "invited_by",
    header: "Invited by",
    meta: { className: `${PAD} text-muted-foreground` },
    cell: ({ row: { original: invitation } }) => invitation.invitedBy?.name ?? "A former member",
  },
  {
    id: "expires",
    header: "Expires",
    meta: { className: `${PAD} text-muted-foreground` },
    cell: ({ row: { original: invitation }, table }) => (
      <time dateTime={invitation.expiresAt} title={`${formatDateTime(invitation.expiresAt, false)} UTC`}>
        {formatExpiry(invitation.expiresAt, table.options.meta?.now ?? 0)}
      </time>
    ),
  },
  {
    id: "actions",
    header: () => <span className="sr-only">Actions</span>,
    meta: { className: `${PAD} w-px text-right`, fullWidth: true },
    cell: ({ row: { original: invitation }, table }) => {
      const { revocable, onRevoke } = tableContext<InvitationsTableContext>(table);
      return revocable.includes(invitation.role) ? (
        <Button
          variant="ghost"
          size="sm"
          className="text-destructive hover:bg-destructive/10 hover:text-destructive"
          aria-label={`Revoke invite for ${invitation.email}`}
          onClick={(event) => onRevoke(invitation, event.currentTarget)}
        >
          Revoke invite
        </Button>
      ) : (
        <span className="text-muted-foreground text-xs">Only owners can revoke</span>
      );
    },
  },
];

/**
 * Pending invitations with Revoke invite. `now` is the server's clock at render time, so the
 * relative expiry reads the same in the server's HTML and after hydration. `revocable` lists the
 * roles whose invitations the viewer may revoke (an admin can't revoke an owner's invitation).
 */
export function InvitationsTable({
  invitations,
  organization,
  revocable,
  now,
}: {
  invitations: InvitationView[];
  organization: { slug: string; name: string };
  revocable: Role[];
  now: number;
}) {
  const router = useRouter();
  const [revoking, setRevoking] = useState<InvitationView | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const [pending, startTransition] = useTransition();
  const sectionRef = useRef<HTMLElement>(null);
  const triggerRef = useRef<HTMLElement | null>(null);
  const visible = invitations.filter((i) => !hidden.has(i.id));
  const context: InvitationsTableContext = {
    revocable,
    onRevoke: (invitation, trigger) => {
      triggerRef.current = trigger;
      setRevoking(invitation);
    },
  };

  function confirmRevoke() {
    const invitation = revoking;
    if (!invitation || pending) return;
    startTransition(async () => {
      try {
        const result = await revokeInvitationAction({ organization: organization.slug, invitationId: invitation.id });
        setRevoking(null);
        if (!result.ok) {
          toast.error(result.message);
        } else {
          setHidden((current) => new Set(current).add(invitation.id));
          toast.success(`Invitation for ${invitation.email} revoked. Its link no longer works.`);
        }
        router.refresh();
      } catch {
        toast.error("The server couldn't be reached. The invitation still works; try again.");
      }
    });
  }

  return (
    <section ref={sectionRef} tabIndex={-1} aria-labelledby="pending-invitations" className="space-y-3 outline-none">
      <h2 id="pending-invitations" className="text-lg font-semibold tracking-tight">
        Pending invitations
      </h2>
      {visible.length === 0 ? (
        <p className="text-muted-foreground rounded-lg border border-dashed px-4 py-6 text-center text-sm">
          No pending invitations. Use Invite member to create a link for someone to join {organization.name}.
        </p>
      ) : (
        <DataTable
          label={`Pending invitations to ${organization.name}`}
          columns={invitationColumns}
          data={visible}
          getRowId={(invitation) => invitation.id}
          meta={{ now, context }}
        />
      )}

      <AlertDialog
        open={revoking !== null}
        onOpenChange={(open) => {
          if (!open && !pending) setRevoking(null);
        }}
      >
        <AlertDialogContent
          onEscapeKeyDown={(event) => {
            if (pending) event.preventDefault();
          }}
          onCloseAutoFocus={(event) => {
            // The row that opened the dialog is gone after a revocation: land on the section instead.
            if (!triggerRef.current?.isConnected || hidden.size > 0) {
              event.preventDefault();
              sectionRef.current?.focus();
            }
          }}
        >
          <AlertDialogHeader>
            <AlertDialogTitle>Revoke invitation?</AlertDialogTitle>
            <AlertDialogDescription>
              {revoking
                ? `The link sent to ${revoking.email} stops working at once; they won't be able to join ${organization.name} with it. You can invite them again later.`
                : null}
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel disabled={pending}>Cancel</AlertDialogCancel>
            <AlertDialogAction
              variant="destructive"
              disabled={pending}
              aria-busy={pending || undefined}
              onClick={(event) => {
                event.preventDefault();
                confirmRevoke();
              }}
            >
              {pending ? "Revoking…" : "Revoke invite"}
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </section>
  );
}
