import "server-only";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "@/lib/platform/cursor";
import { maskApiKey, type Person } from "@/lib/domain/api-keys/key";
import { AUDIT_ACTIONS, type AuditAction } from "@/lib/domain/audit/events";
import { API_KEY_ACTOR_PREFIX as API_KEY_ACTOR, EXPOSED_KEY_REPORT } from "@/lib/domain/audit/filters";
import { CSV_BYTE_ORDER_MARK, csvRow } from "@/lib/domain/audit/csv";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Permission } from "@/lib/domain/permissions";
import { runtime, type Runtime } from "@/lib/platform/runtime";

// Reading the organization's audit trail (written by recordAudit in lib/domain/audit/events.ts): one page at a
// time, newest first, keyset-paginated on (createdAt, id) so a page stays stable while events are
// added, or as a stream of every matching event for the CSV export. Every query is scoped by
// organization, and so is every row joined to describe an event (a key id of another organization
// describes nothing).

export { auditActorFilterSchema, EXPOSED_KEY_REPORT } from "@/lib/domain/audit/filters";

export const auditActionSchema = z.enum(AUDIT_ACTIONS);

export type AuditLogFilters = {
  action?: AuditAction;
  actor?: string;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
};

export type AuditLogActor =
  | ({ type: "user" } & Person)
  | {
      type: "api_key";
      id: string;
      /** null when the key no longer exists (its owner's account was deleted). */
      name: string | null;
      prefix: string | null;
      last4: string | null;
      /** "sk_live_…Ab3d" */
      maskedKey: string | null;
      owner: Person | null;
    }
  | { type: "exposed_key_report" }
  /** The user who acted has since been deleted. */
  | { type: "deleted_user" };

export type AuditLogTarget = {
  type: string;
  id: string;
  /** What a person reads: "Billing sync (sk_live_…Ab3d)", "Dana Developer (dana@acme.test)". */
  description: string;
};

/** One event as the page, the API and the CSV show it: plain data, never a secret or a hash. */
export type AuditLogEntry = {
  id: string;
  action: string;
  createdAt: string;
  actor: AuditLogActor;
  target: AuditLogTarget;
  ip: string | null;
  userAgent: string | null;
  metadata: Prisma.JsonValue | null;
};

export type AuditLogPage = {
  events: AuditLogEntry[];
  /** Older events exist past this page: `nextCursor` continues there. */
  hasMore: boolean;
  nextCursor: string | null;
  /** Newer events exist before this page (only when the page was reached by a cursor). */
  previousCursor: string | null;
};

export const MAX_AUDIT_PAGE = 1000;

function actorWhere(actor: string): Prisma.AuditEventWhereInput {
  if (actor === EXPOSED_KEY_REPORT) {
    return { actorUserId: null, actorApiKeyId: null, action: "api_key.revoked", metadata: { path: ["reason"], equals: "exposed" } };
  }
  if (actor.startsWith(API_KEY_ACTOR)) return { actorApiKeyId: actor.slice(API_KEY_ACTOR.length) };
  return { actorUserId: actor };
}

function filterWhere(organizationId: string, filters: AuditLogFilters): Prisma.AuditEventWhereInput[] {
  const where: Prisma.AuditEventWhereInput[] = [{ organizationId }];
  if (filters.action) where.push({ action: filters.action });
  if (filters.actor) where.push(actorWhere(filters.actor));
  if (filters.since) where.push({ createdAt: { gte: filters.since } });
  if (filters.until) where.push({ createdAt: { lt: filters.until } });
  return where;
}

const EVENT_SELECT = {
  id: true,
  action: true,
  createdAt: true,
  actorUserId: true,
  actorApiKeyId: true,
  targetType: true,
  targetId: true,
  ip: true,
  userAgent: true,
  metadata: true,
  actorUser: { select: { id: true, name: true, email: true } },
} satisfies Prisma.AuditEventSelect;

