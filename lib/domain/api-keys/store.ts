import "server-only";
import { recordAudit, type AuditActor } from "@/lib/domain/audit/events";
import type { Prisma } from "@/lib/generated/prisma/client";
import { can, type Permission, type Role } from "@/lib/domain/permissions";
import { runtime, type Runtime } from "@/lib/platform/runtime";
import { generateApiKey, hashApiKey, modeForEnvironment } from "./format";
import { isLivemode, type ApiKey } from "./key";
import { afterCreated, decodeListCursor, encodeListCursor, keysetFilter, listOrder } from "./list-cursor";
import {
  effectivePermissions,
  EXPIRES_SOON_MS,
  INACTIVE_NEVER_USED_MS,
  INACTIVE_UNUSED_MS,
  mayRollKeyOf,
  OWNER_KEY_ROLL_REFUSAL,
  parseRestrictions,
  rollExpiries,
} from "./rules";
import {
  ENVIRONMENT_LABELS,
  ENVIRONMENTS,
  MAX_ACTIVE_KEYS_PER_MEMBER,
  type CreateApiKeyInput,
  type ListApiKeysQuery,
} from "./schemas";

// Every query here is scoped by organization: a key id from another organization is "not found".
// Each function works in a runtime (database, invalidations), the process's unless given: a test
// passes a second runtime to act as another instance of the app.

export type ApiKeyErrorCode = "limit_reached" | "not_found" | "forbidden" | "already_revoked" | "already_rolled" | "expired" | "invalid";

export class ApiKeyError extends Error {
  constructor(
    readonly code: ApiKeyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ApiKeyError";
  }
}

const VIEW_SELECT = {
  id: true,
  name: true,
  description: true,
  environment: true,
  prefix: true,
  last4: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  revokeReason: true,
  revokedBy: { select: { id: true, name: true, email: true } },
  user: { select: { id: true, name: true, email: true } },
  createdBy: { select: { id: true, name: true, email: true } },
  restrictions: true,
  rolledTo: { select: { id: true, last4: true } },
  rolledAt: true,
} satisfies Prisma.ApiKeySelect;

type ViewRow = Prisma.ApiKeyGetPayload<{ select: typeof VIEW_SELECT }>;

// A revoked key's predecessor (the key rolled into it) is invalidated with it: its cached record
// says which replacement to use, and its refusal must stop recommending a revoked one.
const ROLLED_FROM_HASH = { select: { hash: true } } as const;

function withRolledFrom(keys: { hash: string; rolledFrom: { hash: string } | null }[]): string[] {
  return keys.flatMap((key) => (key.rolledFrom ? [key.hash, key.rolledFrom.hash] : [key.hash]));
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const UTC_FORMAT = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const formatUtc = (d: Date) => `${UTC_FORMAT.format(d)} UTC`;

function toKey(row: ViewRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    environment: row.environment,
    livemode: isLivemode(row.environment),
    prefix: row.prefix,
    last4: row.last4,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: iso(row.lastUsedAt),
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    revokeReason: row.revokeReason,
    revokedBy: row.revokedBy,
    owner: row.user,
    createdBy: row.createdBy,
    restrictions: parseRestrictions(row.restrictions),
    rolledTo: row.rolledTo,
    rolledAt: iso(row.rolledAt),
  };
}

/** Prisma's case-insensitive `equals` / `contains` become ILIKE with the value unescaped. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, "\\$&");
}

export type CreatedApiKey = { key: string; apiKey: ApiKey; duplicateName: boolean };

/**
 * Creates a key for `userId` (the creator). `expiresAt` and `restrictions` come checked by the
 * caller against lib/domain/api-keys/rules.ts; the restriction is checked again here against the creator's
 * role as of this transaction, so a demotion a moment ago can't be outrun.
 */
