import { notFound } from "next/navigation";
import { canReadAuditLog } from "@/lib/domain/audit/log";
import { requireMember } from "@/lib/auth/context";

// The permission check sits here, above the page's loading boundary: a member without
// audit_log:read gets the app's 404 page with a real 404 status, before anything is streamed.
// The page checks again itself (layouts and pages render in parallel).
export default async function AuditLogLayout({ children, params }: { children: React.ReactNode; params: Promise<{ slug: string }> }) {
  const member = await requireMember((await params).slug);
  if (!canReadAuditLog(member)) notFound();
  return children;
}
