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

// Positive entries: a role change or revocation is pushed to us (invalidate*), so the TTL only
// bounds how long a missed notification could matter; 5 minutes keeps the hot path warm.
const POSITIVE_TTL_MS = 5 * 60_000;
// Unknown hashes: brief, so a flood of random well-formed keys costs one look-up each per 30 s,
// and nothing real is hidden for long (a new key's hash has never been looked up before).
const NEGATIVE_TTL_MS = 30_000;

const records = new LRUCache<string, KeyRecord>({ max: 20_000, ttl: POSITIVE_TTL_MS, ttlAutopurge: false });
const unknown = new LRUCache<string, true>({ max: 20_000, ttl: NEGATIVE_TTL_MS, ttlAutopurge: false });

let enabled = true;
// Bumped by every invalidation: a database read that started before one must not be cached after it.
let generation = 0;

export const keyCache = {
  get(hash: string): KeyRecord | "unknown" | undefined {
    if (!enabled) return undefined;
    return records.get(hash) ?? (unknown.get(hash) ? "unknown" : undefined);
  },
  generation(): number {
    return generation;
  },
  /** Stores a database result unless an invalidation happened since `startedAt` was read. */
  set(hash: string, value: KeyRecord | "unknown", startedAt: number): void {
    if (!enabled || startedAt !== generation) return;
    if (value === "unknown") unknown.set(hash, true);
    else records.set(hash, value);
  },
  invalidateHashes(hashes: readonly string[]): void {
    generation++;
    for (const hash of hashes) {
      records.delete(hash);
      unknown.delete(hash);
    }
  },
  invalidateMember(organizationId: string, userId: string): void {
    generation++;
    for (const [hash, record] of records.entries()) {
      if (record.organization.id === organizationId && record.user.id === userId) records.delete(hash);
    }
  },
  invalidateOrganization(organizationId: string): void {
    generation++;
    for (const [hash, record] of records.entries()) {
      if (record.organization.id === organizationId) records.delete(hash);
    }
  },
  /** Fail safe: while invalidations might be missed, every request goes to the database. */
  disable(): void {
    generation++;
    enabled = false;
    records.clear();
    unknown.clear();
  },
  enable(): void {
    generation++;
    records.clear();
    unknown.clear();
    enabled = true;
  },
  isEnabled(): boolean {
    return enabled;
  },
  size(): number {
    return records.size + unknown.size;
  },
};
