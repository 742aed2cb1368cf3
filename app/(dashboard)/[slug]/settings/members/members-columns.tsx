"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { useId } from "react";
import { tableContext } from "@/components/data-table/data-table";
import { formatDateTime, formatDay } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { useHydrated } from "@/components/use-hydrated";
import type { MemberView } from "@/lib/domain/members/members";
import { ROLE_LABELS } from "@/lib/domain/permissions";
import { removeControl, roleControl, type MemberControlContext, type RemoveControl } from "./member-controls";
import { RoleSelect } from "./role-select";

/** What the static member columns read from the table's owner, through DataTable's `meta.context`. */
export type MembersTableContext = {
  organization: { slug: string; name: string };
  currentUserId: string;
  canManage: boolean;
  controls: MemberControlContext;
  onRemove: (member: MemberView, trigger: HTMLElement) => void;
};

// Padding as the members page always had it (a little wider than the key list's).
const PAD = "px-4";

/** The members of an organization; the Actions column shows only to those who may manage members. */
export const memberColumns: ColumnDef<MemberView>[] = [
  {
    id: "member",
    header: "Member",
    // The card shows name and email on their own, without a "Member" label above them.
    meta: { className: PAD, fullWidth: true, label: "" },
    cell: ({ row: { original: member }, table }) => (
      <MemberName member={member} self={member.userId === tableContext<MembersTableContext>(table).currentUserId} />
    ),
  },
  {
    id: "role",
    header: "Role",
    meta: { className: PAD },
    cell: ({ row: { original: member }, table }) => {
      const { canManage, organization, controls } = tableContext<MembersTableContext>(table);
      return canManage ? (
        <RoleSelect
          organization={organization}
          membershipId={member.membershipId}
          name={member.name}
          role={member.role}
          activeKeyRestrictions={member.activeKeyRestrictions}
          control={roleControl(member, controls)}
        />
      ) : (
        <Badge variant={member.role === "owner" ? "default" : "secondary"}>{ROLE_LABELS[member.role]}</Badge>
      );
    },
  },
  {
    id: "joined",
    header: "Joined",
    meta: { className: `${PAD} text-muted-foreground` },
    cell: ({ row: { original: member } }) => <JoinedDate iso={member.joinedAt} />,
  },
  {
    id: "active_keys",
    header: "Active keys",
    meta: { className: `${PAD} text-right tabular-nums` },
    cell: ({ row: { original: member } }) => member.activeKeys,
  },
  {
    id: "actions",
    header: () => <span className="sr-only">Actions</span>,
    meta: { className: `${PAD} w-px text-right`, fullWidth: true, pinned: true },
    cell: ({ row: { original: member }, table }) => {
      const { controls, onRemove } = tableContext<MembersTableContext>(table);
      return <RemoveButton name={member.name} control={removeControl(member, controls)} onRemove={(trigger) => onRemove(member, trigger)} />;
    },
  },
];

function MemberName({ member, self }: { member: MemberView; self: boolean }) {
  return (
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

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "") + (parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "")).toUpperCase() || "?";
}

/** The day they joined; to the minute on hover. In UTC until hydration (see components/time.ts). */
function JoinedDate({ iso }: { iso: string }) {
  const hydrated = useHydrated();
  return (
    <time dateTime={iso} title={formatDateTime(iso, hydrated)}>
      {formatDay(iso, hydrated)}
    </time>
  );
}