export async function createApiKey(params: {
  organizationId: string;
  userId: string;
  input: Pick<CreateApiKeyInput, "name" | "environment"> & { description?: string | null };
  expiresAt?: Date | null;
  restrictions?: Permission[] | null;
  actor: AuditActor;
}, rt: Runtime = runtime()): Promise<CreatedApiKey> {
  const { organizationId, userId, input, actor } = params;
  const restrictions = params.restrictions ?? null;
  const generated = generateApiKey(modeForEnvironment(input.environment));
  return rt.database.prisma().$transaction(async (tx) => {
    // Serialises creates per member so two concurrent requests can't both take the 100th slot.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`api_key_create:${organizationId}:${userId}`}))`;
    if (restrictions) {
      const role = await actorRole(tx, organizationId, userId);
      const beyond = restrictions.filter((p) => !role || !can(role, p));
      if (beyond.length > 0) throw new ApiKeyError("invalid", `Your role doesn't have ${beyond.join(", ")}: a key can't have more than its owner.`);
    }
    const now = rt.clock.now();
    const active = await tx.apiKey.count({ where: { organizationId, userId, ...statusFilter("active", now) } });
    if (active >= MAX_ACTIVE_KEYS_PER_MEMBER) {
      throw new ApiKeyError(
        "limit_reached",
        `You already have ${MAX_ACTIVE_KEYS_PER_MEMBER} active keys in this organization. Revoke keys you no longer use, then try again.`,
      );
    }
    const duplicate = await tx.apiKey.findFirst({
      where: { organizationId, userId, ...statusFilter("active", now), name: { equals: escapeLike(input.name), mode: "insensitive" } },
      select: { id: true },
    });
    const row = await tx.apiKey.create({
      data: {
        organizationId,
        userId,
        name: input.name,
        description: input.description ?? null,
        environment: input.environment,
        prefix: generated.prefix,
        last4: generated.last4,
        hash: hashApiKey(generated.key, rt.env.apiKeyHashSecret),
        expiresAt: params.expiresAt ?? null,
        restrictions: restrictions ?? undefined,
        createdById: userId,
      },
      select: VIEW_SELECT,
    });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "api_key.created",
      target: { type: "api_key", id: row.id },
      metadata: {
        name: row.name,
        environment: row.environment,
        owner_id: userId,
        expires_at: iso(row.expiresAt),
        restrictions: restrictions ?? null,
      },
    });
    return { key: generated.key, apiKey: toKey(row), duplicateName: duplicate !== null };
  });
}

/**
 * What the list's search box matches: name, description, last 4 characters, the owner's name or
 * email, and an environment by its label ("prod" finds production keys). The substring matches on
 * name, description and last 4 use pg_trgm's GIN indexes (migration
 * 20261130000600_key_list_search_and_count_indexes). The owners are matched first, in the users who hold
 * keys here (a few, however many keys), so the scan of the keys compares ids rather than joining
 * every key to its owner (at 100,000 keys that join was most of a search's time, bench/scale.ts).
 */
async function searchFilter(organizationId: string, q: string, rt: Runtime): Promise<Prisma.ApiKeyWhereInput> {
  const contains = { contains: escapeLike(q), mode: "insensitive" } as const;
  const environments = ENVIRONMENTS.filter((environment) =>
    ENVIRONMENT_LABELS[environment].toLowerCase().startsWith(q.toLowerCase()),
  );
  const owners = await rt.database.prisma().user.findMany({
    where: { apiKeys: { some: { organizationId } }, OR: [{ name: contains }, { email: contains }] },
    select: { id: true },
  });
  return {
    OR: [
      { name: contains },
      { description: contains },
      { last4: contains },
      ...(owners.length > 0 ? [{ userId: { in: owners.map((o) => o.id) } }] : []),
      ...(environments.length > 0 ? [{ environment: { in: environments } }] : []),
    ],
  };
}

/**
 * What each status filter of the list means. Active: not revoked and not past its expiry (a rolled
 * key in its overlap is active). Expiring: active, expiring within 7 days. Expired: past its expiry,
 * never revoked. Inactive: active, unused for 30 days or never used and created over 7 days ago.
 */
export function statusFilter(status: ListApiKeysQuery["status"], now: number): Prisma.ApiKeyWhereInput {
  const at = new Date(now);
  const active: Prisma.ApiKeyWhereInput = { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: at } }] };
  switch (status) {
    case "revoked":
      return { revokedAt: { not: null } };
    case "expired":
      return { revokedAt: null, expiresAt: { lte: at } };
    case "expiring":
      return { revokedAt: null, expiresAt: { gt: at, lte: new Date(now + EXPIRES_SOON_MS) } };
    case "inactive":
      return {
        AND: [
          active,
          {
            OR: [
              { lastUsedAt: { lt: new Date(now - INACTIVE_UNUSED_MS) } },
              { lastUsedAt: null, createdAt: { lt: new Date(now - INACTIVE_NEVER_USED_MS) } },
            ],
          },
        ],
      };
    default:
      return active;
  }
}

