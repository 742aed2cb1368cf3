"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState, useSyncExternalStore, useTransition } from "react";
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
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import type { MemberView } from "@/lib/domain/members/members";
import { ROLE_LABELS, type Role } from "@/lib/domain/permissions";
import { removeMemberAction } from "./actions";
import { LeaveOrganization } from "./leave-organization-dialog";
import { apiKeyCount, leaveControl, removeControl, roleControl, type RemoveControl } from "./member-controls";
import { RoleSelect } from "./role-select";

const HEAD = "h-11 px-4 text-muted-foreground";
const CELL = "px-4 py-3";
// Row actions stay in view while a narrow table scrolls sideways (below sm, rows are cards).
const PINNED = "sm:sticky sm:right-0 sm:bg-background sm:shadow-[-1px_0_0_var(--border)]";

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
      <div ref={tableRef} tabIndex={-1} className="bg-background overflow-hidden rounded-lg border outline-none">
        <Table data-stacked="">
          <TableCaption className="sr-only">Members of {organizationName}</TableCaption>
          <TableHeader className="bg-muted/40">
            <TableRow className="hover:bg-transparent">
              <TableHead scope="col" className={HEAD}>
                Member
              </TableHead>
              <TableHead scope="col" className={HEAD}>
                Role
              </TableHead>
              <TableHead scope="col" className={HEAD}>
                Joined
              </TableHead>
              <TableHead scope="col" className={`${HEAD} text-right`}>
                Active keys
              </TableHead>
              {canManage ? (
                <TableHead scope="col" className={`${HEAD} ${PINNED} w-px`}>
                  <span className="sr-only">Actions</span>
                </TableHead>
              ) : null}
            </TableRow>
          </TableHeader>
          <TableBody>
            {visible.map((member) => {
              const self = member.userId === currentUserId;
              return (
                <TableRow key={member.membershipId}>
                  <TableCell className={CELL} data-span="full">
                    <div className="flex items-center gap-3">
                      <span
                        aria-hidden
                        className="bg-muted text-muted-foreground flex size-8 shrink-0 items-center justify-center rounded-full text-xs font-medium"
                      >
                        {initials(member.name)}
                      </span>
                      <div className="min-w-0">
                        <div className="truncate font-medium">
                          {member.name}
                          {self ? <span className="text-muted-foreground font-normal"> (you)</span> : null}
                        </div>
                        <div className="text-muted-foreground truncate text-xs">{member.email}</div>
                      </div>
                    </div>
                  </TableCell>
                  <TableCell className={CELL} data-label="Role">
                    {canManage ? (
                      <RoleSelect
                        organization={organization}
                        membershipId={member.membershipId}
                        name={member.name}
                        role={member.role}
                        activeKeyRestrictions={member.activeKeyRestrictions}
                        control={roleControl(member, context)}
                      />
                    ) : (
                      <Badge variant={member.role === "owner" ? "default" : "secondary"}>{ROLE_LABELS[member.role]}</Badge>
                    )}
                  </TableCell>
                  <TableCell className={`${CELL} text-muted-foreground`} data-label="Joined">
                    <JoinedDate iso={member.joinedAt} />
                  </TableCell>
                  <TableCell className={`${CELL} text-right tabular-nums`} data-label="Active keys">
                    {member.activeKeys}
                  </TableCell>
                  {canManage ? (
                    <TableCell className={`${CELL} ${PINNED} w-px text-right`} data-span="full">
                      <RemoveButton
                        name={member.name}
                        control={removeControl(member, context)}
                        onRemove={(trigger) => {
                          triggerRef.current = trigger;
                          setRemoving(member);
                        }}
                      />
                    </TableCell>
                  ) : null}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
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

type RemoveButtonProps = { name: string; control: RemoveControl; onRemove: (trigger: HTMLElement) => void };

function RemoveButton({ name, control, onRemove }: RemoveButtonProps) {
  const descriptionId = useId();
  if (control.kind === "hidden") return null;
  if (control.kind === "locked") {
    return (
      <Tooltip>
        <TooltipTrigger asChild>
          {/* A disabled button gets no pointer or focus events, so the wrapper carries the tooltip. */}
          <span tabIndex={0} className="focus-visible:ring-ring inline-flex rounded-md outline-none focus-visible:ring-[3px]">
            <Button variant="ghost" size="sm" disabled aria-label={`Remove ${name}`} aria-describedby={descriptionId}>
              Remove
            </Button>
            <span id={descriptionId} className="sr-only">
              {control.reason}
            </span>
          </span>
        </TooltipTrigger>
        <TooltipContent>{control.reason}</TooltipContent>
      </Tooltip>
    );
  }
  return (
    <Button
      variant="ghost"
      size="sm"
      aria-label={`Remove ${name}`}
      className="text-destructive hover:bg-destructive/10 hover:text-destructive"
      onClick={(event) => onRemove(event.currentTarget)}
    >
      Remove
    </Button>
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

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "") + (parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "")).toUpperCase() || "?";
}

const subscribeNever = () => () => {};

/**
 * The server renders in its own time zone, rarely the reader's: until hydration the date is printed
 * in UTC so server and client markup agree, then in the browser's zone.
 */
function JoinedDate({ iso }: { iso: string }) {
  const hydrated = useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
  const date = new Date(iso);
  const options: Intl.DateTimeFormatOptions = hydrated ? {} : { timeZone: "UTC" };
  return (
    <time dateTime={iso} title={date.toLocaleString("en-US", { ...options, dateStyle: "medium", timeStyle: "short" })}>
      {date.toLocaleDateString("en-US", { ...options, month: "short", day: "numeric", year: "numeric" })}
    </time>
  );
}
