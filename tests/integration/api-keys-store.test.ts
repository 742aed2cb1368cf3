import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { API_KEY_PATTERN, generateApiKey, hashApiKey, parseApiKey } from "@/lib/domain/api-keys/format";
import { MAX_ACTIVE_KEYS_PER_MEMBER, type ListApiKeysQuery } from "@/lib/domain/api-keys/schemas";
import { ApiKeyError, createApiKey, getApiKey, listApiKeys, revokeApiKey, type RevokeActor } from "@/lib/domain/api-keys/store";
import { db, sql, verifyApiKey } from "@/lib/platform/runtime";
import { env } from "@/lib/platform/config";
import type { Role } from "@/lib/domain/permissions";
import {
  actorFor,
  createKey,
  createMember,
  createOrganization,
  hashKey,
  setupTestDatabase,
  suffix,
  type TestMember,
  type TestOrganization,
} from "@/tests/helpers/fixtures";

setupTestDatabase();

let org: TestOrganization;
let owner: TestMember;
let admin: TestMember;
let developer: TestMember;
let viewer: TestMember;

beforeAll(async () => {
  org = await createOrganization("Store Org");
  [owner, admin, developer, viewer] = await Promise.all([
    createMember(org.id, "owner"),
    createMember(org.id, "admin"),
    createMember(org.id, "developer"),
    createMember(org.id, "viewer"),
  ]);
});

const revoker = (member: TestMember, role: Role = member.role): RevokeActor => ({ ...actorFor(member.id), role });

