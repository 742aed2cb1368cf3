import "server-only";
import { headers } from "next/headers";
import type { AuditActor } from "@/lib/domain/audit/events";
import { clientIp, userAgent } from "@/lib/platform/request-info";

/** The audit trail's "who, from where" for a server action by a signed-in user. */
export async function sessionActor(userId: string): Promise<AuditActor> {
  const h = await headers();
  return { userId, ip: clientIp(h), userAgent: userAgent(h) };
}