/** How many active keys (of one member, or all) expire within 7 days: the page's notice. */
export async function countExpiringSoon(organizationId: string, ownerId: string | undefined, rt: Runtime = runtime()): Promise<number> {
  return rt.database.prisma().apiKey.count({
    where: { organizationId, ...(ownerId ? { userId: ownerId } : {}), ...statusFilter("expiring", rt.clock.now()) },
  });
}

/** The names of a member's active keys, so the create form can warn about a duplicate as it is typed. */
export async function listActiveKeyNames(organizationId: string, userId: string, rt: Runtime = runtime()): Promise<string[]> {
  const rows = await rt.database.prisma().apiKey.findMany({
    where: { organizationId, userId, ...statusFilter("active", rt.clock.now()) },
    select: { name: true },
    take: MAX_ACTIVE_KEYS_PER_MEMBER,
  });
  return rows.map((row) => row.name);
}

export type ApiKeyPage = {
  rows: ApiKey[];
  total: number;
  page: number;
  pageCount: number;
  pageSize: number;
  /** Cursors for Previous and Next (null where there is no such page); see list-cursor.ts. */
  previousCursor: string | null;
  nextCursor: string | null;
};

/**
 * One page of an organization's keys (or one member's), filtered and sorted by the database:
 * after or before `query.cursor` when it has one (a keyset read from the index), else by `page`.
 */
export async function listApiKeys(params: {
  organizationId: string;
  ownerId?: string;
  query: Pick<ListApiKeysQuery, "status" | "environment" | "q" | "sort" | "dir" | "page" | "size" | "cursor">;
}, rt: Runtime = runtime()): Promise<ApiKeyPage> {
  const { organizationId, ownerId, query } = params;
  const prisma = rt.database.prisma();
  const filters = [statusFilter(query.status, rt.clock.now()), ...(query.q ? [await searchFilter(organizationId, query.q, rt)] : [])];
  // AND, not one spread object: the status, the search and the cursor each bring an OR of their own.
  const where: Prisma.ApiKeyWhereInput = {
    organizationId,
    ...(ownerId ? { userId: ownerId } : {}),
    ...(query.environment ? { environment: query.environment } : {}),
    AND: filters,
  };
  const view = { ...query, ownerId };
  const cursor = decodeListCursor(query.cursor, view);
  const size = query.size;
  // One row more than a page says whether there is another page that way.
  const [total, found] = await Promise.all([
    prisma.apiKey.count({ where }),
    prisma.apiKey.findMany({
      where: cursor ? { ...where, AND: [...filters, keysetFilter(query, cursor)] } : where,
      orderBy: listOrder(query, cursor?.before),
      skip: cursor ? 0 : (query.page - 1) * size,
      take: size + 1,
      select: VIEW_SELECT,
    }),
  ]);
  const pageCount = Math.max(1, Math.ceil(total / size));
  // Previous reached the first rows: that is page 1, in full.
  if (cursor?.before && found.length <= size) return listApiKeys({ organizationId, ownerId, query: { ...query, cursor: undefined, page: 1 } }, rt);
  const more = found.length > size;
  const rows = (cursor?.before ? found.slice(0, size).reverse() : found.slice(0, size)).map(toKey);
  // By cursor, the page number is for display only (rows may have come and gone since page 1).
  const page = cursor ? Math.min(Math.max(query.page, 2), pageCount) : query.page;
  const first = rows.at(0);
  const last = rows.at(-1);
  const hasPrevious = cursor ? true : query.page > 1;
  const hasNext = cursor?.before ? true : more;
  return {
    rows,
    total,
    page,
    pageSize: size,
    pageCount,
    previousCursor: hasPrevious && first ? encodeListCursor(true, first, view) : null,
    nextCursor: hasNext && last ? encodeListCursor(false, last, view) : null,
  };
}

export async function getApiKey(organizationId: string, keyId: string, rt: Runtime = runtime()): Promise<ApiKey | null> {
  const row = await rt.database.prisma().apiKey.findFirst({ where: { id: keyId, organizationId }, select: VIEW_SELECT });
  return row ? toKey(row) : null;
}

/**
 * Who acts on a key. Through the API the actor is a key, whose restriction narrows its owner's
 * role: `restrictions` makes the store's own permission check use the same intersection.
 */
/**
 * One key as `viewer` may see it: their own with api_keys:read, anyone's with api_keys:manage
 * (`permissions`: a member's role, or a key's effective set). Throws not_found / forbidden.
 */
