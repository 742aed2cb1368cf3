"use client";

import type { ColumnDef, VisibilityState } from "@tanstack/react-table";
import { Ban, Pencil, RefreshCw } from "lucide-react";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { Badge, type BadgeProps } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { ENVIRONMENT_LABELS, type Environment, type ListApiKeysQuery } from "@/lib/domain/api-keys/schemas";
import { DataTableColumnHeader } from "@/components/data-table/column-header";
import { tableContext } from "@/components/data-table/data-table";
import { keyState } from "./key-state";
import { formatDay, formatExact, formatExpiry, formatRelative } from "@/components/time";
import type { ApiKeyRow } from "@/lib/domain/api-keys/key";
import { useHydrated } from "@/components/use-hydrated";

const ENVIRONMENT_BADGE: Record<Environment, BadgeProps["variant"]> = {
  production: "success",
  staging: "warning",
  development: "secondary",
};

const REVOKE_REASONS: Record<string, string> = {
  member_removed: "Member removed",
  member_left: "Member left",
  exposed: "Exposed",
};

export function EnvironmentBadge({ environment }: { environment: Environment }) {
  return <Badge variant={ENVIRONMENT_BADGE[environment]}>{ENVIRONMENT_LABELS[environment]}</Badge>;
}

/** A date or relative time with the exact local time, and its time zone, on hover or focus. */
function Timestamp({ iso, children }: { iso: string; children: React.ReactNode }) {
  const hydrated = useHydrated();
  const [open, setOpen] = useState(false);
  const exact = formatExact(iso, hydrated);
  return (
    <Tooltip open={open} onOpenChange={setOpen}>
      <TooltipTrigger asChild>
        {/* The native title is for tests and no-pointer tools; hidden while the styled tooltip shows, so they never stack. */}
        <time dateTime={iso} title={open ? undefined : exact} className="cursor-default">
          {children}
        </time>
      </TooltipTrigger>
      <TooltipContent>{exact}</TooltipContent>
    </Tooltip>
  );
}

/**
 * A badge that explains itself on hover or keyboard focus (a button, so it can take focus); the
 * native title serves tests and no-pointer tools, hidden while the styled tooltip shows.
 */
function HintBadge({ variant, hint, children }: { variant: BadgeProps["variant"]; hint: string; children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  const reopen = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(reopen.current), []);
  return (
    <Tooltip open={open} onOpenChange={setOpen}>
      <TooltipTrigger asChild>
        <Badge asChild variant={variant} className="cursor-default">
          <button
            type="button"
            title={open ? undefined : hint}
            onFocus={(event) => {
              // Focusing a badge below the fold scrolls it into view, and Radix closes a tooltip whose
              // trigger scrolls: open it again once the scroll has happened, if focus stayed.
              const badge = event.currentTarget;
              clearTimeout(reopen.current);
              reopen.current = setTimeout(() => {
                if (document.activeElement === badge) setOpen(true);
              }, 150);
            }}
          >
            {children}
          </button>
        </Badge>
      </TooltipTrigger>
      <TooltipContent className="max-w-72">{hint}</TooltipContent>
    </Tooltip>
  );
}

function Day({ iso }: { iso: string }) {
  const hydrated = useHydrated();
  return <Timestamp iso={iso}>{formatDay(iso, hydrated)}</Timestamp>;
}

export type KeyAction = "revoke" | "edit" | "roll";

/** What the static columns read from their table's owner, through DataTable's `meta.context`. */
export type ApiKeyTableContext = {
  status: ListApiKeysQuery["status"];
  /** The key list's path in the organization the page shows: the key's name links to its page there. */
  keysPath: string;
  /** Own keys with api_keys:write, others' with api_keys:manage. */
  canAct: (row: ApiKeyRow) => boolean;
  /** Why this viewer may not roll the key (beyond its being rolled already), or null. */
  rollRefusal: (row: ApiKeyRow) => string | null;
  /** `trigger` is the button that was used, for focus to return to. */
  onAction: (action: KeyAction, row: ApiKeyRow, trigger: HTMLElement) => void;
};

/** The request time the table was rendered for (see DataTable's `meta`). */
function renderedAt(meta: { now?: number } | undefined): number {
  return meta?.now ?? 0;
}

/**
 * Which of the static columns show: the checkboxes only where rows can be revoked together,
 * Revoked only in the revoked view, Owner only on "All keys" (on "My keys" it would only repeat
 * the viewer's name), the row actions only where keys still work.
 */
export function apiKeyColumnVisibility({
  status,
  showOwner,
  selectable,
}: {
  status: ListApiKeysQuery["status"];
  showOwner: boolean;
  selectable: boolean;
}): VisibilityState {
  return {
    select: selectable,
    revoked: status === "revoked",
    owner: showOwner,
    actions: status !== "revoked" && status !== "expired",
  };
}

