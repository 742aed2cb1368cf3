import { LRUCache } from "lru-cache";
import type { Permission, Role } from "@/lib/permissions";

/** What verification learned about one key hash, minus the request-time checks (expiry). */
export type KeyRecord = {
  keyId: string;
  name: string;
  environment: "production" | "staging" | "development";
  last4: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  organization: { id: string; name: string; slug: string };
  user: { id: string; email: string; name: string };
  /** null when the owner is no longer a member of the key's organization. */
  role: Role | null;
  permissions: ReadonlySet<Permission>;
};

// Positive entries: a role change or revocation is pushed to us (invalidate*), and a lost
// notification channel is noticed within seconds (invalidation.ts heartbeat), so the TTL is only
// the last line of defence against a missed notification; a minute costs one look-up per key per
// minute, nothing on the hot path.
const POSITIVE_TTL_MS = 60_000;
// Unknown hashes: brief, so a flood of random well-formed keys costs one look-up each per 30 s,
// and nothing real is hidden for long (a new key's hash has never been looked up before).
const NEGATIVE_TTL_MS = 30_000;

type CacheState = {
  records: LRUCache<string, KeyRecord>;
  unknown: LRUCache<string, true>;
  enabled: boolean;
  // Bumped by every invalidation: a database read that started before one must not be cached after it.
  generation: number;
};

// On globalThis, not in module scope: Next bundles route handlers and server actions separately,
// each with its own copy of this module, and a revoke from the dashboard must clear the cache the
// API reads.
const store = globalThis as typeof globalThis & { __paygenticKeyCache?: CacheState };
const state: CacheState = (store.__paygenticKeyCache ??= {
  records: new LRUCache<string, KeyRecord>({ max: 20_000, ttl: POSITIVE_TTL_MS, ttlAutopurge: false }),
  unknown: new LRUCache<string, true>({ max: 20_000, ttl: NEGATIVE_TTL_MS, ttlAutopurge: false }),
  enabled: true,
  generation: 0,
});
const { records, unknown } = state;

export const keyCache = {
  get(hash: string): KeyRecord | "unknown" | undefined {
    if (!state.enabled) return undefined;
    return records.get(hash) ?? (unknown.get(hash) ? "unknown" : undefined);
  },
  generation(): number {
    return state.generation;
  },
  /** Stores a database result unless an invalidation happened since `startedAt` was read. */
  set(hash: string, value: KeyRecord | "unknown", startedAt: number): void {
    if (!state.enabled || startedAt !== state.generation) return;
    if (value === "unknown") unknown.set(hash, true);
    else records.set(hash, value);
  },
  invalidateHashes(hashes: readonly string[]): void {
    state.generation++;
    for (const hash of hashes) {
      records.delete(hash);
      unknown.delete(hash);
    }
  },
  invalidateMember(organizationId: string, userId: string): void {
    state.generation++;
    for (const [hash, record] of records.entries()) {
      if (record.organization.id === organizationId && record.user.id === userId) records.delete(hash);
    }
  },
  invalidateOrganization(organizationId: string): void {
    state.generation++;
    for (const [hash, record] of records.entries()) {
      if (record.organization.id === organizationId) records.delete(hash);
    }
  },
  /** Fail safe: while invalidations might be missed, every request goes to the database. */
  disable(): void {
    state.generation++;
    state.enabled = false;
    records.clear();
    unknown.clear();
  },
  enable(): void {
    state.generation++;
    records.clear();
    unknown.clear();
    state.enabled = true;
  },
  isEnabled(): boolean {
    return state.enabled;
  },
  size(): number {
    return records.size + unknown.size;
  },
};