export async function readApiKey(params: {
  organizationId: string;
  keyId: string;
  viewer: { userId: string; permissions: ReadonlySet<Permission> };
}, rt: Runtime = runtime()): Promise<ApiKey> {
  const key = await getApiKey(params.organizationId, params.keyId, rt);
  if (!key) throw new ApiKeyError("not_found", "That key doesn't exist in this organization.");
  const own = key.owner.id === params.viewer.userId;
  if (!params.viewer.permissions.has(own ? "api_keys:read" : "api_keys:manage")) {
    throw new ApiKeyError(
      "forbidden",
      own ? "Viewing keys needs api_keys:read." : "Viewing another member's key needs api_keys:manage: owners and admins have it (and keys of theirs not restricted without it).",
    );
  }
  return key;
}

/** What the key page shows beyond the list's fields: where it was last used from, and its owner's role now. */
export async function getApiKeyDetails(organizationId: string, key: Pick<ApiKey, "id" | "owner">, rt: Runtime = runtime()): Promise<{
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
  ownerRole: Role | null;
  rolledFrom: { id: string; last4: string } | null;
}> {
  const prisma = rt.database.prisma();
  const [row, membership, rolledFrom] = await Promise.all([
    prisma.apiKey.findFirst({ where: { id: key.id, organizationId }, select: { lastUsedIp: true, lastUsedUserAgent: true } }),
    prisma.membership.findUnique({ where: { organizationId_userId: { organizationId, userId: key.owner.id } }, select: { role: true } }),
    prisma.apiKey.findFirst({ where: { rolledToId: key.id, organizationId }, select: { id: true, last4: true } }),
  ]);
  return { lastUsedIp: row?.lastUsedIp ?? null, lastUsedUserAgent: row?.lastUsedUserAgent ?? null, ownerRole: membership?.role ?? null, rolledFrom };
}

export type RevokeActor = AuditActor & {
  userId: string;
  role: Role;
  restrictions?: Permission[] | null;
  /** The acting key was rolled (it is in its overlap): it may act on itself only. */
  superseded?: boolean;
};

/** Whether the actor, with their role as of this transaction, holds `permission`. */
function actorMay(role: Role | null, actor: RevokeActor, permission: Permission): boolean {
  return role !== null && effectivePermissions(role, actor.restrictions ?? null).includes(permission);
}

/**
 * The actor's role as of this transaction: the caller's copy (from the session or the key cache)
 * may be a request old, and a demotion must stop what it forbids at once.
 */
export async function actorRole(tx: Prisma.TransactionClient, organizationId: string, userId: string): Promise<Role | null> {
  const membership = await tx.membership.findUnique({
    where: { organizationId_userId: { organizationId, userId } },
    select: { role: true },
  });
  return membership?.role ?? null;
}

/**
 * Revokes one key. Your own key needs api_keys:write, anyone else's api_keys:manage. Takes effect
 * in this process's verification cache before it returns, and in other instances via NOTIFY.
 */
export async function revokeApiKey(params: {
  organizationId: string;
  keyId: string;
  actor: RevokeActor;
  reason?: string;
}, rt: Runtime = runtime()): Promise<ApiKey> {
  const { organizationId, keyId, actor } = params;
  const reason = params.reason ?? "revoked_by_user";
  const result = await rt.database.prisma().$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({
      where: { id: keyId, organizationId },
      select: { id: true, userId: true, hash: true, name: true, revokedAt: true, revokedBy: { select: { name: true } }, rolledFrom: ROLLED_FROM_HASH },
    });
    if (!key) throw new ApiKeyError("not_found", "That key doesn't exist in this organization. Refresh the list.");
    await authorizeKeyAction(tx, organizationId, key, actor, "revoke");
    if (key.revokedAt) {
      throw new ApiKeyError(
        "already_revoked",
        `This key was already revoked${key.revokedBy ? ` by ${key.revokedBy.name}` : ""} on ${formatUtc(key.revokedAt)}. Refresh the list.`,
      );
    }
    // The revokedAt guard makes two concurrent revokes produce one revocation and one clear error.
    const updated = await tx.apiKey.updateMany({
      where: { id: key.id, organizationId, revokedAt: null },
      data: { revokedAt: new Date(), revokedById: actor.userId, revokeReason: reason },
    });
    if (updated.count === 0) throw new ApiKeyError("already_revoked", "This key was just revoked by someone else. Refresh the list.");
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "api_key.revoked",
      target: { type: "api_key", id: key.id },
      metadata: { name: key.name, reason, owner_id: key.userId },
    });
    const row = await tx.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: VIEW_SELECT });
    return { apiKey: toKey(row), hashes: withRolledFrom([key]) };
  });
  await rt.invalidation.publish({ keyHashes: result.hashes });
  return result.apiKey;
}

