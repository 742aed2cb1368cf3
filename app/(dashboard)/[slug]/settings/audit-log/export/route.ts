import type { NextRequest } from "next/server";
import { AUDIT_ACTIONS } from "@/lib/domain/audit/events";
import { getUserContext, memberIn } from "@/lib/auth/context";
import { auditLogCsvResponse } from "../audit-log-data";
import { parseAuditLogQuery } from "../query";

// Export CSV: a browser download, so it is checked like the page (session, membership of the
// URL's organization, audit_log:read) and answers as the page does: sign in, or the 404.
export async function GET(request: NextRequest, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const context = await getUserContext();
  if (!context) {
    const login = new URL("/login", request.url);
    login.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
    return Response.redirect(login, 303);
  }
  const member = memberIn(context, (await params).slug);
  if (!member) return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const query = parseAuditLogQuery(Object.fromEntries(request.nextUrl.searchParams), AUDIT_ACTIONS);
  return auditLogCsvResponse(member, query);
}