type EventRow = Prisma.AuditEventGetPayload<{ select: typeof EVENT_SELECT }>;

/**
 * One page, newest first. `cursor` is a `nextCursor` (direction "older", the default) or a
 * `previousCursor` (direction "newer") of an earlier page; a cursor that isn't one is refused with
 * the API's invalid_request (lib/platform/cursor.ts), never passed to the database.
 */
export async function listAuditEvents(
  params: {
    organizationId: string;
    filters?: AuditLogFilters;
    limit: number;
    cursor?: string;
    direction?: "older" | "newer";
  },
  rt: Runtime = runtime(),
): Promise<AuditLogPage> {
  const { organizationId, filters = {}, cursor } = params;
  const limit = Math.min(Math.max(1, Math.trunc(params.limit)), MAX_AUDIT_PAGE);
  const newer = params.direction === "newer" && cursor !== undefined;
  const at = decodeCursor(cursor);
  const where: Prisma.AuditEventWhereInput[] = filterWhere(organizationId, filters);
  if (at) {
    // Past (createdAt, id) in the page's direction. The OR alone is a filter over the index from
    // the organization's newest event: a page 295,000 events deep read all of them first (219 ms
    // of query, bench/audit-depth.ts). The redundant `createdAt <= at` (>= going newer) is an
    // Index Cond that starts the scan at the cursor (0.1 ms), leaving the filter only the events
    // of the cursor's own millisecond. A row comparison ("createdAt", id) < (at, id) is served by
    // the index as well, and as fast, but Prisma can't write one: this keeps one query, with the
    // filters above.
    const op = newer ? "gt" : "lt";
    where.push({ createdAt: { [newer ? "gte" : "lte"]: at.at } });
    where.push({ OR: [{ createdAt: { [op]: at.at } }, { createdAt: at.at, id: { [op]: at.id } }] });
  }
  const dir = newer ? "asc" : "desc";
  const rows = await rt.database.prisma().auditEvent.findMany({
    where: { AND: where },
    orderBy: [{ createdAt: dir }, { id: dir }],
    take: limit + 1,
    select: EVENT_SELECT,
  });
  const beyond = rows.length > limit;
  const page = rows.slice(0, limit);
  if (newer) page.reverse();
  const events = await describeEvents(organizationId, page, rt);
  const first = page[0];
  const last = page.at(-1);
  // Reached going newer, older events exist (the page we came from); reached going older by a
  // cursor, newer ones do.
  const hasMore = newer ? last !== undefined : beyond;
  const hasNewer = newer ? beyond : at !== undefined && first !== undefined;
  return {
    events,
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(last.createdAt, last.id) : null,
    previousCursor: hasNewer && first ? encodeCursor(first.createdAt, first.id) : null,
  };
}