/** The caller may act on this key: their own with api_keys:write, anyone's with api_keys:manage (role as of `tx`). */
async function authorizeKeyAction(
  tx: Prisma.TransactionClient,
  organizationId: string,
  key: { id: string; userId: string },
  actor: RevokeActor,
  verb: string,
): Promise<Role> {
  // A key kept alive by a roll's overlap may have leaked (that is often why it was rolled): it
  // must not be able to roll or revoke its replacement, or any other key.
  if (actor.superseded && actor.apiKeyId !== key.id) {
    throw new ApiKeyError("forbidden", `This key was rolled: until it expires it works only as itself and can't ${verb} other keys. Use its replacement.`);
  }
  const own = key.userId === actor.userId;
  const permission = own ? "api_keys:write" : "api_keys:manage";
  const role = await actorRole(tx, organizationId, actor.userId);
  if (!role || !can(role, permission)) {
    throw new ApiKeyError(
      "forbidden",
      own ? `Your role can't ${verb} keys.` : `Only owners and admins can ${verb} another member's key. Ask an admin of this organization.`,
    );
  }
  if (!actorMay(role, actor, permission)) {
    throw new ApiKeyError("forbidden", `This key is restricted to ${(actor.restrictions ?? []).join(", ")}, without ${permission}: it can't ${verb} ${own ? "keys" : "another member's key"}.`);
  }
  return role;
}

export type UpdateApiKeyInput = { name?: string; description?: string | null };

/** Renames a key or changes its description (own key: api_keys:write; any: api_keys:manage). */
export async function updateApiKey(params: {
  organizationId: string;
  keyId: string;
  input: UpdateApiKeyInput;
  actor: RevokeActor;
}, rt: Runtime = runtime()): Promise<ApiKey> {
  const { organizationId, keyId, input, actor } = params;
  const result = await rt.database.prisma().$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({
      where: { id: keyId, organizationId },
      select: { id: true, userId: true, hash: true, name: true, description: true, revokedAt: true },
    });
    if (!key) throw new ApiKeyError("not_found", "That key doesn't exist in this organization. Refresh the list.");
    await authorizeKeyAction(tx, organizationId, key, actor, "edit");
    if (key.revokedAt) throw new ApiKeyError("already_revoked", "This key is revoked: there is nothing to edit. Refresh the list.");
    const changes: { name?: string; description?: string | null } = {};
    if (input.name !== undefined && input.name !== key.name) changes.name = input.name;
    if (input.description !== undefined && (input.description ?? null) !== key.description) changes.description = input.description ?? null;
    if (Object.keys(changes).length > 0) {
      await tx.apiKey.update({ where: { id: key.id }, data: changes });
      const before = Object.fromEntries(Object.keys(changes).map((field) => [field, key[field as keyof typeof changes]]));
      await recordAudit(tx, {
        organizationId,
        actor,
        action: "api_key.updated",
        target: { type: "api_key", id: key.id },
        metadata: { name: changes.name ?? key.name, owner_id: key.userId, before, after: changes },
      });
    }
    const row = await tx.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: VIEW_SELECT });
    return { apiKey: toKey(row), hash: key.hash, changed: Object.keys(changes).length > 0 };
  });
  // The verification cache holds the name (GET /me shows it).
  if (result.changed) await rt.invalidation.publish({ keyHashes: [result.hash] });
  return result.apiKey;
}

export type RolledApiKey = { key: string; apiKey: ApiKey; old: ApiKey };

/**
 * The active-keys cap across a roll. A member's active keys count against it, except one outgoing
 * key per lineage (a key and the keys rolled from it, one after the other): while a lineage's
 * current key is active, the newest of its keys still in their overlap rides on it. So a roll
 * swaps the old key for its replacement in the count (a member at the cap can roll, and a program
 * gets its overlap), but rolling the replacement again before that overlap ends counts the older
 * key again: rolls can't pile up keys beyond the cap plus one outgoing key per lineage. A roll
 * with no overlap never changes the count. Returns the count now, and the lineages (by their
 * current key) that already have an outgoing key.
 */
