import type { ApiKeyRow } from "@/lib/domain/api-keys/key";
import { expiresSoon, isExpired, isInactive } from "@/lib/domain/api-keys/rules";

export type KeyState = {
  revoked: boolean;
  /** Past its expiry (a rolled key past its overlap too), never revoked. */
  expired: boolean;
  /** Still works, but not for more than 7 days. */
  expiresSoon: boolean;
  /** Unused for 30 days, or never used and created more than 7 days ago. */
  inactive: boolean;
  /** Replaced by a roll; works until its expiry (the overlap). */
  rolled: boolean;
  /** Works now: it can be edited, rolled and revoked. */
  live: boolean;
};

/** A row's state at `now` (the server's clock at render), by the rules in lib/domain/api-keys/rules.ts. */
export function keyState(key: ApiKeyRow, now: number): KeyState {
  const expiresAt = key.expiresAt ? new Date(key.expiresAt) : null;
  const revoked = key.revokedAt !== null;
  const expired = !revoked && isExpired(expiresAt, now);
  const live = !revoked && !expired;
  return {
    revoked,
    expired,
    expiresSoon: live && expiresSoon(expiresAt, now),
    inactive: live && isInactive({ createdAt: new Date(key.createdAt), lastUsedAt: key.lastUsedAt ? new Date(key.lastUsedAt) : null }, now),
    rolled: key.rolledTo !== null,
    live,
  };
}
