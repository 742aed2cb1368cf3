import "server-only";
import { auditLogCsvStream, type AuditLogFilters } from "@/lib/domain/audit/log";
import type { AuditAction } from "@/lib/domain/audit/events";
import type { MemberContext } from "@/lib/auth/context";
import { endOfDay, startOfDay, type AuditLogQuery } from "./query";

/** The URL's filters as lib/audit-log reads them: the date range in whole UTC days, both ends included. */
export function toAuditLogFilters(query: AuditLogQuery): AuditLogFilters {
  return {
    action: query.action as AuditAction | undefined,
    actor: query.actor,
    since: query.from ? startOfDay(query.from) : undefined,
    until: query.to ? endOfDay(query.to) : undefined,
  };
}

/** "audit-log-acme-2026-11-30.csv" (the slug is URL-safe already; anything else is replaced). */
export function csvFileName(slug: string, now: Date): string {
  return `audit-log-${slug.replace(/[^A-Za-z0-9_-]/g, "-")}-${now.toISOString().slice(0, 10)}.csv`;
}

/**
 * The export's response: the filtered rows as a CSV download, streamed; the app's 404 for a member
 * without audit_log:read (the same answer as the page).
 */
export function auditLogCsvResponse(member: Pick<MemberContext, "organization" | "can">, query: AuditLogQuery, now = new Date()): Response {
  const stream = auditLogCsvStream(member, toAuditLogFilters(query));
  if (!stream) return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8; header=present",
      "Content-Disposition": `attachment; filename="${csvFileName(member.organization.slug, now)}"`,
      // Who did what in the organization: never kept by a shared cache or the browser's.
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