async function countKeysUnderCap(
  tx: Prisma.TransactionClient,
  organizationId: string,
  userId: string,
  now: number,
): Promise<{ counted: number; withOutgoing: Set<string> }> {
  const active = statusFilter("active", now);
  const [total, outgoing] = await Promise.all([
    tx.apiKey.count({ where: { organizationId, userId, ...active } }),
    tx.apiKey.findMany({ where: { organizationId, userId, rolledToId: { not: null }, ...active }, select: { rolledToId: true } }),
  ]);
  // Walk each outgoing key's lineage to its current key: a step per roll made during the overlap
  // (usually one), whatever has become of the keys in between.
  const withOutgoing = new Set<string>();
  const seen = new Set<string>();
  let next = [...new Set(outgoing.map((k) => k.rolledToId!))];
  while (next.length > 0) {
    next.forEach((id) => seen.add(id));
    const rows = await tx.apiKey.findMany({
      where: { organizationId, id: { in: next } },
      select: { id: true, rolledToId: true, revokedAt: true, expiresAt: true },
    });
    for (const row of rows) {
      if (!row.rolledToId && !row.revokedAt && (!row.expiresAt || row.expiresAt.getTime() > now)) withOutgoing.add(row.id);
    }
    next = [...new Set(rows.flatMap((row) => (row.rolledToId && !seen.has(row.rolledToId) ? [row.rolledToId] : [])))];
  }
  return { counted: total - withOutgoing.size, withOutgoing };
}

/**
 * Rolls a key: one transaction creates the replacement (same owner, name, description,
 * environment and restriction; a fresh expiry of the same length if the old one had one), gives the
 * old key `overlapSeconds` more to live and links old → new. Of two concurrent rolls of one key, one
 * succeeds and the other is refused (the link is set only where none was). The owner's active-keys
 * cap holds as countKeysUnderCap says, under the lock createApiKey takes.
 */