async function expectApiKeyError(promise: Promise<unknown>, code: ApiKeyError["code"]): Promise<ApiKeyError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ApiKeyError ${code}`).toBeInstanceOf(ApiKeyError);
  expect((error as ApiKeyError).code).toBe(code);
  expect((error as ApiKeyError).message.length).toBeGreaterThan(10);
  return error as ApiKeyError;
}

/** Rows of a member's keys inserted directly: fast set-up for limits and lists. */
async function insertKeys(member: TestMember, rows: Partial<{ name: string; environment: "production" | "staging" | "development"; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }>[]) {
  await db().apiKey.createMany({
    data: rows.map((row, i) => ({
      organizationId: org.id,
      userId: member.id,
      name: row.name ?? `bulk ${i}`,
      environment: row.environment ?? "production",
      prefix: "sk_live_",
      last4: "abcd",
      hash: randomBytes(32).toString("hex"),
      createdAt: row.createdAt,
      lastUsedAt: row.lastUsedAt ?? null,
      revokedAt: row.revokedAt ?? null,
    })),
  });
}

describe("createApiKey", () => {
  it("returns a well-formed key once and a view without secrets", async () => {
    const created = await createApiKey({
      organizationId: org.id,
      userId: developer.id,
      input: { name: "Billing worker", environment: "production", description: "Runs nightly" },
      actor: actorFor(developer.id),
    });
    expect(created.key).toMatch(API_KEY_PATTERN);
    expect(created.key.startsWith("sk_live_")).toBe(true);
    expect(parseApiKey(created.key).ok).toBe(true);
    expect(created.apiKey).toMatchObject({
      name: "Billing worker",
      description: "Runs nightly",
      environment: "production",
      livemode: true,
      prefix: "sk_live_",
      last4: created.key.slice(-4),
      lastUsedAt: null,
      revokedAt: null,
      owner: { id: developer.id, email: developer.email, name: developer.name },
    });
    expect(JSON.stringify(created.apiKey)).not.toContain(created.key.slice(8));
    expect(JSON.stringify(created.apiKey)).not.toMatch(/[0-9a-f]{64}/);
    expect((await verifyApiKey(created.key)).ok).toBe(true);
  });

  it.each([
    ["staging", "sk_test_"],
    ["development", "sk_test_"],
    ["production", "sk_live_"],
  ] as const)("a %s key starts with %s", async (environment, prefix) => {
    const { key } = await createKey(org.id, developer.id, { environment });
    expect(key.startsWith(prefix)).toBe(true);
  });

  it("stores only the hash: no text, varchar or json column of any table holds the key or its body", async () => {
    const { key, id } = await createKey(org.id, developer.id, { name: "scan me", description: "secret scan" });
    // Use the key so that whatever verification or last-use bookkeeping writes is scanned too.
    expect((await verifyApiKey(key)).ok).toBe(true);
    const body = key.slice(8);
    expect(body).toHaveLength(38);

    const columns = await sql().query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name::text, column_name::text, data_type::text
         FROM information_schema.columns c
        WHERE table_schema = current_schema()
          AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')
          AND EXISTS (SELECT 1 FROM information_schema.tables t
                       WHERE t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE')`,
    );
    const tables = new Set(columns.map((c) => c.table_name));
    for (const table of ["ApiKey", "AuditEvent", "User", "Organization", "Membership", "UsageEvent"]) expect(tables).toContain(table);

    const found: string[] = [];
    let hashFound = false;
    for (const column of columns) {
      const [row] = await sql().query<{ hits: number; hash_hits: number }>(
        `SELECT count(*) FILTER (WHERE strpos("${column.column_name}"::text, $1) > 0)::int AS hits,
                count(*) FILTER (WHERE strpos("${column.column_name}"::text, $2) > 0)::int AS hash_hits
           FROM "${column.table_name}"`,
        [body, hashKey(key)],
      );
      if (row!.hits > 0) found.push(`${column.table_name}.${column.column_name}`);
      if (row!.hash_hits > 0 && column.table_name === "ApiKey" && column.column_name === "hash") hashFound = true;
    }
    expect(found, "columns holding the key").toEqual([]);
    // The scan works: it finds the hash where it belongs.
    expect(hashFound).toBe(true);

    const row = await db().apiKey.findUniqueOrThrow({ where: { id } });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.hash).toBe(hashApiKey(key, env().apiKeyHashSecret));
    expect(row.prefix).toBe("sk_live_");
    expect(row.last4).toBe(key.slice(-4));
  });

  it(`allows ${MAX_ACTIVE_KEYS_PER_MEMBER} active keys per member; the next is limit_reached until one is revoked`, async () => {
    const member = await createMember(org.id, "developer", "limit");
    // Revoked keys don't count.
    await insertKeys(member, [{ revokedAt: new Date() }, { revokedAt: new Date() }]);
    await insertKeys(member, Array.from({ length: MAX_ACTIVE_KEYS_PER_MEMBER - 1 }, () => ({})));
    const last = await createKey(org.id, member.id, { name: "the 100th" });
    expect(await db().apiKey.count({ where: { organizationId: org.id, userId: member.id, revokedAt: null } })).toBe(MAX_ACTIVE_KEYS_PER_MEMBER);

    const before = await db().auditEvent.count({ where: { organizationId: org.id, action: "api_key.created" } });
    const error = await expectApiKeyError(createKey(org.id, member.id, { name: "the 101st" }), "limit_reached");
    expect(error.message).toContain(String(MAX_ACTIVE_KEYS_PER_MEMBER));
    expect(await db().apiKey.count({ where: { organizationId: org.id, userId: member.id, revokedAt: null } })).toBe(MAX_ACTIVE_KEYS_PER_MEMBER);
    expect(await db().auditEvent.count({ where: { organizationId: org.id, action: "api_key.created" } })).toBe(before);

    // The limit is per member and organization: others are unaffected.
    await createKey(org.id, developer.id);

    await revokeApiKey({ organizationId: org.id, keyId: last.id, actor: revoker(member) });
    await createKey(org.id, member.id, { name: "after revoking one" });
    await expectApiKeyError(createKey(org.id, member.id), "limit_reached");
  });

  it("concurrent creates can't exceed the limit", async () => {
    const member = await createMember(org.id, "developer", "race");
    await insertKeys(member, Array.from({ length: MAX_ACTIVE_KEYS_PER_MEMBER - 2 }, () => ({})));
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => createKey(org.id, member.id, { name: `race ${i}` })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    for (const r of results) if (r.status === "rejected") expect((r.reason as ApiKeyError).code).toBe("limit_reached");
    expect(await db().apiKey.count({ where: { organizationId: org.id, userId: member.id, revokedAt: null } })).toBe(MAX_ACTIVE_KEYS_PER_MEMBER);
  });

  it("allows duplicate names (case-insensitively detected among active keys) and says so", async () => {
    const name = `Duplicate ${suffix()}`;
    const first = await createApiKey({ organizationId: org.id, userId: developer.id, input: { name, environment: "production", description: undefined }, actor: actorFor(developer.id) });
    const second = await createApiKey({
      organizationId: org.id,
      userId: developer.id,
      input: { name: name.toUpperCase(), environment: "staging", description: undefined },
      actor: actorFor(developer.id),
    });
    expect(first.duplicateName).toBe(false);
    expect(second.duplicateName).toBe(true);
    expect(second.apiKey.id).not.toBe(first.apiKey.id);
    // Another member's key of the same name is no duplicate of mine.
    const theirs = await createApiKey({ organizationId: org.id, userId: viewer.id, input: { name, environment: "production", description: undefined }, actor: actorFor(viewer.id) });
    expect(theirs.duplicateName).toBe(false);
    // Revoked keys don't count.
    const revokedName = `Revoked ${suffix()}`;
    const old = await createKey(org.id, developer.id, { name: revokedName });
    await revokeApiKey({ organizationId: org.id, keyId: old.id, actor: revoker(developer) });
    const again = await createApiKey({ organizationId: org.id, userId: developer.id, input: { name: revokedName, environment: "production", description: undefined }, actor: actorFor(developer.id) });
    expect(again.duplicateName).toBe(false);
    // Wildcard characters in a name are plain characters: "a_c" is not a duplicate of "abc".
    const plain = `abc ${suffix()}`;
    await createKey(org.id, developer.id, { name: plain });
    const underscore = await createApiKey({
      organizationId: org.id,
      userId: developer.id,
      input: { name: plain.replace("b", "_"), environment: "production", description: undefined },
      actor: actorFor(developer.id),
    });
    expect(underscore.duplicateName).toBe(false);
    const percent = await createApiKey({
      organizationId: org.id,
      userId: developer.id,
      input: { name: plain.replace("bc", "%"), environment: "production", description: undefined },
      actor: actorFor(developer.id),
    });
    expect(percent.duplicateName).toBe(false);
  });

  it("records api_key.created with the actor, address and user agent, and no secret", async () => {
    const actor = { userId: developer.id, ip: "198.51.100.23", userAgent: "curl/8.5.0" };
    const { key, id } = await createKey(org.id, developer.id, { actor, environment: "staging", name: "audited" });
    const events = await db().auditEvent.findMany({ where: { organizationId: org.id, action: "api_key.created", targetId: id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorUserId: developer.id,
      targetType: "api_key",
      targetId: id,
      ip: "198.51.100.23",
      userAgent: "curl/8.5.0",
      metadata: expect.objectContaining({ name: "audited", environment: "staging", owner_id: developer.id }),
    });
    expect(JSON.stringify(events[0])).not.toContain(key.slice(8));
  });
});

