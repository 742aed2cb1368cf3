import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLogCsvResponse, csvFileName, toAuditLogFilters } from "@/app/(dashboard)/[slug]/settings/audit-log/audit-log-data";
import { parseAuditLogQuery } from "@/app/(dashboard)/[slug]/settings/audit-log/query";
import { encodeCursor, InvalidCursorError } from "@/lib/platform/cursor";
import { DELETE as deleteApiKey } from "@/app/api/v1/api-keys/[id]/route";
import { GET as listAuditEventsRoute } from "@/app/api/v1/audit-events/route";
import { revokeApiKey, revokeExposedKey } from "@/lib/domain/api-keys/store";
import { AUDIT_ACTIONS } from "@/lib/domain/audit/events";
import {
  auditLogCsvStream,
  iterateAuditEvents,
  listAuditActorChoices,
  listAuditEvents,
  loadAuditLog,
  type AuditLogEntry,
} from "@/lib/domain/audit/log";
import { db, sql } from "@/lib/platform/runtime";
import { changeMemberRole, removeMember } from "@/lib/domain/members/members";
import type { Role } from "@/lib/domain/permissions";
import { loadUserContext, memberIn, type MemberContext } from "@/lib/auth/context";
import {
  actorFor,
  call,
  createKey,
  createMember,
  createOrganization,
  createOrganizationWithRoles,
  expectApiError,
  setupTestDatabase,
  type RoleSet,
  type TestMember,
  type TestOrganization,
} from "@/tests/helpers/fixtures";
import { formulaCells, parseCsv, spreadsheetCells } from "@/tests/helpers/csv";

setupTestDatabase();

const as = (member: TestMember, role: Role = member.role) => ({ ...actorFor(member.id), role });
const SECRET = /sk_(live|test)_[0-9A-Za-z]{38}/;
const HEX64 = /[0-9a-f]{64}/i;

async function memberContext(userId: string, slug: string): Promise<MemberContext> {
  const member = memberIn((await loadUserContext(userId))!, slug);
  if (!member) throw new Error("not a member");
  return member;
}

async function all(organizationId: string, filters = {}): Promise<AuditLogEntry[]> {
  const events: AuditLogEntry[] = [];
  for await (const event of iterateAuditEvents({ organizationId, filters })) events.push(event);
  return events;
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

/** The body as the file's bytes say, byte-order mark included (Response.text() drops it). */
async function fileText(response: Response): Promise<string> {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());
}

type Query = { text: string; values: unknown[] };

/**
 * The SELECTs on AuditEvent that `fn` sends, captured at the driver (pg on PostgreSQL, PGlite
 * embedded), to be run again under EXPLAIN.
 */
async function auditQueriesOf(fn: () => Promise<unknown>): Promise<Query[]> {
  const captured: Query[] = [];
  const record = (text: unknown, values: unknown) => {
    if (typeof text === "string" && /^\s*SELECT/i.test(text) && text.includes('"AuditEvent"')) captured.push({ text, values: Array.isArray(values) ? values : [] });
  };
  const pgProto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const pgQuery = pgProto.query;
  pgProto.query = function (this: unknown, ...args: unknown[]) {
    const [config, values] = args as [string | { text?: string; values?: unknown[] }, unknown];
    if (typeof config === "string") record(config, values);
    else record(config?.text, config?.values ?? values);
    return pgQuery.apply(this, args);
  };
  let lite = PGlite.prototype as unknown as { query: (...args: unknown[]) => unknown } | null;
  while (lite && !Object.prototype.hasOwnProperty.call(lite, "query")) lite = Object.getPrototypeOf(lite);
  const liteOwner = lite!;
  const liteQuery = liteOwner.query;
  liteOwner.query = function (this: unknown, ...args: unknown[]) {
    record(args[0], args[1]);
    return liteQuery.apply(this, args);
  };
  try {
    await fn();
  } finally {
    pgProto.query = pgQuery;
    liteOwner.query = liteQuery;
  }
  return captured;
}


