"use client";

import { formatDistance } from "date-fns";
import { useRouter } from "next/navigation";
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
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { InvitationView } from "@/lib/domain/members/invitations";
import { ROLE_LABELS, type Role } from "@/lib/domain/permissions";
import { revokeInvitationAction } from "./invitation-actions";

const HEAD = "h-11 px-4 text-muted-foreground";
const CELL = "px-4 py-3";

const UTC_DAY = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

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
        <div className="bg-background overflow-hidden rounded-lg border">
          <Table data-stacked="">
            <TableCaption className="sr-only">Pending invitations to {organization.name}</TableCaption>
            <TableHeader className="bg-muted/40">
              <TableRow className="hover:bg-transparent">
                <TableHead scope="col" className={HEAD}>
                  Email
                </TableHead>
                <TableHead scope="col" className={HEAD}>
                  Role
                </TableHead>
                <TableHead scope="col" className={HEAD}>
                  Invited by
                </TableHead>
                <TableHead scope="col" className={HEAD}>
                  Expires
                </TableHead>
                <TableHead scope="col" className={`${HEAD} w-px`}>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {visible.map((invitation) => (
                <TableRow key={invitation.id}>
                  <TableCell className={`${CELL} font-medium`} data-span="full">
                    {invitation.email}
                  </TableCell>
                  <TableCell className={CELL} data-label="Role">
                    <Badge variant={invitation.role === "owner" ? "default" : "secondary"}>{ROLE_LABELS[invitation.role]}</Badge>
                  </TableCell>
                  <TableCell className={`${CELL} text-muted-foreground`} data-label="Invited by">
                    {invitation.invitedBy?.name ?? "A former member"}
                  </TableCell>
                  <TableCell className={`${CELL} text-muted-foreground`} data-label="Expires">
                    <time dateTime={invitation.expiresAt} title={`${UTC_DAY.format(new Date(invitation.expiresAt))} UTC`}>
                      {formatDistance(new Date(invitation.expiresAt), now, { addSuffix: true })}
                    </time>
                  </TableCell>
                  <TableCell className={`${CELL} w-px text-right`} data-span="full">
                    {revocable.includes(invitation.role) ? (
                      <Button
                        variant="ghost"
                        size="sm"
                        className="text-destructive hover:bg-destructive/10 hover:text-destructive"
                        aria-label={`Revoke invite for ${invitation.email}`}
                        onClick={(event) => {
                          triggerRef.current = event.currentTarget;
                          setRevoking(invitation);
                        }}
                      >
                        Revoke invite
                      </Button>
                    ) : (
                      <span className="text-muted-foreground text-xs">Only owners can revoke</span>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
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