describe("listApiKeys (filtered, sorted and paginated by the database)", () => {
  let member: TestMember;
  const base = Date.UTC(2030, 0, 1);
  const at = (day: number) => new Date(base + day * 86_400_000);

  beforeAll(async () => {
    member = await createMember(org.id, "developer", "lister");
    await insertKeys(member, [
      { name: "Alpha web", environment: "production", createdAt: at(1), lastUsedAt: at(20) },
      { name: "beta worker", environment: "staging", createdAt: at(2), lastUsedAt: null },
      { name: "Gamma WEB", environment: "development", createdAt: at(3), lastUsedAt: at(30) },
      { name: "delta", environment: "production", createdAt: at(4), lastUsedAt: at(10) },
      { name: "epsilon web", environment: "production", createdAt: at(5), lastUsedAt: null, revokedAt: at(6) },
      { name: "zeta", environment: "staging", createdAt: at(6), revokedAt: at(7) },
    ]);
  });

  const query = (q: Partial<ListApiKeysQuery> = {}) =>
    listApiKeys({
      organizationId: org.id,
      ownerId: member.id,
      query: { status: "active", sort: "created", dir: "desc", page: 1, size: 25, ...q },
    });

  it("lists active keys newest first by default, with totals", async () => {
    const page = await query();
    expect(page.rows.map((r) => r.name)).toEqual(["delta", "Gamma WEB", "beta worker", "Alpha web"]);
    expect(page).toMatchObject({ total: 4, page: 1, pageCount: 1, pageSize: 25 });
    for (const row of page.rows) expect(row).not.toHaveProperty("hash");
  });

  it("sorts oldest first", async () => {
    expect((await query({ dir: "asc" })).rows.map((r) => r.name)).toEqual(["Alpha web", "beta worker", "Gamma WEB", "delta"]);
  });

  it("sorts by last use, never-used keys last in both directions", async () => {
    expect((await query({ sort: "last_used", dir: "desc" })).rows.map((r) => r.name)).toEqual(["Gamma WEB", "Alpha web", "delta", "beta worker"]);
    expect((await query({ sort: "last_used", dir: "asc" })).rows.map((r) => r.name)).toEqual(["delta", "Alpha web", "Gamma WEB", "beta worker"]);
  });

  it("filters by status, environment and a case-insensitive name search", async () => {
    expect((await query({ status: "revoked" })).rows.map((r) => r.name)).toEqual(["zeta", "epsilon web"]);
    expect((await query({ environment: "production" })).rows.map((r) => r.name)).toEqual(["delta", "Alpha web"]);
    expect((await query({ q: "web" })).rows.map((r) => r.name)).toEqual(["Gamma WEB", "Alpha web"]);
    expect((await query({ q: "web", status: "revoked" })).rows.map((r) => r.name)).toEqual(["epsilon web"]);
    expect((await query({ q: "nothing matches" })).total).toBe(0);
  });

  it("treats % and _ in the search as plain characters", async () => {
    const wild = await createMember(org.id, "developer", "wildcards");
    await insertKeys(wild, [{ name: "50% rollout" }, { name: "snake_case" }, { name: "plain" }]);
    const search = async (q: string) =>
      (await listApiKeys({ organizationId: org.id, ownerId: wild.id, query: { status: "active", sort: "created", dir: "desc", page: 1, size: 25, q } })).rows.map(
        (r) => r.name,
      );
    expect(await search("%")).toEqual(["50% rollout"]);
    expect(await search("_")).toEqual(["snake_case"]);
  });

  it("searches the description, the last 4 characters, the owner's name and email, and the environment", async () => {
    const searcher = await createMember(org.id, "developer", "Quentin Searcher");
    const billing = await createKey(org.id, searcher.id, { name: "Billing", description: "Nightly invoice exporter", environment: "staging" });
    const other = await createKey(org.id, developer.id, { name: "Unrelated", environment: "development" });
    const last4 = billing.key.slice(-4);
    const search = async (q: string, ownerId?: string) =>
      (await listApiKeys({ organizationId: org.id, ownerId, query: { status: "active", sort: "created", dir: "desc", page: 1, size: 100, q } })).rows.map(
        (r) => r.id,
      );
    expect(await search("invoice EXPORT")).toEqual([billing.id]);
    expect(await search(last4, searcher.id)).toEqual([billing.id]);
    expect(await search("quentin searcher")).toEqual([billing.id]);
    expect(await search(searcher.email.toUpperCase())).toEqual([billing.id]);
    expect(await search("stag", searcher.id)).toEqual([billing.id]);
    expect(await search("Development")).toContain(other.id);
    expect(await search("Development")).not.toContain(billing.id);
  });

  it("pages with page and size", async () => {
    const first = await query({ size: 10, page: 1, dir: "asc" });
    expect(first.pageCount).toBe(1);
    // Sizes are 10/25/50/100 in the UI; the database does the slicing.
    const many = await createMember(org.id, "developer", "pages");
    await insertKeys(many, Array.from({ length: 23 }, (_, i) => ({ name: `k${String(i).padStart(2, "0")}`, createdAt: at(i) })));
    const pages = await Promise.all([1, 2, 3].map((page) => listApiKeys({ organizationId: org.id, ownerId: many.id, query: { status: "active", sort: "created", dir: "asc", page, size: 10 } })));
    expect(pages.map((p) => p.rows.length)).toEqual([10, 10, 3]);
    expect(pages.flatMap((p) => p.rows.map((r) => r.name))).toEqual(Array.from({ length: 23 }, (_, i) => `k${String(i).padStart(2, "0")}`));
    expect(pages.every((p) => p.total === 23 && p.pageCount === 3)).toBe(true);
  });

  it("pages forward and back by cursor in every order, ties and never-used keys included, as the offset pages do", async () => {
    const walker = await createMember(org.id, "developer", "cursor walker");
    // Ties on createdAt (ids break them) and on lastUsedAt, never-used keys, one revoked key left out.
    await insertKeys(
      walker,
      Array.from({ length: 17 }, (_, i) => ({
        name: `c${String(i).padStart(2, "0")}`,
        createdAt: at(Math.floor(i / 3)),
        lastUsedAt: i % 4 === 0 ? null : at(40 + (i % 5)),
        revokedAt: i === 16 ? at(50) : null,
      })),
    );
    const list = (q: Partial<ListApiKeysQuery>) =>
      listApiKeys({ organizationId: org.id, ownerId: walker.id, query: { status: "active", sort: "created", dir: "desc", page: 1, size: 4, ...q } });
    for (const order of [
      { sort: "created", dir: "desc" },
      { sort: "created", dir: "asc" },
      { sort: "last_used", dir: "desc" },
      { sort: "last_used", dir: "asc" },
    ] as const) {
      const whole = (await list({ ...order, size: 100 })).rows.map((r) => r.id);
      expect(whole).toHaveLength(16);
      const byOffset = await Promise.all([1, 2, 3, 4].map((page) => list({ ...order, page })));
      // Forward with Next's cursors.
      const forward = [await list(order)];
      while (forward.at(-1)!.nextCursor) forward.push(await list({ ...order, page: forward.length + 1, cursor: forward.at(-1)!.nextCursor! }));
      expect(forward.map((p) => p.rows.map((r) => r.id)), `${order.sort} ${order.dir}`).toEqual(byOffset.map((p) => p.rows.map((r) => r.id)));
      expect(forward.map((p) => p.page)).toEqual([1, 2, 3, 4]);
      expect(forward.flatMap((p) => p.rows.map((r) => r.id))).toEqual(whole);
      // Back from the last page with Previous's cursors, down to page 1 itself.
      const back = [forward.at(-1)!];
      while (back.at(-1)!.previousCursor) back.push(await list({ ...order, page: 4 - back.length, cursor: back.at(-1)!.previousCursor! }));
      expect(back.map((p) => p.rows.map((r) => r.id)).reverse(), `${order.sort} ${order.dir} backwards`).toEqual(byOffset.map((p) => p.rows.map((r) => r.id)));
      expect(back.at(-1)!).toMatchObject({ page: 1, previousCursor: null });
    }
  });

  it("a cursor page stays put while keys are added before it; a forged cursor falls back to the page number", async () => {
    const reader = await createMember(org.id, "developer", "cursor reader");
    await insertKeys(reader, Array.from({ length: 6 }, (_, i) => ({ name: `r${i}`, createdAt: at(i) })));
    const list = (q: Partial<ListApiKeysQuery>) =>
      listApiKeys({ organizationId: org.id, ownerId: reader.id, query: { status: "active", sort: "created", dir: "desc", page: 1, size: 3, ...q } });
    const first = await list({});
    expect(first.rows.map((r) => r.name)).toEqual(["r5", "r4", "r3"]);
    await insertKeys(reader, [{ name: "newest", createdAt: at(9) }]);
    const second = await list({ page: 2, cursor: first.nextCursor! });
    expect(second.rows.map((r) => r.name)).toEqual(["r2", "r1", "r0"]);
    expect(second.nextCursor).toBeNull();
    // Previous shows the rows just before, not page 1 by offset (which would skip r3 now).
    const back = await list({ page: 1, cursor: second.previousCursor! });
    expect(back.rows.map((r) => r.name)).toEqual(["r5", "r4", "r3"]);
    expect(back.page).toBe(2);
    const first2 = await list({ page: 1, cursor: back.previousCursor! });
    expect(first2.rows.map((r) => r.name)).toEqual(["newest", "r5", "r4"]);
    expect(first2).toMatchObject({ page: 1, previousCursor: null });
    // A cursor made for another view (sort, filter or search) is ignored: the page number decides.
    expect((await list({ page: 2, cursor: first.nextCursor!, dir: "asc" })).rows.map((r) => r.name)).toEqual(["r3", "r4", "r5"]);
    expect((await list({ page: 2, cursor: first.nextCursor!, q: "r" })).rows.map((r) => r.name)).toEqual(["r3", "r2", "r1"]);
    for (const forged of ["bm90IGpzb24", Buffer.from(JSON.stringify(["a", null, "-271821-04-20T00:00:00.000Z", "x"])).toString("base64url")]) {
      expect((await list({ page: 2, cursor: forged })).rows.map((r) => r.name)).toEqual(["r3", "r2", "r1"]);
    }
  });

  it("without an owner lists the whole organization, and never another organization's keys", async () => {
    const otherOrg = await createOrganization("Elsewhere");
    const stranger = await createMember(otherOrg.id, "owner");
    const theirs = await createKey(otherOrg.id, stranger.id, { name: "Alpha web" });
    const all = await listApiKeys({ organizationId: org.id, query: { status: "active", sort: "created", dir: "desc", page: 1, size: 100, q: "Alpha web" } });
    expect(all.rows.map((r) => r.owner.id)).toContain(member.id);
    expect(all.rows.map((r) => r.id)).not.toContain(theirs.id);
  });
});

