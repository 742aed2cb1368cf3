import type { RevokeActor } from "@/lib/domain/api-keys/store";
import type { VerifiedKey } from "@/lib/domain/api-keys/verify";
import { userAgent } from "@/lib/platform/request-info";

/** The calling key as the actor of a change: its owner, narrowed by its restriction (the store checks both). */
export function keyActor(key: VerifiedKey, ip: string, headers: Headers): RevokeActor {
  return {
    userId: key.user.id,
    role: key.role,
    restrictions: key.restrictions,
    superseded: key.superseded,
    apiKeyId: key.keyId,
    ip,
    userAgent: userAgent(headers),
  };
}