// One organization where every existing mutation happens once, through the real lib (and the
// real API route for a revoke made with a key).
let org: TestOrganization;
let members: RoleSet;
let otherOrg: TestOrganization;
let otherOwner: TestMember;
let created: { id: string; name: string };
let apiRevoked: { id: string };
let exposed: { id: string; name: string };
let removed: TestMember;
let removedKey: { id: string };

beforeAll(async () => {
  ({ organization: org, members } = await createOrganizationWithRoles("Audit Org"));
  otherOrg = await createOrganization("Other Audit Org");
  otherOwner = await createMember(otherOrg.id, "owner");
  await createKey(otherOrg.id, otherOwner.id, { name: "other org key" });

  // A name a spreadsheet would run as a formula, with a comma and quotes for the CSV.
  const key = await createKey(org.id, members.owner.id, { name: '=HYPERLINK("x"), prod', actor: actorFor(members.owner.id, { ip: "198.51.100.4" }) });
  created = { id: key.id, name: key.name };

  // An admin's key revokes the developer's key through the API: the actor is the key.
  const response = await call(deleteApiKey, {
    method: "DELETE",
    path: `/api/v1/api-keys/${members.developer.key.id}`,
    params: { id: members.developer.key.id },
    key: members.admin.key.key,
  });
  expect(response.status, response.text).toBe(200);
  apiRevoked = { id: members.developer.key.id };

  const leaked = await createKey(org.id, members.viewer.id, { name: "leaked key" });
  await revokeExposedKey(leaked.key, { ip: "192.0.2.9", userAgent: "scanner/1.0" });
  exposed = { id: leaked.id, name: leaked.name };

  await changeMemberRole({ organizationId: org.id, membershipId: members.viewer.membershipId, role: "developer", actor: as(members.owner) });

  removed = await createMember(org.id, "developer", "Leaving Person");
  removedKey = await createKey(org.id, removed.id, { name: "leaver key" });
  await removeMember({ organizationId: org.id, membershipId: removed.membershipId, actor: as(members.admin) });
});

describe("every existing mutation writes its event", () => {
  it("api_key.created by the member, with the IP and user agent", async () => {
    const [event] = await all(org.id, { action: "api_key.created", actor: members.owner.id });
    expect(event).toBeDefined();
    expect(event!.actor).toEqual({ type: "user", id: members.owner.id, name: members.owner.name, email: members.owner.email });
    expect(event!.target).toMatchObject({ type: "api_key", id: created.id });
    expect(event!.target.description).toMatch(new RegExp(`^${created.name.replace(/[()"=]/g, "\\$&")} \\(sk_live_…[0-9A-Za-z]{4}\\)$`));
    expect(event!.ip).toBe("198.51.100.4");
    expect(event!.userAgent).toBe("paygentic-tests/1.0");
  });

  it("api_key.revoked through the API, by the API key, shown as its prefix and last 4", async () => {
    const events = await all(org.id, { action: "api_key.revoked" });
    const event = events.find((e) => e.target.id === apiRevoked.id)!;
    expect(event.actor).toMatchObject({
      type: "api_key",
      id: members.admin.key.id,
      prefix: "sk_live_",
      last4: members.admin.key.key.slice(-4),
      maskedKey: `sk_live_…${members.admin.key.key.slice(-4)}`,
      owner: { id: members.admin.id, name: members.admin.name, email: members.admin.email },
    });
  });

  it("api_key.revoked by an exposed-key report, shown as such", async () => {
    const events = await all(org.id, { action: "api_key.revoked" });
    const event = events.find((e) => e.target.id === exposed.id)!;
    expect(event.actor).toEqual({ type: "exposed_key_report" });
    expect(event.metadata).toMatchObject({ reason: "exposed" });
    expect(event.ip).toBe("192.0.2.9");
    expect(event.target.description).toContain("leaked key (sk_live_…");
  });

  it("member.role_changed, with the old and new role", async () => {
    const [event] = await all(org.id, { action: "member.role_changed" });
    expect(event!.target).toEqual({ type: "member", id: members.viewer.id, description: `${members.viewer.name} (${members.viewer.email})` });
    expect(event!.metadata).toEqual({ from: "viewer", to: "developer", name: members.viewer.name, email: members.viewer.email });
  });

  it("member.removed, and api_key.revoked for each of the member's keys", async () => {
    const [event] = await all(org.id, { action: "member.removed" });
    // A removed member is still named by the events about them.
    expect(event!.target.description).toBe(`${removed.name} (${removed.email})`);
    expect(event!.actor).toMatchObject({ type: "user", id: members.admin.id });
    const revoked = (await all(org.id, { action: "api_key.revoked" })).find((e) => e.target.id === removedKey.id)!;
    expect(revoked.metadata).toMatchObject({ reason: "member_removed" });
    expect(revoked.actor).toMatchObject({ type: "user", id: members.admin.id });
  });

  it("a plain revoke from the dashboard by the owner of the key", async () => {
    const key = await createKey(org.id, members.admin.id, { name: "dashboard revoke" });
    await revokeApiKey({ organizationId: org.id, keyId: key.id, actor: as(members.admin) });
    const [event] = await all(org.id, { action: "api_key.revoked", actor: members.admin.id });
    expect(event!.target.id).toBe(key.id);
    expect(event!.metadata).toMatchObject({ reason: "revoked_by_user" });
  });
});