describe("organization scoping and revocation rules", () => {
  it("a key id of another organization is not found there", async () => {
    const otherOrg = await createOrganization("Foreign");
    const foreigner = await createMember(otherOrg.id, "owner");
    const foreign = await createKey(otherOrg.id, foreigner.id);
    expect(await getApiKey(org.id, foreign.id)).toBeNull();
    expect((await getApiKey(otherOrg.id, foreign.id))?.id).toBe(foreign.id);
    // Even an owner of this organization can't revoke it through this organization.
    await expectApiKeyError(revokeApiKey({ organizationId: org.id, keyId: foreign.id, actor: revoker(owner) }), "not_found");
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: foreign.id } })).revokedAt).toBeNull();
  });

  it("anyone can revoke their own key; a developer or viewer can't revoke another's (forbidden); owners and admins can", async () => {
    const devKey = await createKey(org.id, developer.id);
    await expectApiKeyError(revokeApiKey({ organizationId: org.id, keyId: devKey.id, actor: revoker(viewer) }), "forbidden");
    const viewerKey = await createKey(org.id, viewer.id);
    await expectApiKeyError(revokeApiKey({ organizationId: org.id, keyId: viewerKey.id, actor: revoker(developer) }), "forbidden");
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: devKey.id } })).revokedAt).toBeNull();

    const own = await revokeApiKey({ organizationId: org.id, keyId: viewerKey.id, actor: revoker(viewer) });
    expect(own.revokedAt).not.toBeNull();
    expect(own.revokedBy?.id).toBe(viewer.id);

    const byAdmin = await revokeApiKey({ organizationId: org.id, keyId: devKey.id, actor: revoker(admin), reason: "compromised" });
    expect(byAdmin).toMatchObject({ revokeReason: "compromised", revokedBy: { id: admin.id } });
    const ownerTarget = await createKey(org.id, admin.id);
    expect((await revokeApiKey({ organizationId: org.id, keyId: ownerTarget.id, actor: revoker(owner) })).revokedAt).not.toBeNull();
  });

  it("revoking twice is already_revoked, naming who and when; the first revocation stands", async () => {
    const key = await createKey(org.id, developer.id);
    const first = await revokeApiKey({ organizationId: org.id, keyId: key.id, actor: revoker(admin) });
    const error = await expectApiKeyError(revokeApiKey({ organizationId: org.id, keyId: key.id, actor: revoker(owner) }), "already_revoked");
    expect(error.message).toContain(admin.name);
    // Says when, in whatever format the message uses.
    expect(error.message).toContain(String(new Date(first.revokedAt!).getUTCFullYear()));
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.revokedById).toBe(admin.id);
    expect(row.revokedAt!.toISOString()).toBe(first.revokedAt);
  });

  it("concurrent revokes of one key produce one revocation and one audit event", async () => {
    const key = await createKey(org.id, developer.id);
    const results = await Promise.allSettled([
      revokeApiKey({ organizationId: org.id, keyId: key.id, actor: revoker(admin) }),
      revokeApiKey({ organizationId: org.id, keyId: key.id, actor: revoker(owner) }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((rejected.reason as ApiKeyError).code).toBe("already_revoked");
    expect(await db().auditEvent.count({ where: { action: "api_key.revoked", targetId: key.id } })).toBe(1);
  });

  it("a revoked key fails verification before revokeApiKey returns", async () => {
    const key = await createKey(org.id, developer.id);
    expect((await verifyApiKey(key.key)).ok).toBe(true);
    await revokeApiKey({ organizationId: org.id, keyId: key.id, actor: revoker(developer) });
    const result = await verifyApiKey(key.key);
    expect(result).toMatchObject({ ok: false, code: "revoked_api_key" });
  });

  it("records api_key.revoked with the actor, address, user agent and reason", async () => {
    const key = await createKey(org.id, developer.id, { name: "to revoke" });
    await revokeApiKey({
      organizationId: org.id,
      keyId: key.id,
      actor: { userId: admin.id, role: "admin", ip: "192.0.2.44", userAgent: "Mozilla/5.0 test" },
      reason: "compromised",
    });
    const events = await db().auditEvent.findMany({ where: { organizationId: org.id, action: "api_key.revoked", targetId: key.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorUserId: admin.id,
      targetType: "api_key",
      ip: "192.0.2.44",
      userAgent: "Mozilla/5.0 test",
      metadata: expect.objectContaining({ name: "to revoke", reason: "compromised", owner_id: developer.id }),
    });
  });

  it("an unknown well-formed key stays unknown and touches no row", async () => {
    const { key } = generateApiKey("live");
    expect(await verifyApiKey(key)).toEqual({ ok: false, code: "invalid_api_key" });
    expect(await db().apiKey.findUnique({ where: { hash: hashKey(key) } })).toBeNull();
  });
});
