import type { Permission, Role } from "@/lib/domain/permissions";
import type { Environment } from "./schemas";

/**
 * The one shape of an API key. The dashboard row, the API's `api_key` object and the verification
 * cache's record are derived from it (below, and apiKeyObject in lib/http/serializers.ts), so a new
 * field is added here once. Never the hash, never the secret.
 *
 * Timestamps are ISO-8601 strings (UTC, millisecond precision, as stored): a key crosses to the
 * browser (server actions, component props) and into JSON, and a string is the same on both sides.
 */
export type ApiKey = {
  id: string;
  name: string;
  description: string | null;
  environment: Environment;
  livemode: boolean;
  prefix: string;
  last4: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  revokeReason: string | null;
  revokedBy: Person | null;
  owner: Person;
  /** Who created it: the owner, or an admin who rolled the owner's key; null if since deleted. */
  createdBy: Person | null;
  /** null: the key inherits its owner's role; otherwise what it is restricted to. */
  restrictions: Permission[] | null;
  /** Set once the key was rolled: its replacement, and when. */
  rolledTo: { id: string; last4: string } | null;
  rolledAt: string | null;
};

export type Person = { id: string; name: string; email: string };

export type OrganizationRef = { id: string; name: string; slug: string };

/** Production keys are live (sk_live_); the others are test keys. */
export function isLivemode(environment: Environment): boolean {
  return environment === "production";
}

// Pure (no node: imports): client components import this file's types, and it must stay
// importable there.

export function maskApiKey(prefix: string, last4: string): string {
  return `${prefix}\u2026${last4}`;
}

/** One row of the dashboard's key table: display fields only, masked on the server. */
export type ApiKeyRow = Omit<ApiKey, "livemode" | "prefix" | "revokedBy" | "createdBy"> & {
  /** "sk_live_…Ab3d" */
  maskedKey: string;
  revokedBy: Pick<Person, "name"> | null;
  createdBy: Pick<Person, "name"> | null;
};

export function toApiKeyRow(key: ApiKey): ApiKeyRow {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- taken out: the table shows the environment instead
  const { livemode, prefix, revokedBy, createdBy, owner, ...rest } = key;
  return {
    ...rest,
    maskedKey: maskApiKey(prefix, key.last4),
    revokedBy: revokedBy ? { name: revokedBy.name } : null,
    createdBy: createdBy ? { name: createdBy.name } : null,
    // Exactly these fields: whatever else a Person gains must not reach the browser unasked.
    owner: { id: owner.id, name: owner.name, email: owner.email },
  };
}

/** The same fields with the timestamps as Dates (string → Date, string | null → Date | null). */
type WithDates<T, K extends keyof T> = Omit<T, K> & { [P in K]: null extends T[P] ? Date | null : Date };

/**
 * What verification caches per key hash: the key's fields that decide a request, plus where the
 * key belongs and what its owner may do now. Timestamps as Dates, so that a cache hit parses
 * nothing; expiry is judged per request, against `expiresAt`.
 */
export type KeyRecord = WithDates<
  Pick<ApiKey, "id" | "name" | "environment" | "last4" | "createdAt" | "expiresAt" | "revokedAt" | "owner" | "restrictions">,
  "createdAt" | "expiresAt" | "revokedAt"
> & {
  organization: OrganizationRef;
  /** null when the owner is no longer a member of the key's organization. */
  role: Role | null;
  /** Effective: the owner's role ∩ the key's restriction (lib/domain/api-keys/rules.ts). */
  permissions: ReadonlySet<Permission>;
  /** The replacement's last 4 characters, when the key was rolled (the expiry message names it). */
  rolledToLast4: string | null;
  /** The replacement has been revoked since (the refusal then doesn't recommend it). */
  rolledToRevoked: boolean;
};

/** A key that passed verification: what an API handler knows about its caller. */
export type VerifiedKey = Pick<KeyRecord, "name" | "environment" | "last4" | "organization" | "permissions" | "restrictions"> &
  Pick<ApiKey, "livemode"> & {
    keyId: string;
    hash: string;
    /** Rolled, and in its overlap: it still works, but only as itself (it may not manage other keys). */
    superseded: boolean;
    createdAt: KeyRecord["createdAt"];
    user: Person;
    role: Role;
  };

/** `role` is the record's, once checked to be there (the owner is still a member). */
export function toVerifiedKey(record: KeyRecord, role: Role, hash: string): VerifiedKey {
  return {
    keyId: record.id,
    hash,
    superseded: record.rolledToLast4 !== null,
    name: record.name,
    environment: record.environment,
    livemode: isLivemode(record.environment),
    last4: record.last4,
    createdAt: record.createdAt,
    organization: record.organization,
    user: record.owner,
    role,
    permissions: record.permissions,
    restrictions: record.restrictions,
  };
}
