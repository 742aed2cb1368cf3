import { beforeAll, describe, expect, it } from "vitest";
import { GET as getApiKey, PATCH as patchApiKey, DELETE as deleteApiKey } from "@/app/api/v1/api-keys/[id]/route";
import { POST as rollApiKeyRoute } from "@/app/api/v1/api-keys/[id]/roll/route";
import { GET as listApiKeysRoute } from "@/app/api/v1/api-keys/route";
import { GET as listAuditEventsRoute } from "@/app/api/v1/audit-events/route";
import { GET as me } from "@/app/api/v1/me/route";
import { GET as ping } from "@/app/api/v1/ping/route";
import { GET as listUsage, POST as createUsage } from "@/app/api/v1/usage-events/route";
import { db, publishInvalidation, sql, verifyApiKey } from "@/lib/platform/runtime";
import { DAY_MS } from "@/lib/domain/api-keys/rules";
import { MAX_ACTIVE_KEYS_PER_MEMBER } from "@/lib/domain/api-keys/schemas";
import { ApiKeyError, countExpiringSoon, createApiKey, listApiKeys, revokeApiKeys, rollApiKey, type RevokeActor } from "@/lib/domain/api-keys/store";
import type { Role } from "@/lib/domain/permissions";
import {
  actorFor,
  call,
  createKey,
  createMember,
  createOrganization,
  createOrganizationWithRoles,
  expectApiError,
  hashKey,
  setupTestDatabase,
  suffix,
  type RoleSet,
  type TestMember,
  type TestOrganization,
} from "@/tests/helpers/fixtures";

setupTestDatabase();

const SECRET = /sk_(live|test)_[0-9A-Za-z]{38}/;
const ROLES: Role[] = ["owner", "admin", "developer", "viewer"];

let organization: TestOrganization;
let members: RoleSet;

beforeAll(async () => {
  ({ organization, members } = await createOrganizationWithRoles("Lifecycle Org"));
});

const actor = (member: TestMember): RevokeActor => ({ ...actorFor(member.id), role: member.role });

async function setRole(member: TestMember, role: Role): Promise<void> {
  await db().membership.update({ where: { id: member.membershipId }, data: { role } });
  await publishInvalidation({ members: [{ organizationId: organization.id, userId: member.id }] });
}

const roll = (key: string, id: string, body: unknown = { old_key_expires_in: 0 }) =>
  call(rollApiKeyRoute, { method: "POST", path: `/api/v1/api-keys/${id}/roll`, params: { id }, key, body });

