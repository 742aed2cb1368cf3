import { API } from "@/lib/http/endpoints";
import { keyActor } from "@/lib/http/key-actor";
import { apiKeyObject } from "@/lib/http/serializers";
import { route } from "@/lib/http/route";
import { readApiKey, revokeApiKey, updateApiKey } from "@/lib/domain/api-keys/store";

// Your own key needs the route's permission, anyone else's api_keys:manage (checked in the store).
export const { GET, POST, PUT, PATCH, DELETE } = route(API.apiKey, {
  GET: async ({ key, params }) =>
    apiKeyObject(await readApiKey({ organizationId: key.organization.id, keyId: params.id, viewer: { userId: key.user.id, permissions: key.permissions } })),
  PATCH: async ({ key, params, body, ip, request }) =>
    apiKeyObject(
      await updateApiKey({
        organizationId: key.organization.id,
        keyId: params.id,
        input: { name: body.name, description: body.description },
        actor: keyActor(key, ip, request.headers),
      }),
    ),
  DELETE: async ({ key, params, ip, request }) =>
    apiKeyObject(
      await revokeApiKey({
        organizationId: key.organization.id,
        keyId: params.id,
        actor: keyActor(key, ip, request.headers),
        reason: "revoked_via_api",
      }),
    ),
});
