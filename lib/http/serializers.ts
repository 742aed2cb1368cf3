import type { ApiKey } from "@/lib/domain/api-keys/key";
import type { AuditLogActor, AuditLogEntry } from "@/lib/domain/audit/log";
import type { UsageEvent } from "@/lib/generated/prisma/client";

/** The API's snake_case objects. An api_key (derived from the one ApiKey) never carries a secret or a hash. */
export function apiKeyObject(key: ApiKey) {
  return {
    id: key.id,
    object: "api_key" as const,
    name: key.name,
    description: key.description,
    environment: key.environment,
    livemode: key.livemode,
    prefix: key.prefix,
    last4: key.last4,
    owner: key.owner,
    created_at: key.createdAt,
    last_used_at: key.lastUsedAt,
    expires_at: key.expiresAt,
    revoked_at: key.revokedAt,
    revoke_reason: key.revokeReason,
    restrictions: key.restrictions,
    rolled_to: key.rolledTo?.id ?? null,
    rolled_at: key.rolledAt,
  };
}

export function usageEventObject(event: UsageEvent) {
  return {
    id: event.id,
    object: "usage_event" as const,
    livemode: event.livemode,
    metric: event.metric,
    quantity: event.quantity,
    customer_id: event.customerId,
    timestamp: event.timestamp.toISOString(),
    created_at: event.createdAt.toISOString(),
    api_key_id: event.apiKeyId,
  };
}

function auditActorObject(actor: AuditLogActor) {
  switch (actor.type) {
    case "user":
      return { type: actor.type, id: actor.id, name: actor.name, email: actor.email };
    case "api_key":
      return { type: actor.type, id: actor.id, name: actor.name, prefix: actor.prefix, last4: actor.last4, owner: actor.owner };
    default:
      return { type: actor.type };
  }
}

/** An audit_event: who did what to what, from where. The metadata is what recordAudit stored: names and reasons, never a secret. */
export function auditEventObject(event: AuditLogEntry) {
  const metadata = event.metadata && typeof event.metadata === "object" && !Array.isArray(event.metadata) ? event.metadata : null;
  return {
    id: event.id,
    object: "audit_event" as const,
    action: event.action,
    created_at: event.createdAt,
    actor: auditActorObject(event.actor),
    target: event.target,
    ip: event.ip,
    user_agent: event.userAgent,
    metadata,
  };
}

export function listObject<T>(data: T[], hasMore: boolean, nextCursor: string | null) {
  return { object: "list" as const, data, has_more: hasMore, next_cursor: hasMore ? nextCursor : null };
}
