"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { DataTable, tableContext } from "@/components/data-table/data-table";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import type { AuditLogActor, AuditLogEntry } from "@/lib/domain/audit/log";
import { settingsPath } from "@/lib/domain/organizations/url";
import { formatExact, formatRelative } from "@/components/time";
import { useHydrated } from "@/components/use-hydrated";

/** "3 minutes ago", with the exact local time and its zone on hover or focus (as in the key list). */
function EventTime({ iso, now }: { iso: string; now: number }) {
  const hydrated = useHydrated();
  const [open, setOpen] = useState(false);
  const exact = formatExact(iso, hydrated);
  return (
    <Tooltip open={open} onOpenChange={setOpen}>
      <TooltipTrigger asChild>
        <time dateTime={iso} title={open ? undefined : exact} tabIndex={0} className="cursor-default">
          {formatRelative(iso, now)}
        </time>
      </TooltipTrigger>
      <TooltipContent>{exact}</TooltipContent>
    </Tooltip>
  );
}

function Actor({ actor, slug }: { actor: AuditLogActor; slug: string }) {
  switch (actor.type) {
    case "user":
      return (
        <div className="flex max-w-56 min-w-0 flex-col gap-0.5">
          <span className="truncate" title={actor.name}>{actor.name}</span>
          <span className="truncate text-xs text-muted-foreground" title={actor.email}>{actor.email}</span>
        </div>
      );
    case "api_key":
      return (
        <div className="flex max-w-56 min-w-0 flex-col gap-0.5">
          {actor.maskedKey ? (
            <Link
              href={settingsPath(slug, `api-keys/${encodeURIComponent(actor.id)}`)}
              className="w-fit font-mono text-xs underline-offset-4 hover:underline"
              aria-label={`API key ${actor.maskedKey}${actor.name ? ` (${actor.name})` : ""}`}
            >
              {actor.maskedKey}
            </Link>
          ) : (
            <span className="text-muted-foreground">Deleted API key</span>
          )}
          {actor.owner ? (
            <span className="truncate text-xs text-muted-foreground" title={actor.owner.email}>
              API key of {actor.owner.name}
            </span>
          ) : null}
        </div>
      );
    case "exposed_key_report":
      return (
        <span title="Revoked because someone reported the key as leaked (POST /api/v1/api-keys/exposed)">Exposed-key report</span>
      );
    case "deleted_user":
      return <span className="text-muted-foreground">Deleted user</span>;
  }
}

const REASONS: Record<string, string> = { exposed: "reported as exposed", member_removed: "member removed" };

/** A short note from the event's metadata, where it says more than the action does. */
function detailOf(event: AuditLogEntry): string | null {
  const metadata = event.metadata && typeof event.metadata === "object" && !Array.isArray(event.metadata) ? event.metadata : {};
  const str = (name: string) => (typeof metadata[name] === "string" ? (metadata[name] as string) : null);
  if (event.action === "member.role_changed" && str("from") && str("to")) return `${str("from")} → ${str("to")}`;
  if (event.action === "api_key.revoked") {
    const reason = str("reason");
    return reason && reason !== "revoked_by_user" ? (REASONS[reason] ?? reason.replaceAll("_", " ")) : null;
  }
  if ((event.action === "member.invited" || event.action === "member.joined") && str("role")) return `as ${str("role")}`;
  return null;
}

/** The log's columns; the event's time is measured against the request time in `meta.now`. */
const auditLogColumns: ColumnDef<AuditLogEntry>[] = [
  {
    id: "time",
    header: "Time",
    meta: { className: "px-4 text-muted-foreground" },
    cell: ({ row: { original: event }, table }) => <EventTime iso={event.createdAt} now={table.options.meta?.now ?? 0} />,
  },
  {
    id: "actor",
    header: "Actor",
    cell: ({ row: { original: event }, table }) => <Actor actor={event.actor} slug={tableContext<{ slug: string }>(table).slug} />,
  },
  {
    id: "action",
    header: "Action",
    cell: ({ row: { original: event } }) => (
      <Badge variant="outline" className="font-mono text-xs font-normal">
        {event.action}
      </Badge>
    ),
  },
  {
    id: "target",
    header: "Target",
    cell: ({ row: { original: event } }) => {
      const detail = detailOf(event);
      return (
        <div className="flex max-w-80 min-w-0 flex-col gap-0.5">
          <span className="truncate" title={event.target.description}>{event.target.description}</span>
          {detail ? <span className="truncate text-xs text-muted-foreground">{detail}</span> : null}
        </div>
      );
    },
  },
  {
    id: "ip",
    header: "IP address",
    meta: { className: "px-4 font-mono text-xs" },
    cell: ({ row: { original: event } }) =>
      event.ip ? (
        <span title={event.userAgent ?? undefined}>{event.ip}</span>
      ) : (
        <span className="text-muted-foreground" aria-label="No IP address">—</span>
      ),
  },
];

export function AuditLogTable({ slug, events, now }: { slug: string; events: AuditLogEntry[]; now: number }) {
  return (
    <DataTable
      label="Audit log events"
      columns={auditLogColumns}
      data={events}
      getRowId={(event) => event.id}
      meta={{ now, context: { slug } }}
      // Five columns of dense facts read better scrolled sideways than as cards.
      stacked={false}
    />
  );
}
