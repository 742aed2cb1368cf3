import { describe, expect, it } from "vitest";
import { toApiKeyRow, toVerifiedKey, type ApiKey, type KeyRecord } from "@/lib/domain/api-keys/key";
import { apiKeyObject } from "@/lib/http/serializers";

// The one ApiKey and what is derived from it: the dashboard row, the API object, the verified key.

const person = { id: "user_1", name: "Ada", email: "ada@example.test" };
const key: ApiKey = {
  id: "key_1",
  name: "CI",
  description: "deploys",
  environment: "production",
  livemode: true,
  prefix: "sk_live_",
  last4: "Ab3d",
  createdAt: "2026-01-02T03:04:05.678Z",
  lastUsedAt: null,
  expiresAt: "2027-01-01T00:00:00.000Z",
  revokedAt: "2026-02-01T00:00:00.000Z",
  revokeReason: "revoked_by_user",
  revokedBy: { id: "user_2", name: "Grace", email: "grace@example.test" },
  owner: person,
  createdBy: { id: "user_2", name: "Grace", email: "grace@example.test" },
  restrictions: ["usage:read"],
  rolledTo: { id: "key_2", last4: "Zz99" },
  rolledAt: "2026-01-20T00:00:00.000Z",
};

describe("toApiKeyRow", () => {
  it("has the table's fields only: masked key, no prefix, no livemode, the revoker's name alone", () => {
    const row = toApiKeyRow(key);
    expect(Object.keys(row).sort()).toEqual(
      ["createdAt", "createdBy", "description", "environment", "expiresAt", "id", "last4", "lastUsedAt", "maskedKey", "name", "owner", "restrictions", "revokeReason", "revokedAt", "revokedBy", "rolledAt", "rolledTo"].sort(),
    );
    expect(row.maskedKey).toBe("sk_live_\u2026Ab3d");
    expect(row.revokedBy).toEqual({ name: "Grace" });
    expect(row.owner).toEqual(person);
  });
});

describe("apiKeyObject", () => {
  it("is the snake_case api_key object, without secrets", () => {
    expect(apiKeyObject(key)).toEqual({
      id: "key_1",
      object: "api_key",
      name: "CI",
      description: "deploys",
      environment: "production",
      livemode: true,
      prefix: "sk_live_",
      last4: "Ab3d",
      owner: person,
      created_at: "2026-01-02T03:04:05.678Z",
      last_used_at: null,
      expires_at: "2027-01-01T00:00:00.000Z",
      revoked_at: "2026-02-01T00:00:00.000Z",
      revoke_reason: "revoked_by_user",
      restrictions: ["usage:read"],
      rolled_to: "key_2",
      rolled_at: "2026-01-20T00:00:00.000Z",
    });
  });
});

describe("toVerifiedKey", () => {
  it("keeps the API's field names (keyId, user) and a Date createdAt", () => {
    const record: KeyRecord = {
      id: key.id,
      name: key.name,
      environment: "staging",
      last4: key.last4,
      createdAt: new Date(key.createdAt),
      expiresAt: null,
      revokedAt: null,
      owner: person,
      organization: { id: "org_1", name: "Acme", slug: "acme" },
      role: "developer",
      permissions: new Set(["usage:write"]),
      restrictions: ["usage:write"],
      rolledToLast4: null,
      rolledToRevoked: false,
    };
    const verified = toVerifiedKey(record, "developer", "hash");
    expect(verified).toMatchObject({ keyId: "key_1", hash: "hash", livemode: false, user: person, role: "developer" });
    expect(verified.createdAt).toEqual(new Date(key.createdAt));
  });
});