export async function rollApiKey(params: {
  organizationId: string;
  keyId: string;
  overlapSeconds: number;
  actor: RevokeActor;
}, rt: Runtime = runtime()): Promise<RolledApiKey> {
  const { organizationId, keyId, overlapSeconds, actor } = params;
  const result = await rt.database.prisma().$transaction(async (tx) => {
    const old = await tx.apiKey.findFirst({
      where: { id: keyId, organizationId },
      select: {
        id: true, userId: true, hash: true, name: true, description: true, environment: true, restrictions: true,
        createdAt: true, expiresAt: true, revokedAt: true, rolledToId: true, rolledTo: { select: { last4: true } },
      },
    });
    if (!old) throw new ApiKeyError("not_found", "That key doesn't exist in this organization. Refresh the list.");
    const role = await authorizeKeyAction(tx, organizationId, old, actor, "roll");
    if (old.userId !== actor.userId) {
      const ownerRole = await actorRole(tx, organizationId, old.userId);
      if (!mayRollKeyOf({ own: false, actorRole: role, ownerRole })) {
        throw new ApiKeyError("forbidden", `${OWNER_KEY_ROLL_REFUSAL}. Ask them, or revoke it if it is compromised.`);
      }
    }
    if (actor.restrictions) {
      // A restricted key must not mint a secret that may do more than it may.
      const ownerRole = (await actorRole(tx, organizationId, old.userId)) ?? "viewer";
      const mine = new Set(effectivePermissions(role, actor.restrictions));
      const beyond = effectivePermissions(ownerRole, parseRestrictions(old.restrictions)).filter((p) => !mine.has(p));
      if (beyond.length > 0) {
        throw new ApiKeyError(
          "forbidden",
          `This key is restricted and can't roll a key with more permissions than its own (${beyond.join(", ")}): the new secret would carry them. Roll it in the dashboard.`,
        );
      }
    }
    if (old.revokedAt) throw new ApiKeyError("already_revoked", "This key is revoked, so it can't be rolled. Create a new key instead.");
    if (old.rolledToId) {
      throw new ApiKeyError(
        "already_rolled",
        `This key was already rolled${old.rolledTo ? `; its replacement ends in ${old.rolledTo.last4}` : ""}. Roll the replacement instead.`,
      );
    }
    const now = rt.clock.now();
    if (old.expiresAt && old.expiresAt.getTime() <= now) {
      throw new ApiKeyError("expired", "This key has expired, so it can't be rolled. Create a new key instead.");
    }
    const { oldExpiresAt, newExpiresAt } = rollExpiries(old, now, overlapSeconds);
    // The same lock as createApiKey's: creates and rolls of one member's keys count one at a time.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`api_key_create:${organizationId}:${old.userId}`}))`;
    const { counted, withOutgoing } = await countKeysUnderCap(tx, organizationId, old.userId, now);
    if (oldExpiresAt.getTime() > now && withOutgoing.has(old.id) && counted + 1 > MAX_ACTIVE_KEYS_PER_MEMBER) {
      const whose = old.userId === actor.userId ? "You already have" : "This member already has";
      throw new ApiKeyError(
        "limit_reached",
        `${whose} ${MAX_ACTIVE_KEYS_PER_MEMBER} active keys in this organization, and this key's previous version is still in its overlap: a second overlap would make one more. Roll it with the old key expiring immediately, wait for the overlap to end, or revoke keys you no longer use.`,
      );
    }
    const generated = generateApiKey(modeForEnvironment(old.environment));
    const created = await tx.apiKey.create({
      data: {
        organizationId,
        userId: old.userId,
        name: old.name,
        description: old.description,
        environment: old.environment,
        prefix: generated.prefix,
        last4: generated.last4,
        hash: hashApiKey(generated.key, rt.env.apiKeyHashSecret),
        expiresAt: newExpiresAt,
        restrictions: old.restrictions ?? undefined,
        createdById: actor.userId,
      },
      select: { id: true, last4: true },
    });
    const linked = await tx.apiKey.updateMany({
      where: { id: old.id, organizationId, rolledToId: null, revokedAt: null },
      data: { rolledToId: created.id, rolledAt: new Date(now), expiresAt: oldExpiresAt },
    });
    if (linked.count === 0) throw new ApiKeyError("already_rolled", "This key was just rolled or revoked by someone else. Refresh the list.");
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "api_key.rolled",
      target: { type: "api_key", id: old.id },
      metadata: {
        name: old.name,
        owner_id: old.userId,
        new_key_id: created.id,
        new_key_last4: created.last4,
        before: { expires_at: iso(old.expiresAt) },
        after: { expires_at: oldExpiresAt.toISOString() },
        new_key_expires_at: iso(newExpiresAt),
      },
    });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "api_key.created",
      target: { type: "api_key", id: created.id },
      metadata: { name: old.name, environment: old.environment, owner_id: old.userId, rolled_from: old.id, expires_at: iso(newExpiresAt) },
    });
    const [newRow, oldRow] = await Promise.all([
      tx.apiKey.findUniqueOrThrow({ where: { id: created.id }, select: VIEW_SELECT }),
      tx.apiKey.findUniqueOrThrow({ where: { id: old.id }, select: VIEW_SELECT }),
    ]);
    return { key: generated.key, apiKey: toKey(newRow), old: toKey(oldRow), hash: old.hash };
  });
  // The old key's cached record has no expiry (or a later one) and no replacement: drop it.
  await rt.invalidation.publish({ keyHashes: [result.hash] });
  return { key: result.key, apiKey: result.apiKey, old: result.old };
}

export const MAX_BULK_REVOKE = 100;

/**
 * Revokes several keys at once (the list's "Revoke selected"): one transaction, all or nothing —
 * if the actor may not revoke one of them, none is revoked. Keys already revoked are skipped.
 */
