import "server-only";
import { recordAudit, type AuditActor } from "@/lib/audit";
import type { Prisma } from "@/lib/generated/prisma/client";
import { can, type Role } from "@/lib/permissions";
import { runtime, type Runtime } from "@/lib/runtime";
import { generateApiKey, hashApiKey, modeForEnvironment } from "./format";
import { isLivemode, type ApiKey } from "./key";
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

export type ApiKeyErrorCode = "limit_reached" | "not_found" | "forbidden" | "already_revoked";

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
} satisfies Prisma.ApiKeySelect;

type ViewRow = Prisma.ApiKeyGetPayload<{ select: typeof VIEW_SELECT }>;

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
  };
}

/** Prisma's case-insensitive `equals` / `contains` become ILIKE with the value unescaped. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, "\\$&");
}

export type CreatedApiKey = { key: string; apiKey: ApiKey; duplicateName: boolean };

export async function createApiKey(params: {
  organizationId: string;
  userId: string;
  input: CreateApiKeyInput;
  actor: AuditActor;
}, rt: Runtime = runtime()): Promise<CreatedApiKey> {
  const { organizationId, userId, input, actor } = params;
  const generated = generateApiKey(modeForEnvironment(input.environment));
  return rt.database.prisma().$transaction(async (tx) => {
    // Serialises creates per member so two concurrent requests can't both take the 100th slot.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`api_key_create:${organizationId}:${userId}`}))`;
    const active = await tx.apiKey.count({ where: { organizationId, userId, revokedAt: null } });
    if (active >= MAX_ACTIVE_KEYS_PER_MEMBER) {
      throw new ApiKeyError(
        "limit_reached",
        `You already have ${MAX_ACTIVE_KEYS_PER_MEMBER} active keys in this organization. Revoke keys you no longer use, then try again.`,
      );
    }
    const duplicate = await tx.apiKey.findFirst({
      where: { organizationId, userId, revokedAt: null, name: { equals: escapeLike(input.name), mode: "insensitive" } },
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
      },
      select: VIEW_SELECT,
    });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "api_key.created",
      target: { type: "api_key", id: row.id },
      metadata: { name: row.name, environment: row.environment, owner_id: userId },
    });
    return { key: generated.key, apiKey: toKey(row), duplicateName: duplicate !== null };
  });
}

/**
 * What the list's search box matches: name, description, last 4 characters, the owner's name or
 * email, and an environment by its label ("prod" finds production keys). Deliberately no index of
 * its own: every list query is bounded by the organization (and member) index first, and a
 * case-insensitive substring scan of that organization's rows (at most 100 active keys per member)
 * costs less than keeping a trigram index current on every create and revoke.
 */
function searchFilter(q: string): Prisma.ApiKeyWhereInput {
  const contains = { contains: escapeLike(q), mode: "insensitive" } as const;
  const environments = ENVIRONMENTS.filter((environment) =>
    ENVIRONMENT_LABELS[environment].toLowerCase().startsWith(q.toLowerCase()),
  );
  return {
    OR: [
      { name: contains },
      { description: contains },
      { last4: contains },
      { user: { OR: [{ name: contains }, { email: contains }] } },
      ...(environments.length > 0 ? [{ environment: { in: environments } }] : []),
    ],
  };
}

/** The names of a member's active keys, so the create form can warn about a duplicate as it is typed. */
export async function listActiveKeyNames(organizationId: string, userId: string, rt: Runtime = runtime()): Promise<string[]> {
  const rows = await rt.database.prisma().apiKey.findMany({
    where: { organizationId, userId, revokedAt: null },
    select: { name: true },
    take: MAX_ACTIVE_KEYS_PER_MEMBER,
  });
  return rows.map((row) => row.name);
}

export type ApiKeyPage = { rows: ApiKey[]; total: number; page: number; pageCount: number; pageSize: number };

/** One page of an organization's keys (or one member's), filtered and sorted by the database. */
export async function listApiKeys(params: {
  organizationId: string;
  ownerId?: string;
  query: Pick<ListApiKeysQuery, "status" | "environment" | "q" | "sort" | "dir" | "page" | "size">;
}, rt: Runtime = runtime()): Promise<ApiKeyPage> {
  const { organizationId, ownerId, query } = params;
  const where: Prisma.ApiKeyWhereInput = {
    organizationId,
    ...(ownerId ? { userId: ownerId } : {}),
    revokedAt: query.status === "revoked" ? { not: null } : null,
    ...(query.environment ? { environment: query.environment } : {}),
    ...(query.q ? searchFilter(query.q) : {}),
  };
  const orderBy: Prisma.ApiKeyOrderByWithRelationInput[] =
    query.sort === "last_used"
      ? [{ lastUsedAt: { sort: query.dir, nulls: "last" } }, { createdAt: "desc" }, { id: "desc" }]
      : [{ createdAt: query.dir }, { id: query.dir }];
  const [total, rows] = await Promise.all([
    rt.database.prisma().apiKey.count({ where }),
    rt.database.prisma().apiKey.findMany({
      where,
      orderBy,
      skip: (query.page - 1) * query.size,
      take: query.size,
      select: VIEW_SELECT,
    }),
  ]);
  return {
    rows: rows.map(toKey),
    total,
    page: query.page,
    pageSize: query.size,
    pageCount: Math.max(1, Math.ceil(total / query.size)),
  };
}

export async function getApiKey(organizationId: string, keyId: string, rt: Runtime = runtime()): Promise<ApiKey | null> {
  const row = await rt.database.prisma().apiKey.findFirst({ where: { id: keyId, organizationId }, select: VIEW_SELECT });
  return row ? toKey(row) : null;
}

export type RevokeActor = AuditActor & { userId: string; role: Role };

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
      select: { id: true, userId: true, hash: true, name: true, revokedAt: true, revokedBy: { select: { name: true } } },
    });
    if (!key) throw new ApiKeyError("not_found", "That key doesn't exist in this organization. Refresh the list.");
    const permission = key.userId === actor.userId ? "api_keys:write" : "api_keys:manage";
    const role = await actorRole(tx, organizationId, actor.userId);
    if (!role || !can(role, permission)) {
      throw new ApiKeyError(
        "forbidden",
        key.userId === actor.userId
          ? "Your role can't revoke keys."
          : "Only owners and admins can revoke another member's key. Ask an admin of this organization.",
      );
    }
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
    return { apiKey: toKey(row), hash: key.hash };
  });
  await rt.invalidation.publish({ keyHashes: [result.hash] });
  return result.apiKey;
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
      ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
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
    const row = await tx.apiKey.findUnique({ where: { hash }, select: { id: true, organizationId: true, userId: true, name: true, revokedAt: true } });
    if (!row || row.revokedAt) return false;
    const updated = await tx.apiKey.updateMany({
      where: { id: row.id, revokedAt: null },
      data: { revokedAt: new Date(), revokeReason: "exposed" },
    });
    if (updated.count === 0) return false;
    await recordAudit(tx, {
      organizationId: row.organizationId,
      actor: { ...actor, userId: null },
      action: "api_key.revoked",
      target: { type: "api_key", id: row.id },
      metadata: { name: row.name, reason: "exposed", owner_id: row.userId },
    });
    return true;
  });
  if (revoked) await rt.invalidation.publish({ keyHashes: [hash] });
}