describe("expiry", () => {
  it("a key past its expiry is refused with expired_api_key; before it, accepted", async () => {
    const member = await createMember(organization.id, "developer");
    const soon = await createKey(organization.id, member.id, { expiresAt: new Date(Date.now() + 60_000) });
    expect((await call(ping, { path: "/api/v1/ping", key: soon.key })).status).toBe(200);
    const verified = await verifyApiKey(soon.key, Date.now() + 61_000);
    expect(verified).toMatchObject({ ok: false, code: "expired_api_key", key: { keyId: soon.id, organizationId: organization.id } });
  });

  it("lists keys by status: active, expiring within 7 days, expired, inactive, revoked", async () => {
    const member = await createMember(organization.id, "developer");
    const now = Date.now();
    const make = (name: string, data: { createdAt?: Date; lastUsedAt?: Date | null; expiresAt?: Date | null; revokedAt?: Date | null }) =>
      db().apiKey.create({
        data: { organizationId: organization.id, userId: member.id, name, environment: "production", prefix: "sk_live_", last4: "abcd", hash: `h-${suffix()}`, ...data },
        select: { id: true },
      });
    const ids = {
      fresh: (await make("fresh", {})).id,
      usedRecently: (await make("used recently", { createdAt: new Date(now - 90 * DAY_MS), lastUsedAt: new Date(now - DAY_MS) })).id,
      unused31: (await make("unused 31 days", { createdAt: new Date(now - 90 * DAY_MS), lastUsedAt: new Date(now - 31 * DAY_MS) })).id,
      neverUsed8: (await make("never used, 8 days old", { createdAt: new Date(now - 8 * DAY_MS) })).id,
      neverUsed6: (await make("never used, 6 days old", { createdAt: new Date(now - 6 * DAY_MS) })).id,
      expiring: (await make("expiring in 3 days", { expiresAt: new Date(now + 3 * DAY_MS) })).id,
      later: (await make("expiring in 30 days", { expiresAt: new Date(now + 30 * DAY_MS) })).id,
      expired: (await make("expired", { expiresAt: new Date(now - DAY_MS) })).id,
      revoked: (await make("revoked", { revokedAt: new Date(now - DAY_MS) })).id,
      expiredInactive: (await make("expired and unused", { createdAt: new Date(now - 90 * DAY_MS), expiresAt: new Date(now - DAY_MS) })).id,
    };
    const list = async (status: "active" | "expiring" | "expired" | "inactive" | "revoked") => {
      const page = await listApiKeys({
        organizationId: organization.id,
        ownerId: member.id,
        query: { status, environment: undefined, q: undefined, sort: "created", dir: "desc", page: 1, size: 100 },
      });
      return new Set(page.rows.map((row) => row.id));
    };
    expect(await list("active")).toEqual(new Set([ids.fresh, ids.usedRecently, ids.unused31, ids.neverUsed8, ids.neverUsed6, ids.expiring, ids.later]));
    expect(await list("expiring")).toEqual(new Set([ids.expiring]));
    expect(await list("expired")).toEqual(new Set([ids.expired, ids.expiredInactive]));
    expect(await list("inactive")).toEqual(new Set([ids.unused31, ids.neverUsed8]));
    expect(await list("revoked")).toEqual(new Set([ids.revoked]));
    expect(await countExpiringSoon(organization.id, member.id)).toBe(1);

    // A search keeps the status: the active list searched never shows an expired or revoked key.
    const search = async (status: "active" | "expired", q: string) =>
      new Set(
        (
          await listApiKeys({
            organizationId: organization.id,
            query: { status, environment: undefined, q, sort: "created", dir: "desc", page: 1, size: 100 },
          })
        ).rows.map((row) => row.id),
      );
    expect(await search("active", "expir")).toEqual(new Set([ids.expiring, ids.later]));
    expect(await search("expired", "expir")).toEqual(new Set([ids.expired, ids.expiredInactive]));
    // By the owner's name or email, among the organization's keys only.
    expect(await search("active", member.name)).toEqual(await list("active"));
    expect(await search("active", member.email.toUpperCase())).toEqual(await list("active"));
  });
});

describe("restricted keys", () => {
  it("effective permissions are the restriction ∩ the owner's current role, in /me and at every route", async () => {
    const member = await createMember(organization.id, "developer");
    const key = await createKey(organization.id, member.id, { restrictions: ["organization:read", "usage:read", "api_keys:manage"].slice(0, 2) as never });
    const whoami = await call(me, { path: "/api/v1/me", key: key.key });
    expect(whoami.status).toBe(200);
    expect(whoami.json.restrictions).toEqual(["organization:read", "usage:read"]);
    expect(new Set(whoami.json.permissions)).toEqual(new Set(["organization:read", "usage:read"]));
    expect((await call(listUsage, { path: "/api/v1/usage-events", key: key.key })).status).toBe(200);
    const refused = expectApiError(
      await call(createUsage, { method: "POST", path: "/api/v1/usage-events", key: key.key, body: { metric: "api_calls", quantity: 1 } }),
      403,
      "permission_error",
      "insufficient_permissions",
    );
    expect(refused.message).toMatch(/usage:write/);
    expect(refused.message).toMatch(/restricted/);
  });

  it("a role that grows never widens the restriction; a role that shrinks narrows it at once", async () => {
    const member = await createMember(organization.id, "viewer");
    const key = await createKey(organization.id, member.id, { restrictions: ["usage:read", "api_keys:read"] });
    await setRole(member, "owner");
    const grown = await call(me, { path: "/api/v1/me", key: key.key });
    expect(new Set(grown.json.permissions)).toEqual(new Set(["usage:read", "api_keys:read"]));
    expect(grown.json.role).toBe("owner");
    // A role without api_keys:read doesn't exist; take usage:read away by removing the member.
    await db().membership.delete({ where: { id: member.membershipId } });
    await publishInvalidation({ members: [{ organizationId: organization.id, userId: member.id }] });
    expect((await call(ping, { path: "/api/v1/ping", key: key.key })).status).toBe(401);
  });

  it("says the role lacks a permission when the restriction has it and the role doesn't", async () => {
    const member = await createMember(organization.id, "developer");
    const key = await createKey(organization.id, member.id, { restrictions: ["usage:read", "usage:write"] });
    await setRole(member, "viewer");
    const refused = expectApiError(
      await call(createUsage, { method: "POST", path: "/api/v1/usage-events", key: key.key, body: { metric: "api_calls", quantity: 1 } }),
      403,
      "permission_error",
      "insufficient_permissions",
    );
    expect(refused.message).toMatch(/role/);
    expect(refused.message).toMatch(/Viewer/);
  });

  it("refuses a restriction beyond the creator's role, checked in the store", async () => {
    const member = await createMember(organization.id, "developer");
    await expect(
      createApiKey({
        organizationId: organization.id,
        userId: member.id,
        input: { name: "too much", environment: "production" },
        restrictions: ["api_keys:manage"],
        actor: actorFor(member.id),
      }),
    ).rejects.toMatchObject({ code: "invalid" });
  });

  it("a restricted key of an admin can't act on another member's key without api_keys:manage in its restriction", async () => {
    const admin = await createMember(organization.id, "admin");
    const narrow = await createKey(organization.id, admin.id, { restrictions: ["api_keys:read", "api_keys:write"] });
    const victim = await createKey(organization.id, members.developer.id);
    for (const attempt of [
      call(deleteApiKey, { method: "DELETE", path: `/api/v1/api-keys/${victim.id}`, params: { id: victim.id }, key: narrow.key }),
      roll(narrow.key, victim.id),
      call(patchApiKey, { method: "PATCH", path: `/api/v1/api-keys/${victim.id}`, params: { id: victim.id }, key: narrow.key, body: { name: "x" } }),
      call(getApiKey, { path: `/api/v1/api-keys/${victim.id}`, params: { id: victim.id }, key: narrow.key }),
    ]) {
      expectApiError(await attempt, 403, "permission_error", "insufficient_permissions");
    }
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: victim.id } })).revokedAt).toBeNull();
  });
});

