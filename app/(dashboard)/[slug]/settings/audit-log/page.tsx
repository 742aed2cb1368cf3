import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { Button } from "@/components/ui/button";
import { InvalidCursorError } from "@/lib/platform/cursor";
import { AUDIT_ACTIONS } from "@/lib/domain/audit/events";
import { canReadAuditLog, describeActorFilter, listAuditActorChoices, loadAuditLog, type AuditLogPage } from "@/lib/domain/audit/log";
import { settingsPath } from "@/lib/domain/organizations/url";
import { requireMember } from "@/lib/auth/context";
import { toAuditLogFilters } from "./audit-log-data";
import { AuditLogFilters } from "./audit-log-filters";
import { AuditLogTable } from "./audit-log-table";
import { auditLogHref, filtersOf, hasFilters, parseAuditLogQuery } from "./query";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

// Rendered once per request: the client measures "3 minutes ago" against this value.
function requestTime(): number {
  return Date.now();
}

export default async function AuditLogPageRoute({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const member = await requireMember((await params).slug);
  // Developers and viewers get the same 404 as a stranger: the page isn't theirs to know about.
  if (!canReadAuditLog(member)) notFound();
  const slug = member.organization.slug;
  const path = settingsPath(slug, "audit-log");
  const query = parseAuditLogQuery(await searchParams, AUDIT_ACTIONS);
  const filters = filtersOf(query);

  let page: AuditLogPage | null;
  try {
    page = await loadAuditLog(member, {
      filters: toAuditLogFilters(query),
      limit: PAGE_SIZE,
      cursor: query.after ?? query.before,
      direction: query.before ? "newer" : "older",
    });
  } catch (error) {
    // A cursor edited by hand: start again from the newest events of the same filters.
    if (error instanceof InvalidCursorError) redirect(auditLogHref(path, filters));
    throw error;
  }
  if (!page) notFound();
  // Paging back up reached the newest events: show the first page as it is now, at its own URL.
  if (query.before && !page.previousCursor) redirect(auditLogHref(path, filters));

  const [actors, actorFilterLabel] = await Promise.all([listAuditActorChoices(member), describeActorFilter(member, query.actor)]);
  const rangeReversed = Boolean(query.from && query.to && query.from > query.to);
  const paged = Boolean(query.after || query.before);

  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        <p className="max-w-2xl text-sm text-muted-foreground">
          Who did what in {member.organization.name}: keys created, rolled and revoked, members invited, joined, changed
          and removed, newest first. The date filters count whole days in UTC.
        </p>
      </div>
      <AuditLogFilters
        path={path}
        query={filters}
        actions={[...AUDIT_ACTIONS]}
        actors={actors}
        actorFilterLabel={actorFilterLabel}
        exportHref={auditLogHref(`${path}/export`, filters)}
      />
      {rangeReversed ? (
        <p role="alert" className="text-sm text-destructive">
          The From date is after the To date, so no event can match. Swap the dates or clear one.
        </p>
      ) : null}
      {page.events.length === 0 && !paged ? (
        <div className="flex flex-col items-center gap-2 rounded-lg border border-dashed px-6 py-12 text-center">
          {hasFilters(filters) ? (
            <>
              <p className="font-medium">No events match these filters</p>
              <p className="text-sm text-muted-foreground">Try another action, member or date range.</p>
              <Button asChild variant="outline" size="sm" className="mt-2">
                <Link href={path}>Clear filters</Link>
              </Button>
            </>
          ) : (
            <>
              <p className="font-medium">No events yet</p>
              <p className="text-sm text-muted-foreground">
                Creating, rolling or revoking a key, and inviting, changing or removing a member, is recorded here.
              </p>
            </>
          )}
        </div>
      ) : (
        <>
          <AuditLogTable slug={slug} events={page.events} now={requestTime()} />
          <nav aria-label="Audit log pages" className="flex flex-wrap items-center justify-end gap-2">
            {paged ? (
              <Button asChild variant="ghost" size="sm">
                <Link href={auditLogHref(path, filters)}>Back to newest</Link>
              </Button>
            ) : null}
            {page.previousCursor ? (
              <Button asChild variant="outline" size="sm">
                <Link href={auditLogHref(path, { ...filters, before: page.previousCursor })}>Newer events</Link>
              </Button>
            ) : null}
            {page.nextCursor ? (
              <Button asChild variant="outline" size="sm">
                <Link href={auditLogHref(path, { ...filters, after: page.nextCursor })}>Next page</Link>
              </Button>
            ) : (
              <span className="text-sm text-muted-foreground">No older events</span>
            )}
          </nav>
        </>
      )}
    </div>
  );
}