/** Every matching event, newest first, read in batches by cursor: memory stays constant however long the log. */
export async function* iterateAuditEvents(
  params: { organizationId: string; filters?: AuditLogFilters; batchSize?: number },
  rt: Runtime = runtime(),
): AsyncGenerator<AuditLogEntry> {
  let cursor: string | undefined;
  for (;;) {
    const page = await listAuditEvents(
      { organizationId: params.organizationId, filters: params.filters, limit: params.batchSize ?? 500, cursor },
      rt,
    );
    yield* page.events;
    if (!page.hasMore || !page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

function text(metadata: Prisma.JsonValue | null, field: string): string | null {
  if (metadata && typeof metadata === "object" && !Array.isArray(metadata)) {
    const value = (metadata as Record<string, Prisma.JsonValue>)[field];
    if (typeof value === "string") return value;
  }
  return null;
}

/** Joins each event to its actor and a description of its target, a few batched queries per page. */
async function describeEvents(organizationId: string, rows: EventRow[], rt: Runtime): Promise<AuditLogEntry[]> {
  if (rows.length === 0) return [];
  const prisma = rt.database.prisma();
  const idsOf = (pick: (row: EventRow) => string | null | undefined) => [...new Set(rows.map(pick).filter((id): id is string => Boolean(id)))];
  const keyIds = idsOf((r) => r.actorApiKeyId).concat(idsOf((r) => (r.targetType === "api_key" ? r.targetId : null)));
  const userIds = idsOf((r) => (r.targetType === "member" ? r.targetId : null));
  const invitationIds = idsOf((r) => (r.targetType === "invitation" ? r.targetId : null));
  const needsOrganization = rows.some((r) => r.targetType === "organization");

  const [keys, users, invitations, organization] = await Promise.all([
    keyIds.length
      ? prisma.apiKey.findMany({
          where: { organizationId, id: { in: [...new Set(keyIds)] } },
          select: { id: true, name: true, prefix: true, last4: true, user: { select: { id: true, name: true, email: true } } },
        })
      : [],
    // A member target is a user id this organization's own events recorded; a removed member is
    // no longer in the organization but is still the one the event names.
    userIds.length ? prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true, email: true } }) : [],
    invitationIds.length
      ? prisma.invitation.findMany({ where: { organizationId, id: { in: invitationIds } }, select: { id: true, email: true } })
      : [],
    needsOrganization ? prisma.organization.findUnique({ where: { id: organizationId }, select: { id: true, name: true } }) : null,
  ]);
  const keyById = new Map(keys.map((k) => [k.id, k]));
  const userById = new Map(users.map((u) => [u.id, u]));
  const invitationById = new Map(invitations.map((i) => [i.id, i]));

  function actorOf(row: EventRow): AuditLogActor {
    if (row.actorApiKeyId) {
      const key = keyById.get(row.actorApiKeyId);
      return {
        type: "api_key",
        id: row.actorApiKeyId,
        name: key?.name ?? null,
        prefix: key?.prefix ?? null,
        last4: key?.last4 ?? null,
        maskedKey: key ? maskApiKey(key.prefix, key.last4) : null,
        owner: key?.user ?? row.actorUser ?? null,
      };
    }
    if (row.actorUser) return { type: "user", ...row.actorUser };
    if (row.action === "api_key.revoked" && text(row.metadata, "reason") === "exposed") return { type: "exposed_key_report" };
    return { type: "deleted_user" };
  }

  function targetOf(row: EventRow): AuditLogTarget {
    const { targetType: type, targetId: id, metadata } = row;
    let description: string | null = null;
    if (type === "api_key") {
      const key = keyById.get(id);
      // The name the event recorded (the key's name then), not today's: renaming a key must not
      // rewrite what the log says happened to it. For api_key.updated that is the new name.
      const name = text(metadata, "name") ?? key?.name ?? null;
      description = key ? `${name} (${maskApiKey(key.prefix, key.last4)})` : name;
    } else if (type === "member") {
      const user = userById.get(id);
      const email = user?.email ?? text(metadata, "email");
      const name = user?.name ?? text(metadata, "name");
      description = name && email ? `${name} (${email})` : (name ?? email);
    } else if (type === "invitation") {
      description = invitationById.get(id)?.email ?? text(metadata, "email");
    } else if (type === "organization") {
      description = (organization?.id === id ? organization.name : null) ?? text(metadata, "name");
    }
    return { type, id, description: description ?? `${type.replaceAll("_", " ")} ${id}` };
  }

  return rows.map((row) => ({
    id: row.id,
    action: row.action,
    createdAt: row.createdAt.toISOString(),
    actor: actorOf(row),
    target: targetOf(row),
    ip: row.ip,
    userAgent: row.userAgent,
    metadata: row.metadata ?? null,
  }));
}

/** Who the actor is, in words: a member's name, a key as "sk_live_…Ab3d", or "Exposed-key report". */
export function actorLabel(actor: AuditLogActor): string {
  switch (actor.type) {
    case "user":
      return actor.name;
    case "api_key":
      return actor.maskedKey ?? "Deleted API key";
    case "exposed_key_report":
      return "Exposed-key report";
    case "deleted_user":
      return "Deleted user";
  }
}