describe("GET and PATCH /api/v1/api-keys/{id}", () => {
  it("answers one key with expiry, restriction and rolled_to; never a secret", async () => {
    const key = await createKey(organization.id, members.developer.id, { restrictions: ["api_keys:read"], expiresAt: new Date(Date.now() + 5 * DAY_MS) });
    const result = await call(getApiKey, { path: `/api/v1/api-keys/${key.id}`, params: { id: key.id }, key: key.key });
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ id: key.id, object: "api_key", restrictions: ["api_keys:read"], rolled_to: null });
    // Restricted to reading keys: it can't edit itself.
    expectApiError(
      await call(patchApiKey, { method: "PATCH", path: `/x/${key.id}`, params: { id: key.id }, key: key.key, body: { name: "nope" } }),
      403,
      "permission_error",
      "insufficient_permissions",
    );
    expect(result.json.expires_at).toBeTruthy();
    expect(result.text).not.toMatch(SECRET);
  });

  it("the permission matrix: own key for every role, another's only with api_keys:manage", async () => {
    for (const role of ROLES) {
      const caller = members[role].key.key;
      const own = await createKey(organization.id, members[role].id);
      const theirs = await createKey(organization.id, members.viewer.id === members[role].id ? members.developer.id : members.viewer.id);
      const manage = role === "owner" || role === "admin";
      expect((await call(getApiKey, { path: `/x/${own.id}`, params: { id: own.id }, key: caller })).status, `${role} own GET`).toBe(200);
      expect((await call(getApiKey, { path: `/x/${theirs.id}`, params: { id: theirs.id }, key: caller })).status, `${role} other GET`).toBe(manage ? 200 : 403);
      const patchOwn = await call(patchApiKey, { method: "PATCH", path: `/x/${own.id}`, params: { id: own.id }, key: caller, body: { name: `renamed ${role}` } });
      expect(patchOwn.status, `${role} own PATCH`).toBe(200);
      expect(patchOwn.json.name).toBe(`renamed ${role}`);
      const patchTheirs = await call(patchApiKey, { method: "PATCH", path: `/x/${theirs.id}`, params: { id: theirs.id }, key: caller, body: { description: "by someone else" } });
      expect(patchTheirs.status, `${role} other PATCH`).toBe(manage ? 200 : 403);
      const rollOwn = await roll(caller, own.id, { old_key_expires_in: 60 });
      expect(rollOwn.status, `${role} own roll`).toBe(201);
      const rollTheirs = await roll(caller, theirs.id, { old_key_expires_in: 60 });
      expect(rollTheirs.status, `${role} other roll`).toBe(manage ? 201 : 403);
    }
  });

  it("validates like creation, and writes api_key.updated with before and after", async () => {
    const key = await createKey(organization.id, members.developer.id, { name: "before" });
    const patch = (body: unknown) => call(patchApiKey, { method: "PATCH", path: `/x/${key.id}`, params: { id: key.id }, key: key.key, body });
    expectApiError(await patch({ name: "   " }), 400, "invalid_request_error", "invalid_request");
    expectApiError(await patch({ name: "x".repeat(65) }), 400, "invalid_request_error", "invalid_request");
    expectApiError(await patch({}), 400, "invalid_request_error", "invalid_request");
    expectApiError(await patch({ name: "a\u202eb" }), 400, "invalid_request_error", "invalid_request");
    const updated = await patch({ name: "  after  ", description: "the billing worker" });
    expect(updated.json).toMatchObject({ name: "after", description: "the billing worker" });
    // The verification cache holds the name: /me shows the new one at once.
    expect((await call(me, { path: "/api/v1/me", key: key.key })).json.api_key.name).toBe("after");
    const event = await db().auditEvent.findFirstOrThrow({ where: { organizationId: organization.id, action: "api_key.updated", targetId: key.id } });
    expect(event.metadata).toMatchObject({ before: { name: "before", description: null }, after: { name: "after", description: "the billing worker" } });
    expect(event.actorApiKeyId).toBe(key.id);
    expect((await patch({ description: null })).json.description).toBeNull();
  });

  it("another organization's key is not found", async () => {
    const other = await createOrganization("Elsewhere");
    const stranger = await createMember(other.id, "owner");
    const theirs = await createKey(other.id, stranger.id);
    const caller = members.owner.key.key;
    expectApiError(await call(getApiKey, { path: `/x/${theirs.id}`, params: { id: theirs.id }, key: caller }), 404, "invalid_request_error", "resource_missing");
    expectApiError(
      await call(patchApiKey, { method: "PATCH", path: `/x/${theirs.id}`, params: { id: theirs.id }, key: caller, body: { name: "mine now" } }),
      404,
      "invalid_request_error",
      "resource_missing",
    );
    expectApiError(await roll(caller, theirs.id), 404, "invalid_request_error", "resource_missing");
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: theirs.id } })).name).not.toBe("mine now");
    expect(await db().apiKey.count({ where: { organizationId: other.id } })).toBe(1);
  });
});

