import type { ApiKey } from "@/lib/api-keys/key";
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

export function listObject<T>(data: T[], hasMore: boolean, nextCursor: string | null) {
  return { object: "list" as const, data, has_more: hasMore, next_cursor: hasMore ? nextCursor : null };
}