/** The email behind an actor: the member's, or the key owner's. */
export function actorEmail(actor: AuditLogActor): string | null {
  if (actor.type === "user") return actor.email;
  if (actor.type === "api_key") return actor.owner?.email ?? null;
  return null;
}

// ---------------------------------------------------------------------------------------------
// The dashboard: a member with audit_log:read only.

type Reader = { organization: { id: string }; can(permission: Permission): boolean };

export function canReadAuditLog(member: Pick<Reader, "can">): boolean {
  return member.can("audit_log:read");
}

/** The page's data, or null when the member may not read the audit log (the page answers 404). */
export async function loadAuditLog(
  member: Reader,
  params: { filters: AuditLogFilters; limit: number; cursor?: string; direction?: "older" | "newer" },
  rt: Runtime = runtime(),
): Promise<AuditLogPage | null> {
  if (!canReadAuditLog(member)) return null;
  return listAuditEvents({ organizationId: member.organization.id, ...params }, rt);
}

/** The actor filter's choices: the organization's current members, by name. */
export async function listAuditActorChoices(member: Reader, rt: Runtime = runtime()): Promise<Person[]> {
  if (!canReadAuditLog(member)) return [];
  const rows = await rt.database.prisma().membership.findMany({
    where: { organizationId: member.organization.id },
    select: { user: { select: { id: true, name: true, email: true } } },
    orderBy: { user: { name: "asc" } },
  });
  return rows.map((row) => row.user);
}

/**
 * A label for an actor filter the choices don't list (a link to one key's actions, or a former
 * member); null when the choices already name it.
 */
export async function describeActorFilter(member: Reader, actor: string | undefined, rt: Runtime = runtime()): Promise<string | null> {
  if (!actor || actor === EXPOSED_KEY_REPORT || !canReadAuditLog(member)) return null;
  if (actor.startsWith(API_KEY_ACTOR)) {
    const key = await rt.database.prisma().apiKey.findFirst({
      where: { organizationId: member.organization.id, id: actor.slice(API_KEY_ACTOR.length) },
      select: { prefix: true, last4: true, name: true },
    });
    return key ? `API key ${maskApiKey(key.prefix, key.last4)} (${key.name})` : "Unknown API key";
  }
  return null;
}

export const CSV_COLUMNS = ["time", "actor", "actor_email", "action", "target", "ip", "user_agent", "details"] as const;

/** The CSV record of one event, in CSV_COLUMNS order. */
export function csvRecord(event: AuditLogEntry): string {
  return csvRow([
    event.createdAt,
    actorLabel(event.actor),
    actorEmail(event.actor),
    event.action,
    event.target.description,
    event.ip,
    event.userAgent,
    event.metadata === null ? null : JSON.stringify(event.metadata),
  ]);
}

/**
 * The filtered log as CSV (a byte-order mark, the header, then the records), streamed batch by
 * batch as the client reads it; null when the member may not read the audit log.
 */
export function auditLogCsvStream(member: Reader, filters: AuditLogFilters, rt: Runtime = runtime()): ReadableStream<Uint8Array> | null {
  if (!canReadAuditLog(member)) return null;
  const encoder = new TextEncoder();
  const events = iterateAuditEvents({ organizationId: member.organization.id, filters }, rt);
  let header = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (header) {
        header = false;
        controller.enqueue(encoder.encode(CSV_BYTE_ORDER_MARK + csvRow(CSV_COLUMNS)));
        return;
      }
      // One batch's worth of records per pull keeps the number of chunks (and awaits) small.
      let chunk = "";
      for (let i = 0; i < 100; i++) {
        const next = await events.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += csvRecord(next.value);
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await events.return(undefined);
    },
  });
}
