import { API } from "@/lib/api/endpoints";
import { apiKeyObject } from "@/lib/api/serializers";
import { route } from "@/lib/api/with-api-key";
import { revokeApiKey } from "@/lib/api-keys/store";
import { userAgent } from "@/lib/request-info";

export const { GET, POST, PUT, PATCH, DELETE } = route(API.apiKey, {
  // Your own key needs api_keys:write, anyone else's api_keys:manage (checked in revokeApiKey).
  DELETE: async ({ key, params, ip, request }) =>
    apiKeyObject(
      await revokeApiKey({
        organizationId: key.organization.id,
        keyId: params.id,
        actor: { userId: key.user.id, role: key.role, apiKeyId: key.keyId, ip, userAgent: userAgent(request.headers) },
        reason: "revoked_via_api",
      }),
    ),
});