export async function revokeApiKeys(params: {
  organizationId: string;
  keyIds: string[];
  actor: RevokeActor;
}, rt: Runtime = runtime()): Promise<{ revoked: ApiKey[]; skipped: number }> {
  const { organizationId, actor } = params;
  const keyIds = [...new Set(params.keyIds)];
  if (keyIds.length === 0) return { revoked: [], skipped: 0 };
  if (keyIds.length > MAX_BULK_REVOKE) throw new ApiKeyError("invalid", `Select at most ${MAX_BULK_REVOKE} keys at a time.`);
  const result = await rt.database.prisma().$transaction(async (tx) => {
    const keys = await tx.apiKey.findMany({
      where: { id: { in: keyIds }, organizationId },
      select: { id: true, userId: true, hash: true, name: true, revokedAt: true, rolledFrom: ROLLED_FROM_HASH },
    });
    if (keys.length !== keyIds.length) throw new ApiKeyError("not_found", "Some of these keys no longer exist in this organization. Refresh the list.");
    const role = await actorRole(tx, organizationId, actor.userId);
    const others = keys.filter((k) => k.userId !== actor.userId);
    if (!actorMay(role, actor, "api_keys:write") || (others.length > 0 && !actorMay(role, actor, "api_keys:manage"))) {
      throw new ApiKeyError("forbidden", "Only owners and admins can revoke other members' keys. Nothing was revoked.");
    }
    const revokedAt = new Date();
    const done: typeof keys = [];
    for (const key of keys.filter((k) => !k.revokedAt)) {
      // Guarded like a single revoke: a key revoked meanwhile is skipped, not revoked (or audited) twice.
      const updated = await tx.apiKey.updateMany({
        where: { id: key.id, organizationId, revokedAt: null },
        data: { revokedAt, revokedById: actor.userId, revokeReason: "revoked_by_user" },
      });
      if (updated.count === 0) continue;
      done.push(key);
      await recordAudit(tx, {
        organizationId,
        actor,
        action: "api_key.revoked",
        target: { type: "api_key", id: key.id },
        metadata: { name: key.name, reason: "revoked_by_user", owner_id: key.userId, bulk: true },
      });
    }
    const rows = await tx.apiKey.findMany({ where: { id: { in: done.map((k) => k.id) } }, select: VIEW_SELECT });
    return { revoked: rows.map(toKey), hashes: withRolledFrom(done), skipped: keys.length - done.length };
  });
  if (result.hashes.length > 0) await rt.invalidation.publish({ keyHashes: result.hashes });
  return { revoked: result.revoked, skipped: result.skipped };
}

/** Inside a member-removal transaction: revoke every active key the member has in the organization. */
export async function revokeMemberKeysInTx(
  tx: Prisma.TransactionClient,
  params: { organizationId: string; userId: string; actor: AuditActor; reason: string },
): Promise<string[]> {
  const keys = await tx.apiKey.findMany({
    where: { organizationId: params.organizationId, userId: params.userId, revokedAt: null },
    select: { id: true, hash: true, name: true },
  });
  if (keys.length === 0) return [];
  await tx.apiKey.updateMany({
    where: { id: { in: keys.map((k) => k.id) }, revokedAt: null },
    data: { revokedAt: new Date(), revokedById: params.actor.userId, revokeReason: params.reason },
  });
  for (const key of keys) {
    await recordAudit(tx, {
      organizationId: params.organizationId,
      actor: params.actor,
      action: "api_key.revoked",
      target: { type: "api_key", id: key.id },
      metadata: { name: key.name, reason: params.reason, owner_id: params.userId },
    });
  }
  return keys.map((k) => k.hash);
}

/** The API's key list: newest first, keyset pagination on (createdAt, id). */
export async function listApiKeysAfter(params: {
  organizationId: string;
  ownerId?: string;
  limit: number;
  after?: { at: Date; id: string };
}, rt: Runtime = runtime()): Promise<{ rows: ApiKey[]; hasMore: boolean }> {
  const { organizationId, ownerId, limit, after } = params;
  const rows = await rt.database.prisma().apiKey.findMany({
    where: {
      organizationId,
      ...(ownerId ? { userId: ownerId } : {}),
      ...(after ? afterCreated("desc", after.at, after.id) : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: VIEW_SELECT,
  });
  return { rows: rows.slice(0, limit).map(toKey), hasMore: rows.length > limit };
}

/**
 * A key reported as leaked (POST /api/v1/api-keys/exposed): possession is the proof, so it is
 * revoked whoever reports it. Returns nothing the caller may learn from.
 */
export async function revokeExposedKey(key: string, actor: Omit<AuditActor, "userId">, rt: Runtime = runtime()): Promise<void> {
  const hash = hashApiKey(key, rt.env.apiKeyHashSecret);
  const revoked = await rt.database.prisma().$transaction(async (tx) => {
    const row = await tx.apiKey.findUnique({
      where: { hash },
      select: { id: true, organizationId: true, userId: true, name: true, hash: true, revokedAt: true, rolledFrom: ROLLED_FROM_HASH },
    });
    if (!row || row.revokedAt) return null;
    const updated = await tx.apiKey.updateMany({
      where: { id: row.id, revokedAt: null },
      data: { revokedAt: new Date(), revokeReason: "exposed" },
    });
    if (updated.count === 0) return null;
    await recordAudit(tx, {
      organizationId: row.organizationId,
      actor: { ...actor, userId: null },
      action: "api_key.revoked",
      target: { type: "api_key", id: row.id },
      metadata: { name: row.name, reason: "exposed", owner_id: row.userId },
    });
    return withRolledFrom([row]);
  });
  if (revoked) await rt.invalidation.publish({ keyHashes: revoked });
}
