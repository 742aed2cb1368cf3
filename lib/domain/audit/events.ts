import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";

export type AuditActor = {
  userId: string | null;
  apiKeyId?: string | null;
  ip: string | null;
  userAgent: string | null;
};

/** Every action the audit log records (the spec's list); the audit log page filters by these. */
export const AUDIT_ACTIONS = [
  "api_key.created",
  "api_key.updated",
  "api_key.rolled",
  "api_key.revoked",
  "member.invited",
  "member.joined",
  "member.role_changed",
  "member.removed",
  "member.left",
  "invitation.revoked",
  "organization.created",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

type Tx = Pick<Prisma.TransactionClient, "auditEvent">;

/** Written in the same transaction as the change it records: no change without its trail. */
export async function recordAudit(
  tx: Tx,
  event: {
    organizationId: string;
    actor: AuditActor;
    action: AuditAction;
    target: { type: "api_key" | "member" | "invitation" | "organization"; id: string };
    metadata?: Prisma.InputJsonValue;
  },
): Promise<void> {
  await tx.auditEvent.create({
    data: {
      organizationId: event.organizationId,
      actorUserId: event.actor.userId,
      actorApiKeyId: event.actor.apiKeyId ?? null,
      action: event.action,
      targetType: event.target.type,
      targetId: event.target.id,
      ip: event.actor.ip,
      userAgent: event.actor.userAgent,
      metadata: event.metadata,
    },
  });
}