const selectColumn: ColumnDef<ApiKeyRow> = {
  id: "select",
  header: ({ table }) => (
    <Checkbox
      aria-label="Select all"
      checked={table.getIsAllRowsSelected() ? true : table.getIsSomeRowsSelected() ? "indeterminate" : false}
      disabled={!table.getRowModel().rows.some((row) => row.getCanSelect())}
      onCheckedChange={(checked) => table.toggleAllRowsSelected(checked === true)}
      data-select-all=""
      className="translate-y-0.5"
    />
  ),
  enableSorting: false,
  meta: { className: "w-px pr-0" },
  cell: ({ row }) =>
    row.getCanSelect() ? (
      <Checkbox
        aria-label={`Select ${row.original.name}`}
        checked={row.getIsSelected()}
        onCheckedChange={(checked) => row.toggleSelected(checked === true)}
        className="translate-y-0.5"
      />
    ) : null,
};

const nameColumn: ColumnDef<ApiKeyRow> = {
  id: "name",
  header: "Name",
  enableSorting: false,
  meta: { className: "min-w-48", fullWidth: true },
  cell: ({ row: { original: key }, table }) => (
    <KeyName apiKey={key} now={renderedAt(table.options.meta)} context={tableContext<ApiKeyTableContext>(table)} />
  ),
};

const revokedColumn: ColumnDef<ApiKeyRow> = {
  id: "revoked",
  header: "Revoked",
  enableSorting: false,
  cell: ({ row: { original: key } }) =>
    key.revokedAt ? (
      <div className="flex items-center gap-2">
        <span>
          <Day iso={key.revokedAt} />
          {key.revokedBy ? <span className="text-muted-foreground"> by </span> : null}
          {key.revokedBy?.name}
        </span>
        {key.revokeReason && key.revokeReason !== "revoked_by_user" ? (
          <Badge variant="outline" className="text-muted-foreground" title={key.revokeReason}>
            {REVOKE_REASONS[key.revokeReason] ?? key.revokeReason.replaceAll("_", " ")}
          </Badge>
        ) : null}
      </div>
    ) : null,
};

const actionsColumn: ColumnDef<ApiKeyRow> = {
  id: "actions",
  header: () => <span className="sr-only">Actions</span>,
  enableSorting: false,
  meta: { className: "w-px text-right", fullWidth: true, pinned: true },
  cell: ({ row: { original: key }, table }) => {
    const { canAct, rollRefusal, onAction } = tableContext<ApiKeyTableContext>(table);
    const state = keyState(key, renderedAt(table.options.meta));
    if (!canAct(key) || !state.live) return null;
    return (
      // Start-aligned on a phone's card (the cell is full width there), at the row's end otherwise.
      <div className="flex items-center gap-1 sm:justify-end">
        <Button
          variant="ghost"
          size="sm"
          className="text-destructive hover:bg-destructive/10 hover:text-destructive"
          data-revoke-key={key.id}
          onClick={(event) => onAction("revoke", key, event.currentTarget)}
        >
          <Ban aria-hidden="true" />
          Revoke
        </Button>
        <KeyActionButtons
          apiKey={key}
          rollRefusal={state.rolled ? `Already rolled: roll the key ending in ${key.rolledTo?.last4} instead` : rollRefusal(key)}
          onAction={onAction}
        />
      </div>
    );
  },
};

/**
 * Every column of the key list, in the order the header shows them; `apiKeyColumnVisibility` hides
 * the ones a view or role doesn't get. Static, so a cell's component keeps its identity across
 * renders (a new cell function would remount it, and a focused row action would lose focus).
 */
export const apiKeyColumns: ColumnDef<ApiKeyRow>[] = [
  selectColumn,
  nameColumn,
  {
    id: "key",
    header: "Key",
    enableSorting: false,
    cell: ({ row: { original: key } }) => <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs whitespace-nowrap">{key.maskedKey}</code>,
  },
  {
    id: "environment",
    header: "Environment",
    enableSorting: false,
    cell: ({ row: { original: key } }) => <EnvironmentBadge environment={key.environment} />,
  },
  {
    id: "created",
    // An accessor makes the column sortable for TanStack; the sorting itself happens in the database.
    accessorFn: (key) => key.createdAt,
    header: ({ column }) => <DataTableColumnHeader column={column} title="Created" />,
    enableSorting: true,
    meta: { label: "Created" },
    cell: ({ row: { original: key } }) => <Day iso={key.createdAt} />,
  },
  {
    id: "expires",
    header: "Expires",
    enableSorting: false,
    cell: ({ row: { original: key }, table }) =>
      key.expiresAt ? (
        <Timestamp iso={key.expiresAt}>{formatExpiry(key.expiresAt, renderedAt(table.options.meta))}</Timestamp>
      ) : (
        <span className="text-muted-foreground">Never</span>
      ),
  },
  // Kept in the revoked view too: when a revoked key was last used is what an incident review asks.
  {
    id: "last_used",
    accessorFn: (key) => key.lastUsedAt,
    header: ({ column }) => <DataTableColumnHeader column={column} title="Last used" />,
    enableSorting: true,
    meta: { label: "Last used" },
    cell: ({ row: { original: key }, table }) =>
      key.lastUsedAt ? (
        <Timestamp iso={key.lastUsedAt}>{formatRelative(key.lastUsedAt, renderedAt(table.options.meta))}</Timestamp>
      ) : (
        <span className="text-muted-foreground">Never</span>
      ),
  },
  revokedColumn,
  {
    id: "owner",
    header: "Owner",
    enableSorting: false,
    cell: ({ row: { original: key } }) => (
      <div className="flex max-w-36 min-w-0 flex-col gap-0.5">
        <span className="truncate" title={key.owner.name}>{key.owner.name}</span>
        <span className="truncate text-xs text-muted-foreground" title={key.owner.email}>{key.owner.email}</span>
      </div>
    ),
  },
  actionsColumn,
];

