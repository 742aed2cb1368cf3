"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { Ban } from "lucide-react";
import { useState } from "react";
import { Badge, type BadgeProps } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { ENVIRONMENT_LABELS, type Environment } from "@/lib/api-keys/schemas";
import { DataTableColumnHeader } from "./data-table-column-header";
import { formatDay, formatExact, formatRelative, INACTIVE_AFTER_DAYS, isExpired, isInactive } from "./time";
import type { ApiKeyRow } from "@/lib/api-keys/key";
import { useHydrated } from "./use-hydrated";

const ENVIRONMENT_BADGE: Record<Environment, BadgeProps["variant"]> = {
  production: "success",
  staging: "warning",
  development: "secondary",
};

const REVOKE_REASONS: Record<string, string> = {
  member_removed: "Member removed",
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

function Day({ iso }: { iso: string }) {
  const hydrated = useHydrated();
  return <Timestamp iso={iso}>{formatDay(iso, hydrated)}</Timestamp>;
}

export type ApiKeyColumnOptions = {
  status: "active" | "revoked";
  showOwner: boolean;
  canRevoke: (row: ApiKeyRow) => boolean;
  /** `button` is the Revoke button pressed, for focus to return to. */
  onRevoke: (row: ApiKeyRow, button: HTMLElement) => void;
};

/** The request time the table was rendered for (see DataTable's `meta`). */
function renderedAt(meta: { now?: number } | undefined): number {
  return meta?.now ?? 0;
}

export function getApiKeyColumns({ status, showOwner, canRevoke, onRevoke }: ApiKeyColumnOptions): ColumnDef<ApiKeyRow>[] {
  const columns: ColumnDef<ApiKeyRow>[] = [
    {
      id: "name",
      header: "Name",
      enableSorting: false,
      meta: { className: "min-w-48", fullWidth: true },
      cell: ({ row: { original: key }, table }) => {
        const now = renderedAt(table.options.meta);
        const inactive = status === "active" && isInactive(key, now);
        const expired = status === "active" && isExpired(key, now);
        return (
          // Long names and descriptions are clamped (the full text is in the title, and read in full by
          // screen readers) so that one long description can't push the other columns off screen.
          <div className="flex max-w-full min-w-0 flex-col gap-1 sm:max-w-64 xl:max-w-72">
            <div className="flex min-w-0 items-center gap-2">
              <span className="truncate font-medium" title={key.name}>
                {key.name}
              </span>
              {expired ? <Badge variant="destructive">Expired</Badge> : null}
              {inactive && !expired ? (
                <Badge
                  variant="outline"
                  className="text-muted-foreground"
                  title={`Not used in the last ${INACTIVE_AFTER_DAYS} days. Revoke it if nothing needs it.`}
                >
                  Inactive
                </Badge>
              ) : null}
            </div>
            {key.description ? (
              <span className="line-clamp-2 text-xs break-words whitespace-normal text-muted-foreground" title={key.description}>
                {key.description}
              </span>
            ) : null}
          </div>
        );
      },
    },
    {
      id: "key",
      header: "Key",
      enableSorting: false,
      cell: ({ row: { original: key } }) => (
        <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs">{key.maskedKey}</code>
      ),
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
  ];

  // Kept in the revoked view too: when a revoked key was last used is what an incident review asks.
  columns.push({
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
  });

  if (status === "revoked") {
    columns.push({
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
    });
  }

  if (showOwner) {
    columns.push({
      id: "owner",
      header: "Owner",
      enableSorting: false,
      cell: ({ row: { original: key } }) => (
        <div className="flex max-w-48 min-w-0 flex-col gap-0.5">
          <span className="truncate" title={key.owner.name}>{key.owner.name}</span>
          <span className="truncate text-xs text-muted-foreground" title={key.owner.email}>{key.owner.email}</span>
        </div>
      ),
    });
  }

  if (status === "active") {
    columns.push({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      enableSorting: false,
      meta: { className: "w-px text-right", fullWidth: true, pinned: true },
      cell: ({ row: { original: key } }) =>
        canRevoke(key) ? (
          <Button
            variant="ghost"
            size="sm"
            className="text-destructive hover:bg-destructive/10 hover:text-destructive"
            data-revoke-key={key.id}
            onClick={(event) => onRevoke(key, event.currentTarget)}
          >
            <Ban aria-hidden="true" />
            Revoke
          </Button>
        ) : null,
    });
  }

  return columns;
}
