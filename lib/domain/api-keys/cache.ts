import { LRUCache } from "lru-cache";
import type { KeyRecord } from "./key";

// Positive entries: a role change or revocation is pushed to us (invalidate*), and a lost
// notification channel is noticed within seconds (invalidation.ts heartbeat), so the TTL is only
// the last line of defence against a missed notification; a minute costs one look-up per key per
// minute, nothing on the hot path.
const POSITIVE_TTL_MS = 60_000;
// Unknown hashes: brief, so a flood of random well-formed keys costs one look-up each per 30 s,
// and nothing real is hidden for long (a new key's hash has never been looked up before).
const NEGATIVE_TTL_MS = 30_000;

/**
 * The verification cache: key hash → what the database said (a record, or "unknown"). One per
 * runtime (lib/platform/runtime.ts), shared by the verifier, the invalidation listener and every change that
 * publishes an invalidation.
 */
export type KeyCache = ReturnType<typeof createKeyCache>;

export function createKeyCache() {
  const records = new LRUCache<string, KeyRecord>({ max: 20_000, ttl: POSITIVE_TTL_MS, ttlAutopurge: false });
  const unknown = new LRUCache<string, true>({ max: 20_000, ttl: NEGATIVE_TTL_MS, ttlAutopurge: false });
  let enabled = true;
  // Bumped by every invalidation: a database read that started before one must not be cached after it.
  let generation = 0;
  return {
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
        if (record.organization.id === organizationId && record.owner.id === userId) records.delete(hash);
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
}