/** The key's name (a link to its page), its state badges, what replaced it and its description. */
function KeyName({ apiKey: key, now, context }: { apiKey: ApiKeyRow; now: number; context: ApiKeyTableContext }) {
  const state = keyState(key, now);
  return (
    // Long names and descriptions are clamped (the full text is in the title, and read in full by
    // screen readers) so that one long description can't push the other columns off screen.
    <div className="flex max-w-full min-w-0 flex-col gap-1 sm:max-w-52 xl:max-w-56">
      <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
        <Link
          href={`${context.keysPath}/${encodeURIComponent(key.id)}`}
          className="max-w-full truncate font-medium underline-offset-4 hover:underline focus-visible:underline"
          title={key.name}
        >
          {key.name}
        </Link>
        {state.expired ? <Badge variant="destructive">Expired</Badge> : null}
        {state.live && state.rolled && key.expiresAt ? (
          <HintBadge
            variant="secondary"
            hint={`Replaced by the key ending in ${key.rolledTo?.last4}. Both keys work until this one stops ${formatExpiry(key.expiresAt, now)}; then only the new one does.`}
          >
            Rolled · stops {formatExpiry(key.expiresAt, now)}
          </HintBadge>
        ) : null}
        {state.expiresSoon && !state.rolled && key.expiresAt ? (
          <HintBadge variant="warning" hint={`Stops working ${formatExpiry(key.expiresAt, now)}. Roll it to replace it without downtime.`}>
            Expires soon
          </HintBadge>
        ) : null}
        {key.restrictions ? (
          <HintBadge
            variant="outline"
            hint={key.restrictions.length > 0 ? `Restricted to ${key.restrictions.join(", ")}, within its owner's role.` : "Restricted to no permissions."}
          >
            Restricted
          </HintBadge>
        ) : null}
        {state.inactive && context.status !== "inactive" ? (
          <Badge
            variant="outline"
            className="text-muted-foreground"
            title="Unused for 30 days, or never used since it was created over 7 days ago. Revoke it if nothing needs it."
          >
            Inactive
          </Badge>
        ) : null}
      </div>
      {key.rolledTo ? (
        <span className="text-xs text-muted-foreground">
          Replaced by the key ending in <code className="font-mono">{key.rolledTo.last4}</code>
        </span>
      ) : null}
      {key.description ? (
        <span className="line-clamp-2 text-xs break-words whitespace-normal text-muted-foreground" title={key.description}>
          {key.description}
        </span>
      ) : null}
    </div>
  );
}

/**
 * Edit and Roll key as icon buttons beside Revoke: one click each, found by their names ("Edit",
 * "Roll key"; the icons have tooltips). A Roll key the viewer can't use (the key was rolled, or it
 * is an owner's and the viewer isn't one) stays in place, disabled with the reason, so the row's
 * layout doesn't jump.
 */
function KeyActionButtons({
  apiKey,
  rollRefusal,
  onAction,
}: {
  apiKey: ApiKeyRow;
  rollRefusal: string | null;
  onAction: ApiKeyTableContext["onAction"];
}) {
  const blocked = rollRefusal !== null;
  const rollHint = rollRefusal ?? "Roll key: a replacement, with an overlap";
  return (
    <>
      <Button variant="ghost" size="icon" className="size-8" aria-label="Edit" title="Edit name and description" data-key-edit={apiKey.id} onClick={(event) => onAction("edit", apiKey, event.currentTarget)}>
        <Pencil aria-hidden="true" />
      </Button>
      <Button
        variant="ghost"
        size="icon"
        className="size-8 aria-disabled:opacity-50"
        aria-label="Roll key"
        title={rollHint}
        aria-disabled={blocked || undefined}
        aria-description={blocked ? rollHint : undefined}
        data-key-roll={apiKey.id}
        onClick={(event) => {
          if (!blocked) onAction("roll", apiKey, event.currentTarget);
        }}
      >
        <RefreshCw aria-hidden="true" />
      </Button>
    </>
  );
}