describe("rolling", () => {
  it("creates the replacement with the same name, description, environment, restriction and owner, shown once", async () => {
    const old = await createKey(organization.id, members.developer.id, {
      name: "billing",
      description: "nightly",
      environment: "staging",
      restrictions: ["usage:read", "usage:write"],
      expiresAt: new Date(Date.now() + 30 * DAY_MS),
    });
    const oldRow = await db().apiKey.findUniqueOrThrow({ where: { id: old.id } });
    const result = await roll(members.admin.key.key, old.id, { old_key_expires_in: 3600 });
    expect(result.status).toBe(201);
    expect(result.json.secret).toMatch(/^sk_test_/);
    expect(result.json).toMatchObject({
      name: "billing",
      description: "nightly",
      environment: "staging",
      restrictions: ["usage:read", "usage:write"],
      owner: { id: members.developer.id },
      rolled_from: { id: old.id },
    });
    // A fresh period of the old key's length.
    const lifetime = oldRow.expiresAt!.getTime() - oldRow.createdAt.getTime();
    expect(Math.abs(Date.parse(result.json.expires_at) - Date.now() - lifetime)).toBeLessThan(60_000);
    expect(Math.abs(Date.parse(result.json.rolled_from.expires_at) - Date.now() - 3_600_000)).toBeLessThan(60_000);
    // Both work during the overlap.
    expect((await call(ping, { path: "/api/v1/ping", key: old.key })).status).toBe(200);
    expect((await call(ping, { path: "/api/v1/ping", key: result.json.secret })).status).toBe(200);
    const stored = await db().apiKey.findUniqueOrThrow({ where: { id: old.id } });
    expect(stored.rolledToId).toBe(result.json.id);
    const fetched = await call(getApiKey, { path: `/x/${old.id}`, params: { id: old.id }, key: members.admin.key.key });
    expect(fetched.json.rolled_to).toBe(result.json.id);
    // Created by the admin, owned by the developer.
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: result.json.id } })).createdById).toBe(members.admin.id);
    const events = await db().auditEvent.findMany({ where: { organizationId: organization.id, action: "api_key.rolled", targetId: old.id } });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toMatch(SECRET);
    expect(events[0]!.metadata).toMatchObject({ new_key_id: result.json.id, new_key_last4: result.json.last4 });
  });

  it("after the overlap the old key gets expired_api_key naming the replacement's last 4; revoking the new one doesn't revive it", async () => {
    const old = await createKey(organization.id, members.developer.id);
    const result = await roll(old.key, old.id, { old_key_expires_in: 0 });
    expect(result.status).toBe(201);
    const refused = expectApiError(await call(ping, { path: "/api/v1/ping", key: old.key }), 401, "authentication_error", "expired_api_key");
    expect(refused.message).toContain("rolled");
    expect(refused.message).toContain(result.json.last4);
    expect(refused.message).toContain("Use its replacement");
    expect((await call(deleteApiKey, { method: "DELETE", path: `/x/${result.json.id}`, params: { id: result.json.id }, key: result.json.secret })).status).toBe(200);
    // The old key's cached record went with the revocation: its refusal no longer recommends the replacement.
    const after = expectApiError(await call(ping, { path: "/api/v1/ping", key: old.key }), 401, "authentication_error", "expired_api_key");
    expect(after.message).toContain(`the key ending in ${result.json.last4}, has been revoked too`);
    expect(after.message).not.toContain("Use its replacement");
    expectApiError(await call(ping, { path: "/api/v1/ping", key: result.json.secret }), 401, "authentication_error", "revoked_api_key");
  });

  it("refuses to roll a key already rolled, revoked or expired, with a clear message", async () => {
    const rolled = await createKey(organization.id, members.developer.id);
    const first = await roll(rolled.key, rolled.id, { old_key_expires_in: 600 });
    expect(first.status).toBe(201);
    const again = expectApiError(await roll(rolled.key, rolled.id), 400, "invalid_request_error", "invalid_request");
    expect(again.message).toContain(first.json.last4);

    const revoked = await createKey(organization.id, members.developer.id);
    await db().apiKey.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    expect(expectApiError(await roll(members.owner.key.key, revoked.id), 400, "invalid_request_error", "invalid_request").message).toMatch(/revoked/);

    const expired = await createKey(organization.id, members.developer.id);
    await db().apiKey.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(expectApiError(await roll(members.owner.key.key, expired.id), 400, "invalid_request_error", "invalid_request").message).toMatch(/expired/);
  });

  it("validates old_key_expires_in: 0 to 7 days, whole seconds", async () => {
    const key = await createKey(organization.id, members.developer.id);
    for (const body of [{}, { old_key_expires_in: -1 }, { old_key_expires_in: 604_801 }, { old_key_expires_in: 1.5 }, { old_key_expires_in: "60" }, { other: 1 }]) {
      expectApiError(await roll(key.key, key.id, body), 400, "invalid_request_error", "invalid_request");
    }
    expect(await db().apiKey.count({ where: { organizationId: organization.id, name: key.name } })).toBe(1);
  });

  it("a restricted key can't roll a key that may do more: the new secret would carry it", async () => {
    const owner = await createMember(organization.id, "owner");
    const narrow = await createKey(organization.id, owner.id, { restrictions: ["api_keys:read", "api_keys:write"] });
    const wide = await createKey(organization.id, owner.id);
    const refused = expectApiError(await roll(narrow.key, wide.id, { old_key_expires_in: 0 }), 403, "permission_error", "insufficient_permissions");
    expect(refused.message).toMatch(/restricted/);
    expect((await call(ping, { path: "/api/v1/ping", key: wide.key })).status).toBe(200);
    // A key within its own permissions can be rolled by it.
    const narrower = await createKey(organization.id, owner.id, { restrictions: ["api_keys:read"] });
    expect((await roll(narrow.key, narrower.id, { old_key_expires_in: 0 })).status).toBe(201);
  });

  it("only an owner rolls an owner's key (the replacement would act as them)", async () => {
    const owner = await createMember(organization.id, "owner");
    const theirs = await createKey(organization.id, owner.id);
    const refused = expectApiError(await roll(members.admin.key.key, theirs.id, { old_key_expires_in: 0 }), 403, "permission_error", "insufficient_permissions");
    expect(refused.message).toMatch(/owner/);
    expect((await call(ping, { path: "/api/v1/ping", key: theirs.key })).status).toBe(200);
    expect((await roll(members.owner.key.key, theirs.id, { old_key_expires_in: 60 })).status).toBe(201);
  });

  it("a key in its overlap works as itself but can't roll, edit or revoke its replacement (or any other key)", async () => {
    const old = await createKey(organization.id, members.developer.id);
    const rolled = await roll(old.key, old.id, { old_key_expires_in: 3600 });
    expect(rolled.status).toBe(201);
    const replacement = rolled.json.id as string;
    expect((await call(ping, { path: "/api/v1/ping", key: old.key })).status).toBe(200);
    for (const attempt of [
      roll(old.key, replacement, { old_key_expires_in: 0 }),
      call(deleteApiKey, { method: "DELETE", path: `/x/${replacement}`, params: { id: replacement }, key: old.key }),
      call(patchApiKey, { method: "PATCH", path: `/x/${replacement}`, params: { id: replacement }, key: old.key, body: { name: "taken" } }),
    ]) {
      expect(expectApiError(await attempt, 403, "permission_error", "insufficient_permissions").message).toMatch(/rolled/);
    }
    expect((await call(ping, { path: "/api/v1/ping", key: rolled.json.secret })).status).toBe(200);
    // Revoking itself is still allowed: a leaked old key can be cut short.
    expect((await call(deleteApiKey, { method: "DELETE", path: `/x/${old.id}`, params: { id: old.id }, key: old.key })).status).toBe(200);
  });

  it("a key in its overlap keeps exactly its own rights until it expires, reads included (the rule on /docs/api)", async () => {
    // A program still running on the old key mid-rotation must keep working as it did: an admin's
    // key that exported the audit log or listed the organization's keys still does.
    const admin = await createMember(organization.id, "admin");
    const old = await createKey(organization.id, admin.id);
    const rolled = await roll(old.key, old.id, { old_key_expires_in: 3600 });
    expect(rolled.status).toBe(201);
    const audit = await call<{ data: { action: string; target: { id: string } }[] }>(listAuditEventsRoute, { path: "/api/v1/audit-events?action=api_key.rolled", key: old.key });
    expect(audit.status, audit.text).toBe(200);
    expect(audit.json.data.map((e) => e.target.id)).toContain(old.id);
    const keys = await call<{ data: { id: string }[] }>(listApiKeysRoute, { path: "/api/v1/api-keys?scope=organization&limit=100", key: old.key });
    expect(keys.status, keys.text).toBe(200);
    expect(keys.text).not.toMatch(SECRET);
    const replacement = await call(getApiKey, { path: `/x/${rolled.json.id}`, params: { id: rolled.json.id }, key: old.key });
    expect(replacement.status).toBe(200);
    expect(replacement.text).not.toMatch(SECRET);
    const who = await call<{ permissions: string[] }>(me, { path: "/api/v1/me", key: old.key });
    expect(who.json.permissions).toEqual((await call<{ permissions: string[] }>(me, { path: "/api/v1/me", key: rolled.json.secret })).json.permissions);
    // No more than its own: a demotion applies to it at once, as to any key.
    await setRole(admin, "developer");
    expectApiError(await call(listAuditEventsRoute, { path: "/api/v1/audit-events", key: old.key }), 403, "permission_error", "insufficient_permissions");
    // And once the overlap ends, nothing.
    await db().apiKey.update({ where: { id: old.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await publishInvalidation({ keyHashes: [hashKey(old.key)] });
    expectApiError(await call(listApiKeysRoute, { path: "/api/v1/api-keys", key: old.key }), 401, "authentication_error", "expired_api_key");
  });

  it("two rolls of one key at once: one replacement, one clear refusal", async () => {
    const key = await createKey(organization.id, members.developer.id);
    const results = await Promise.allSettled([
      rollApiKey({ organizationId: organization.id, keyId: key.id, overlapSeconds: 60, actor: actor(members.developer) }),
      rollApiKey({ organizationId: organization.id, keyId: key.id, overlapSeconds: 60, actor: actor(members.owner) }),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toBeInstanceOf(ApiKeyError);
    expect((refused[0]!.reason as ApiKeyError).code).toBe("already_rolled");
    expect(await db().apiKey.count({ where: { organizationId: organization.id, name: key.name } })).toBe(2);
    expect(await db().auditEvent.count({ where: { action: "api_key.rolled", targetId: key.id } })).toBe(1);
  });
});

describe("rolling and the cap of active keys per member", () => {
  const CAP = MAX_ACTIVE_KEYS_PER_MEMBER;
  const WEEK = 7 * 24 * 3600;

  /** `n` active keys of the member, inserted directly (fast set-up); their ids. */
  async function insertKeys(member: TestMember, n: number): Promise<string[]> {
    const rows = await db().apiKey.createManyAndReturn({
      data: Array.from({ length: n }, (_, i) => ({
        organizationId: organization.id,
        userId: member.id,
        name: `cap ${i}`,
        environment: "production" as const,
        prefix: "sk_live_",
        last4: "abcd",
        hash: `h-${suffix()}`,
      })),
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  const activeCount = (member: TestMember) =>
    db().apiKey.count({ where: { organizationId: organization.id, userId: member.id, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] } });

  const rollOf = (member: TestMember, keyId: string, overlapSeconds: number) =>
    rollApiKey({ organizationId: organization.id, keyId, overlapSeconds, actor: actor(member) });

  async function expectLimit(promise: Promise<unknown>): Promise<ApiKeyError> {
    const error = await promise.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ApiKeyError);
    expect((error as ApiKeyError).code).toBe("limit_reached");
    return error as ApiKeyError;
  }

  it("at the cap a key can be rolled (its replacement takes its place), but not its replacement again during the overlap", async () => {
    const member = await createMember(organization.id, "developer");
    const ids = await insertKeys(member, CAP);
    // Five keys rolled with a week's overlap: each outgoing key rides on its replacement.
    const replacements: string[] = [];
    for (const id of ids.slice(0, 5)) replacements.push((await rollOf(member, id, WEEK)).apiKey.id);
    expect(await activeCount(member)).toBe(CAP + 5);

    // Rolling a replacement again would keep a second outgoing key of the same lineage alive.
    const refused = await expectLimit(rollOf(member, replacements[0]!, WEEK));
    expect(refused.message).toContain(String(CAP));
    expect(refused.message).toMatch(/immediately/);
    expect(await activeCount(member)).toBe(CAP + 5);

    // With no overlap the replacement is swapped, not added; the first outgoing key keeps its week.
    const swapped = await rollOf(member, replacements[0]!, 0);
    expect(await activeCount(member)).toBe(CAP + 5);
    // The lineage still has its outgoing key (two rolls back): another overlap is still refused…
    await expectLimit(rollOf(member, swapped.apiKey.id, 3600));
    // …until that overlap ends.
    await db().apiKey.update({ where: { id: ids[0]! }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await rollOf(member, swapped.apiKey.id, 3600);
    expect(await activeCount(member)).toBe(CAP + 5);

    // A revoked replacement frees no place for its outgoing key, which counts again: with one
    // plain key revoked as well, there is room for one more overlap, not two.
    await revokeApiKeys({ organizationId: organization.id, keyIds: [replacements[2]!, ids.at(-1)!], actor: actor(member) });
    await rollOf(member, replacements[3]!, 3600);
    await expectLimit(rollOf(member, replacements[4]!, 3600));
  });

  it("below the cap a lineage may have several keys in their overlap", async () => {
    const member = await createMember(organization.id, "developer");
    const [first] = await insertKeys(member, 1);
    const second = await rollOf(member, first!, WEEK);
    const third = await rollOf(member, second.apiKey.id, WEEK);
    await rollOf(member, third.apiKey.id, WEEK);
    expect(await activeCount(member)).toBe(4);
  });

  it("concurrent rolls can't share the last place: one succeeds, the others are limit_reached", async () => {
    const member = await createMember(organization.id, "developer");
    const ids = await insertKeys(member, CAP);
    const replacements: string[] = [];
    for (const id of ids.slice(0, 5)) replacements.push((await rollOf(member, id, WEEK)).apiKey.id);
    // One place left under the cap: a plain key revoked.
    await revokeApiKeys({ organizationId: organization.id, keyIds: [ids.at(-1)!], actor: actor(member) });
    expect(await activeCount(member)).toBe(CAP + 4);

    const results = await Promise.allSettled(replacements.map((id) => rollOf(member, id, 3600)));
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    for (const r of refused) expect((r.reason as ApiKeyError).code, String(r.reason)).toBe("limit_reached");
    expect(await activeCount(member)).toBe(CAP + 5);
  });

  it("a refused roll through the API is 400 invalid_request naming the cap", async () => {
    const member = await createMember(organization.id, "developer");
    const key = await createKey(organization.id, member.id);
    await insertKeys(member, CAP - 1);
    const rolled = await roll(key.key, key.id, { old_key_expires_in: WEEK });
    expect(rolled.status).toBe(201);
    const error = expectApiError(await roll(rolled.json.secret, rolled.json.id, { old_key_expires_in: 60 }), 400, "invalid_request_error", "invalid_request");
    expect(error.message).toContain(`${CAP} active keys`);
    expect((await roll(rolled.json.secret, rolled.json.id, { old_key_expires_in: 0 })).status).toBe(201);
  });
});

describe("revoking several keys at once", () => {
  it("revokes them in one transaction, one audit event each, refused by verification at once", async () => {
    const keys = await Promise.all([1, 2, 3].map(() => createKey(organization.id, members.developer.id)));
    for (const k of keys) expect((await verifyApiKey(k.key)).ok).toBe(true);
    const result = await revokeApiKeys({ organizationId: organization.id, keyIds: keys.map((k) => k.id), actor: actor(members.developer) });
    expect(result.revoked).toHaveLength(3);
    for (const k of keys) expect(await verifyApiKey(k.key)).toMatchObject({ ok: false, code: "revoked_api_key" });
    expect(await db().auditEvent.count({ where: { action: "api_key.revoked", targetId: { in: keys.map((k) => k.id) } } })).toBe(3);
    // Again: nothing left to do, nothing audited twice.
    const again = await revokeApiKeys({ organizationId: organization.id, keyIds: keys.map((k) => k.id), actor: actor(members.developer) });
    expect(again).toMatchObject({ revoked: [], skipped: 3 });
    expect(await db().auditEvent.count({ where: { action: "api_key.revoked", targetId: { in: keys.map((k) => k.id) } } })).toBe(3);
  });

  it("all or nothing: one key the actor may not revoke, and none is revoked", async () => {
    const own = await createKey(organization.id, members.developer.id);
    const theirs = await createKey(organization.id, members.viewer.id);
    await expect(
      revokeApiKeys({ organizationId: organization.id, keyIds: [own.id, theirs.id], actor: actor(members.developer) }),
    ).rejects.toMatchObject({ code: "forbidden" });
    expect(await db().apiKey.count({ where: { id: { in: [own.id, theirs.id] }, revokedAt: { not: null } } })).toBe(0);
    // An admin may; another organization's key id makes the whole request not found.
    const other = await createOrganization("Other");
    const stranger = await createMember(other.id, "owner");
    const foreign = await createKey(other.id, stranger.id);
    await expect(
      revokeApiKeys({ organizationId: organization.id, keyIds: [own.id, foreign.id], actor: actor(members.admin) }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect((await revokeApiKeys({ organizationId: organization.id, keyIds: [own.id, theirs.id], actor: actor(members.admin) })).revoked).toHaveLength(2);
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: foreign.id } })).revokedAt).toBeNull();
  });
});

it("no secret of a created or rolled key is stored anywhere", async () => {
  const key = await createKey(organization.id, members.developer.id, { restrictions: ["usage:read"] });
  const rolled = await rollApiKey({ organizationId: organization.id, keyId: key.id, overlapSeconds: 0, actor: actor(members.developer) });
  for (const secret of [key.key, rolled.key]) {
    const rows = await sql().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "ApiKey" k WHERE row_to_json(k)::text LIKE $1`,
      [`%${secret.slice(8)}%`],
    );
    expect(rows[0]!.n).toBe(0);
    const events = await sql().query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEvent" e WHERE row_to_json(e)::text LIKE $1`, [`%${secret.slice(8)}%`]);
    expect(events[0]!.n).toBe(0);
  }
});
