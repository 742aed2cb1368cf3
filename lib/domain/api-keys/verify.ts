import "server-only";
import type { Database } from "@/lib/platform/db/database";
import { isRole } from "@/lib/domain/permissions";
import type { Clock } from "@/lib/platform/logger";
import type { KeyCache } from "./cache";
import { hashApiKey, parseApiKey } from "./format";
import type { InvalidationBus } from "./invalidation";
import { toVerifiedKey, type KeyRecord, type VerifiedKey } from "./key";
import { effectivePermissions, parseRestrictions } from "./rules";
import { isDatabaseUnavailable } from "@/lib/platform/db/errors";

/**
 * How a bearer key is checked, in order: shape and checksum (no I/O) → hash → cache → database →
 * status (revoked, expired, owner still a member) → permissions from the owner's current role.
 */

export type { VerifiedKey };

export type VerificationFailure =
  | { ok: false; code: "malformed_api_key" }
  | { ok: false; code: "invalid_api_key" }
  // A refused key that was identified: which one, so that its refusals can be counted.
  | { ok: false; code: "revoked_api_key"; revokedAt: Date; key: RefusedKey }
  | { ok: false; code: "expired_api_key"; expiredAt: Date; key: RefusedKey; rolledToLast4: string | null; rolledToRevoked: boolean }
  // The database could not answer: the caller must refuse (503), never guess.
  | { ok: false; code: "unavailable"; cause: unknown };

export type RefusedKey = { keyId: string; organizationId: string };

export type Verification = { ok: true; key: VerifiedKey } | VerificationFailure;

type Row = {
  id: string;
  name: string;
  environment: KeyRecord["environment"];
  last4: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  restrictions: unknown;
  rolled_to_last4: string | null;
  rolled_to_revoked: boolean | null;
  organization_id: string;
  organization_name: string;
  organization_slug: string;
  user_id: string;
  user_email: string;
  user_name: string;
  role: string | null;
};

// One indexed look-up (ApiKey.hash is unique) with the joins the API needs. Plain SQL, not Prisma:
// this runs on every cache miss and Prisma's per-query overhead would be most of its cost.
// Timestamps are columns without a zone that hold UTC; AT TIME ZONE makes both drivers read them so.
const LOOKUP = `
  SELECT k.id, k.name, k.environment::text AS environment, k.last4,
         k."createdAt" AT TIME ZONE 'UTC' AS created_at,
         k."expiresAt" AT TIME ZONE 'UTC' AS expires_at,
         k."revokedAt" AT TIME ZONE 'UTC' AS revoked_at,
         k.restrictions, r.last4 AS rolled_to_last4, r."revokedAt" IS NOT NULL AS rolled_to_revoked,
         o.id AS organization_id, o.name AS organization_name, o.slug AS organization_slug,
         u.id AS user_id, u.email AS user_email, u.name AS user_name,
         m.role::text AS role
    FROM "ApiKey" k
    JOIN "Organization" o ON o.id = k."organizationId"
    JOIN "User" u ON u.id = k."userId"
    LEFT JOIN "Membership" m ON m."organizationId" = k."organizationId" AND m."userId" = k."userId"
    LEFT JOIN "ApiKey" r ON r.id = k."rolledToId"
   WHERE k.hash = $1`;

function toRecord(row: Row): KeyRecord {
  const role = isRole(row.role) ? row.role : null;
  // The pg driver parses jsonb; PGlite may hand it over as text.
  const restrictions = parseRestrictions(typeof row.restrictions === "string" ? JSON.parse(row.restrictions) : row.restrictions);
  return {
    id: row.id,
    name: row.name,
    environment: row.environment,
    last4: row.last4,
    createdAt: new Date(row.created_at),
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
    organization: { id: row.organization_id, name: row.organization_name, slug: row.organization_slug },
    owner: { id: row.user_id, email: row.user_email, name: row.user_name },
    role,
    restrictions,
    permissions: new Set(role ? effectivePermissions(role, restrictions) : []),
    rolledToLast4: row.rolled_to_last4,
    rolledToRevoked: row.rolled_to_revoked === true,
  };
}

export type Verifier = {
  /** `now` (milliseconds) defaults to the runtime's clock; expiry is judged against it. */
  verify(token: string, now?: number): Promise<Verification>;
};

/** The key service: it receives its cache, database, invalidation listener and clock from the runtime. */
export function createVerifier(deps: {
  database: Database;
  keyCache: KeyCache;
  invalidation: Pick<InvalidationBus, "ensureListener">;
  clock: Clock;
  hashSecret: string | undefined;
}): Verifier {
  const { database, keyCache, invalidation, clock, hashSecret } = deps;

  async function lookup(hash: string): Promise<KeyRecord | "unknown" | { unavailable: unknown }> {
    const startedAt = keyCache.generation();
    let rows: Row[];
    try {
      // Only a cache miss needs the database (migrated); a cache hit or a typo never waits on it.
      await database.ensure();
      rows = await database.sql().query<Row>(LOOKUP, [hash]);
    } catch (cause) {
      // An outage is "unavailable" (503: retry); anything else is a bug, and must surface as one.
      if (!isDatabaseUnavailable(cause)) throw cause;
      return { unavailable: cause };
    }
    const record = rows[0] ? toRecord(rows[0]) : "unknown";
    keyCache.set(hash, record, startedAt);
    return record;
  }

  return {
    async verify(token, now = clock.now()) {
      const parsed = parseApiKey(token);
      if (!parsed.ok) return { ok: false, code: "malformed_api_key" };
      invalidation.ensureListener();
      const hash = hashApiKey(parsed.key, hashSecret);
      const record = keyCache.get(hash) ?? (await lookup(hash));
      if (record === "unknown") return { ok: false, code: "invalid_api_key" };
      if ("unavailable" in record) return { ok: false, code: "unavailable", cause: record.unavailable };
      const refused = { keyId: record.id, organizationId: record.organization.id };
      if (record.revokedAt) return { ok: false, code: "revoked_api_key", revokedAt: record.revokedAt, key: refused };
      if (record.expiresAt && record.expiresAt.getTime() <= now) {
        return { ok: false, code: "expired_api_key", expiredAt: record.expiresAt, key: refused, rolledToLast4: record.rolledToLast4, rolledToRevoked: record.rolledToRevoked };
      }
      // Removing a member revokes their keys; this also covers a membership deleted any other way.
      if (!record.role) return { ok: false, code: "invalid_api_key" };
      return { ok: true, key: toVerifiedKey(record, record.role, hash) };
    },
  };
}