describe("filters", () => {
  it("by action: only that action", async () => {
    const events = await all(org.id, { action: "api_key.created" });
    expect(events.length).toBeGreaterThanOrEqual(6);
    expect(new Set(events.map((e) => e.action))).toEqual(new Set(["api_key.created"]));
  });

  it("by actor: a user (also through their keys), one key, the exposed-key reports", async () => {
    const byAdmin = await all(org.id, { actor: members.admin.id });
    expect(byAdmin.some((e) => e.actor.type === "api_key")).toBe(true);
    expect(byAdmin.every((e) => (e.actor.type === "user" ? e.actor.id : e.actor.type === "api_key" ? e.actor.owner?.id : null) === members.admin.id)).toBe(true);

    const byKey = await all(org.id, { actor: `api_key:${members.admin.key.id}` });
    expect(byKey.map((e) => e.target.id)).toEqual([apiRevoked.id]);

    const reports = await all(org.id, { actor: "exposed_key_report" });
    expect(reports.map((e) => e.target.id)).toEqual([exposed.id]);
  });

  it("by date range: since inclusive, until exclusive", async () => {
    const events = await all(org.id);
    const oldest = events.at(-1)!;
    const at = new Date(oldest.createdAt);
    expect((await all(org.id, { since: at })).map((e) => e.id)).toContain(oldest.id);
    expect((await all(org.id, { until: at })).map((e) => e.id)).not.toContain(oldest.id);
    expect((await all(org.id, { until: new Date(at.getTime() + 1) })).map((e) => e.id)).toContain(oldest.id);
    expect(await all(org.id, { since: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  it("the page's URL: whole UTC days, both ends included; junk dropped", () => {
    const query = parseAuditLogQuery({ action: "api_key.revoked", actor: "not valid!", from: "2026-11-02", to: "2026-11-03" }, AUDIT_ACTIONS);
    expect(query).toEqual({ action: "api_key.revoked", actor: undefined, from: "2026-11-02", to: "2026-11-03", after: undefined, before: undefined });
    expect(toAuditLogFilters(query)).toMatchObject({ since: new Date("2026-11-02T00:00:00Z"), until: new Date("2026-11-04T00:00:00Z") });
    expect(parseAuditLogQuery({ action: "drop.tables", from: "2026-02-30", to: ["2026-01-01", "2027-01-01"] }, AUDIT_ACTIONS)).toMatchObject({
      action: undefined,
      from: undefined,
      to: "2026-01-01",
    });
  });
});

describe("cursor pagination", () => {
  let tied: TestOrganization;
  let ids: string[];

  beforeAll(async () => {
    tied = await createOrganization("Tied Org");
    const user = await createMember(tied.id, "owner");
    // Five events in the same millisecond, three in the one before: the id breaks the tie.
    const same = new Date("2026-06-01T12:00:00.000Z");
    const before = new Date("2026-06-01T11:59:59.999Z");
    const rows = [...Array.from({ length: 5 }, () => same), ...Array.from({ length: 3 }, () => before)].map((createdAt, i) => ({
      organizationId: tied.id,
      actorUserId: user.id,
      action: "member.role_changed",
      targetType: "member",
      targetId: user.id,
      metadata: { n: i },
      createdAt,
    }));
    await db().auditEvent.createMany({ data: rows });
    const stored = await db().auditEvent.findMany({ where: { organizationId: tied.id }, select: { id: true, createdAt: true } });
    ids = stored
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((r) => r.id);
  });

  it("walks every event once, newest first, across ties on createdAt, and back again", async () => {
    const seen: string[] = [];
    const cursors: (string | undefined)[] = [];
    let cursor: string | undefined;
    for (;;) {
      cursors.push(cursor);
      const page = await listAuditEvents({ organizationId: tied.id, limit: 3, cursor });
      seen.push(...page.events.map((e) => e.id));
      // The first page has nothing newer; every later one does.
      expect(page.previousCursor === null).toBe(cursor === undefined);
      if (!page.hasMore) {
        expect(page.nextCursor).toBeNull();
        break;
      }
      cursor = page.nextCursor!;
    }
    expect(seen).toEqual(ids);
    expect(cursors).toHaveLength(3);

    // From the last page, "newer" returns the middle page exactly.
    const last = await listAuditEvents({ organizationId: tied.id, limit: 3, cursor: cursors[2] });
    const middle = await listAuditEvents({ organizationId: tied.id, limit: 3, cursor: last.previousCursor!, direction: "newer" });
    expect(middle.events.map((e) => e.id)).toEqual(ids.slice(3, 6));
    const first = await listAuditEvents({ organizationId: tied.id, limit: 3, cursor: middle.previousCursor!, direction: "newer" });
    expect(first.events.map((e) => e.id)).toEqual(ids.slice(0, 3));
    expect(first.previousCursor).toBeNull();
    expect(first.hasMore).toBe(true);
  });

  it("the streaming iterator reads in batches and yields the same order", async () => {
    const streamed: string[] = [];
    for await (const event of iterateAuditEvents({ organizationId: tied.id, batchSize: 2 })) streamed.push(event.id);
    expect(streamed).toEqual(ids);
  });

  it("pages through long ties of createdAt, filtered or not, older and back newer, without a gap or a repeat", async () => {
    const ties = await createOrganization("Ties Org");
    const user = await createMember(ties.id, "owner");
    // Groups of 7, 1, 4 and 6 events sharing a millisecond (one transaction's events share its
    // start time), alternating two actions, so page boundaries fall inside every group.
    const instants = ["2026-07-01T10:00:00.005Z", "2026-07-01T10:00:00.004Z", "2026-07-01T10:00:00.003Z", "2026-07-01T09:00:00.000Z"];
    const sizes = [7, 1, 4, 6];
    const data = sizes.flatMap((size, g) =>
      Array.from({ length: size }, (_, i) => ({
        organizationId: ties.id,
        actorUserId: user.id,
        action: i % 2 === 0 ? "api_key.revoked" : "api_key.created",
        targetType: "member",
        targetId: user.id,
        metadata: { g, i },
        createdAt: new Date(instants[g]!),
      })),
    );
    await db().auditEvent.createMany({ data });
    const stored = await db().auditEvent.findMany({ where: { organizationId: ties.id }, select: { id: true, action: true, createdAt: true } });
    const order = stored.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));

    for (const filters of [{}, { action: "api_key.revoked" as const }]) {
      const expected = order.filter((e) => !("action" in filters) || e.action === filters.action).map((e) => e.id);
      for (const limit of [2, 3]) {
        const pages: string[][] = [];
        const cursors: (string | undefined)[] = [];
        let cursor: string | undefined;
        do {
          cursors.push(cursor);
          const page = await listAuditEvents({ organizationId: ties.id, filters, limit, cursor });
          pages.push(page.events.map((e) => e.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(pages.flat(), `limit ${limit}, ${JSON.stringify(filters)}`).toEqual(expected);
        // Back from the last page, "newer" gives each earlier page again, exactly.
        let previous = (await listAuditEvents({ organizationId: ties.id, filters, limit, cursor: cursors.at(-1) })).previousCursor;
        for (let p = pages.length - 2; p >= 0; p--) {
          const page = await listAuditEvents({ organizationId: ties.id, filters, limit, cursor: previous!, direction: "newer" });
          expect(page.events.map((e) => e.id), `limit ${limit}, page ${p} going newer`).toEqual(pages[p]);
          previous = page.previousCursor;
        }
        expect(previous).toBeNull();
      }
    }

    // And through the API, whose next_cursor is the same keyset.
    const key = await createKey(ties.id, user.id);
    const viaApi: string[] = [];
    let next: string | null = null;
    do {
      const page: { json: { data: AuditEventObject[]; next_cursor: string | null } } = await call(listAuditEventsRoute, {
        path: `/api/v1/audit-events?limit=2&until=2026-07-02T00:00:00Z${next ? `&starting_after=${next}` : ""}`,
        key: key.key,
      });
      viaApi.push(...page.json.data.map((e) => e.id));
      next = page.json.next_cursor;
    } while (next);
    expect(viaApi).toEqual(order.map((e) => e.id));
  });

  it("a page in the middle of a long log reads about a page of it, not every event before the cursor", async () => {
    const deep = await createOrganization("Deep Org");
    const user = await createMember(deep.id, "owner");
    const total = 4_000;
    // Two events per millisecond, as in bench/audit-depth.ts (which measures this at 300,000).
    await sql().query(
      `INSERT INTO "AuditEvent" (id, "organizationId", "actorUserId", action, "targetType", "targetId", "createdAt")
       SELECT $1 || lpad(i::text, 5, '0'), $2, $3, 'api_key.created', 'member', $3, TIMESTAMP '2026-08-01 00:00:00' - make_interval(secs => (i / 2) * 0.001)
         FROM generate_series(1, $4::int) AS i`,
      [`deep_${deep.id}_`, deep.id, user.id, total],
    );
    await sql().query(`ANALYZE "AuditEvent"`);
    const [row] = await db().auditEvent.findMany({
      where: { organizationId: deep.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: total / 2 - 1,
      take: 1,
      select: { id: true, createdAt: true },
    });
    const cursor = encodeCursor(row!.createdAt, row!.id);
    const limit = 50;
    for (const direction of ["older", "newer"] as const) {
      let page: Awaited<ReturnType<typeof listAuditEvents>> | undefined;
      const queries = await auditQueriesOf(async () => {
        page = await listAuditEvents({ organizationId: deep.id, limit, cursor, direction });
      });
      expect(page!.events).toHaveLength(limit);
      expect(queries).toHaveLength(1);
      const plan = (await sql().query<Record<string, string>>(`EXPLAIN (ANALYZE, COSTS OFF) ${queries[0]!.text}`, queries[0]!.values))
        .map((r) => Object.values(r)[0])
        .join("\n");
      // Rows the scans returned, and rows they read and threw away: without a bound on the index
      // scan, the 2,000 events on the cursor's other side are read (filtered out, or sorted).
      const returned = [...plan.matchAll(/(?:Index Scan|Index Only Scan|Bitmap Heap Scan|Seq Scan)[^\n]*rows=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
      const removed = [...plan.matchAll(/Rows Removed by Filter: (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
      expect(returned + removed, `${direction}:\n${plan}`).toBeLessThan(4 * limit);
    }
  });

  it("refuses a forged cursor instead of querying with it", async () => {
    const forged = Buffer.from(JSON.stringify(["-271821-04-20T00:00:00.000Z", "x\u0000"])).toString("base64url");
    await expect(listAuditEvents({ organizationId: tied.id, limit: 3, cursor: forged })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(listAuditEvents({ organizationId: tied.id, limit: 3, cursor: "%%%" })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe("organization isolation", () => {
  it("one organization's log never holds another's events, whatever the filters", async () => {
    const mine = await all(org.id);
    expect(mine.length).toBeGreaterThan(5);
    const otherIds = new Set((await all(otherOrg.id)).map((e) => e.id));
    expect(otherIds.size).toBeGreaterThan(0);
    expect(mine.some((e) => otherIds.has(e.id))).toBe(false);
    expect(await all(org.id, { actor: otherOwner.id })).toEqual([]);
  });

  it("a cursor taken from another organization's log only positions this one's", async () => {
    const other = await listAuditEvents({ organizationId: otherOrg.id, limit: 1 });
    const foreignCursor = encodeCursor(new Date(other.events[0]!.createdAt), other.events[0]!.id);
    const page = await listAuditEvents({ organizationId: org.id, limit: 100, cursor: foreignCursor });
    const mine = new Set((await all(org.id)).map((e) => e.id));
    expect(page.events.every((e) => mine.has(e.id))).toBe(true);
  });

  it("an event naming another organization's key describes nothing of it", async () => {
    const foreign = await db().apiKey.findFirstOrThrow({ where: { organizationId: otherOrg.id }, select: { id: true, name: true } });
    await db().auditEvent.create({
      data: { organizationId: org.id, actorApiKeyId: foreign.id, action: "api_key.revoked", targetType: "api_key", targetId: foreign.id },
    });
    const [event] = (await all(org.id, { actor: `api_key:${foreign.id}` })) as [AuditLogEntry];
    expect(JSON.stringify(event)).not.toContain(foreign.name);
    expect(event.actor).toMatchObject({ type: "api_key", maskedKey: null, owner: null });
    await db().auditEvent.deleteMany({ where: { organizationId: org.id, actorApiKeyId: foreign.id } });
  });
});

describe("permission: audit_log:read", () => {
  it("owners and admins get the page's data; developers and viewers get null (the 404)", async () => {
    for (const role of ["owner", "admin"] as const) {
      const member = await memberContext(members[role].id, org.slug);
      const page = await loadAuditLog(member, { filters: {}, limit: 10 });
      expect(page?.events.length, role).toBe(10);
      expect((await listAuditActorChoices(member)).map((p) => p.id)).toContain(members.owner.id);
    }
    const viewer = await createMember(org.id, "viewer");
    const developer = await createMember(org.id, "developer");
    for (const user of [viewer, developer]) {
      const member = await memberContext(user.id, org.slug);
      expect(await loadAuditLog(member, { filters: {}, limit: 10 })).toBeNull();
      expect(await listAuditActorChoices(member)).toEqual([]);
      expect(auditLogCsvStream(member, {})).toBeNull();
      expect(auditLogCsvResponse(member, {}).status).toBe(404);
    }
  });

  it("the API refuses developer and viewer keys with 403 insufficient_permissions", async () => {
    const viewer = await createMember(org.id, "viewer");
    const developer = await createMember(org.id, "developer");
    for (const user of [viewer, developer]) {
      const key = await createKey(org.id, user.id);
      const error = expectApiError(await call(listAuditEventsRoute, { path: "/api/v1/audit-events", key: key.key }), 403, "permission_error", "insufficient_permissions");
      expect(error.message).toContain("audit_log:read");
    }
  });
});

type AuditEventObject = {
  id: string;
  object: string;
  action: string;
  created_at: string;
  actor: { type: string; id?: string; prefix?: string; last4?: string };
  target: { type: string; id: string; description: string };
  ip: string | null;
};

describe("GET /api/v1/audit-events", () => {
  it("lists the key's organization's events, newest first, with has_more and next_cursor", async () => {
    const key = members.owner.key.key;
    const first = await call<{ data: AuditEventObject[]; has_more: boolean; next_cursor: string | null }>(listAuditEventsRoute, {
      path: "/api/v1/audit-events?limit=3",
      key,
    });
    expect(first.status, first.text).toBe(200);
    expect(first.json.data).toHaveLength(3);
    expect(first.json.has_more).toBe(true);
    expect(first.text).not.toMatch(SECRET);
    expect(first.text).not.toMatch(HEX64);
    const times = first.json.data.map((e) => e.created_at);
    expect([...times].sort().reverse()).toEqual(times);

    const everything: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { json: { data: AuditEventObject[]; next_cursor: string | null } } = await call(listAuditEventsRoute, {
        path: `/api/v1/audit-events?limit=4${cursor ? `&starting_after=${cursor}` : ""}`,
        key,
      });
      everything.push(...page.json.data.map((e) => e.id));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(everything).toEqual((await all(org.id)).map((e) => e.id));
  });

  it("filters by action, actor, since and until", async () => {
    const key = members.admin.key.key;
    const revoked = await call<{ data: AuditEventObject[] }>(listAuditEventsRoute, { path: "/api/v1/audit-events?action=api_key.revoked&limit=100", key });
    expect(revoked.json.data.length).toBeGreaterThan(2);
    expect(revoked.json.data.every((e) => e.action === "api_key.revoked")).toBe(true);
    const byApi = revoked.json.data.find((e) => e.target.id === apiRevoked.id)!;
    expect(byApi.actor).toMatchObject({ type: "api_key", id: members.admin.key.id, prefix: "sk_live_", last4: members.admin.key.key.slice(-4) });
    expect(revoked.json.data.find((e) => e.target.id === exposed.id)!.actor).toEqual({ type: "exposed_key_report" });

    const reports = await call<{ data: AuditEventObject[] }>(listAuditEventsRoute, { path: "/api/v1/audit-events?actor=exposed_key_report", key });
    expect(reports.json.data.map((e) => e.target.id)).toEqual([exposed.id]);

    const future = await call<{ data: AuditEventObject[] }>(listAuditEventsRoute, {
      path: `/api/v1/audit-events?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      key,
    });
    expect(future.json.data).toEqual([]);
    const past = await call<{ data: AuditEventObject[] }>(listAuditEventsRoute, { path: "/api/v1/audit-events?until=2000-01-01T00:00:00Z", key });
    expect(past.json.data).toEqual([]);
  });

  it.each([
    ["action=drop.tables", "action"],
    ["actor=robert');--", "actor"],
    ["since=yesterday", "since"],
    ["until=0000-01-01T00:00:00Z", "until"],
    ["since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "until"],
    ["starting_after=bm90LWEtY3Vyc29y", "starting_after"],
    ["limit=0", "limit"],
    ["unknown=1", "(root)"],
  ])("answers 400 invalid_request for %s", async (search, path) => {
    const error = expectApiError(
      await call(listAuditEventsRoute, { path: `/api/v1/audit-events?${search}`, key: members.owner.key.key }),
      400,
      "invalid_request_error",
      "invalid_request",
    );
    expect(error.issues?.map((i) => i.path)).toContain(path);
  });

  it("never lists another organization's events", async () => {
    const key = await createKey(otherOrg.id, otherOwner.id);
    const result = await call<{ data: AuditEventObject[] }>(listAuditEventsRoute, { path: "/api/v1/audit-events?limit=100", key: key.key });
    const mine = new Set((await all(org.id)).map((e) => e.id));
    expect(result.json.data.length).toBeGreaterThan(0);
    expect(result.json.data.some((e) => mine.has(e.id))).toBe(false);
  });
});

describe("CSV export", () => {
  it("streams the filtered rows as an RFC 4180 attachment, formula-safe", async () => {
    const member = await memberContext(members.owner.id, org.slug);
    const now = new Date("2026-11-30T10:00:00Z");
    const response = auditLogCsvResponse(member, { action: "api_key.created" }, now);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="audit-log-${org.slug}-2026-11-30.csv"`);
    expect(response.headers.get("cache-control")).toContain("no-store");

    const text = await response.text();
    expect(text.endsWith("\r\n")).toBe(true);
    const [header, ...records] = parseCsv(text);
    expect(header).toEqual(["time", "actor", "actor_email", "action", "target", "ip", "user_agent", "details"]);
    const expected = await all(org.id, { action: "api_key.created" });
    expect(records).toHaveLength(expected.length);
    expect(records.map((r) => r[3])).toEqual(expected.map(() => "api_key.created"));
    expect(records.map((r) => r[0])).toEqual(expected.map((e) => e.createdAt));

    const row = records.find((r) => r[4]!.includes("HYPERLINK"))!;
    expect(row[1]).toBe(members.owner.name);
    expect(row[2]).toBe(members.owner.email);
    // The target starts with "=": a spreadsheet must not run it.
    expect(row[4]!.startsWith(`'=HYPERLINK("x"), prod (sk_live_…`)).toBe(true);
    expect(row[5]).toBe("198.51.100.4");
    expect(row[6]).toBe("paygentic-tests/1.0");
    expect(JSON.parse(row[7]!)).toMatchObject({ name: created.name, environment: "production" });
    expect(text).not.toMatch(SECRET);
    expect(text).not.toMatch(HEX64);
  });

  it("names key actors by prefix and last 4 and exposed-key reports as such", async () => {
    const member = await memberContext(members.admin.id, org.slug);
    const text = await readStream(auditLogCsvStream(member, { action: "api_key.revoked" })!);
    const records = parseCsv(text).slice(1);
    const byKey = records.find((r) => r[1] === `sk_live_…${members.admin.key.key.slice(-4)}`)!;
    expect(byKey[2]).toBe(members.admin.email);
    expect(records.some((r) => r[1] === "Exposed-key report")).toBe(true);
  });

  it("is a byte-order mark and a header for filters nothing matches", async () => {
    const member = await memberContext(members.owner.id, org.slug);
    const response = auditLogCsvResponse(member, { from: "2001-01-01", to: "2001-01-02" });
    expect(await fileText(response)).toBe("\uFEFFtime,actor,actor_email,action,target,ip,user_agent,details\r\n");
  });

  it("starts with a UTF-8 byte-order mark, so a spreadsheet reads non-ASCII names as written", async () => {
    const member = await memberContext(members.owner.id, org.slug);
    const key = await createKey(org.id, members.owner.id, { name: "Zürich – 東京 key" });
    const bytes = new Uint8Array(await auditLogCsvResponse(member, { action: "api_key.created" }).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parseCsv(new TextDecoder().decode(bytes));
    expect(records.find((r) => r[4]!.startsWith(key.name))).toBeDefined();
  });

  it("runs no formula in a spreadsheet splitting on commas or on semicolons, wherever the separator falls in a value", async () => {
    const member = await memberContext(members.owner.id, org.slug);
    // The report's name ("x;=1+1;" ran =1+1 in LibreOffice set to ";"), and its variants.
    const names = ["x;=1+1;", "a,=2+2", "b; @SUM(A1)", 'c;"-3+3', "d\t+4", "＝5+5"];
    for (const name of names) await createKey(org.id, members.owner.id, { name });
    const text = await fileText(auditLogCsvResponse(member, { action: "api_key.created" }));
    expect(text.startsWith("\uFEFF")).toBe(true);
    const body = text.slice(1);
    for (const separator of [",", ";"] as const) {
      const cells = spreadsheetCells(body, separator);
      expect(cells.length).toBeGreaterThan(names.length);
      expect(cells.filter((cell) => /^[\s"]*[=+\-@＝＋－＠]/.test(cell)), separator).toEqual([]);
    }
    expect(formulaCells(body)).toEqual([]);
    // Read as RFC 4180 with commas, every name is still there, an apostrophe before each formula.
    const targets = parseCsv(body).slice(1).map((r) => r[4]!);
    expect(targets.some((t) => t.startsWith("x;'=1+1; (sk_live_…"))).toBe(true);
    expect(targets.some((t) => t.startsWith("b; '@SUM(A1) (sk_live_…"))).toBe(true);
    expect(targets.some((t) => t.startsWith("'＝5+5 (sk_live_…"))).toBe(true);
  });

  it("names the file safely", () => {
    expect(csvFileName("acme", new Date("2026-01-02T03:04:05Z"))).toBe("audit-log-acme-2026-01-02.csv");
    expect(csvFileName('a"b', new Date("2026-01-02T03:04:05Z"))).toBe("audit-log-a-b-2026-01-02.csv");
  });
});
