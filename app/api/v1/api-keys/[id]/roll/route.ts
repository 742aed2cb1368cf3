import { API } from "@/lib/http/endpoints";
import { keyActor } from "@/lib/http/key-actor";
import { apiKeyObject } from "@/lib/http/serializers";
import { route } from "@/lib/http/route";
import { rollApiKey } from "@/lib/domain/api-keys/store";

export const { GET, POST, PUT, PATCH, DELETE } = route(API.rollApiKey, {
  // The only response that ever holds the new key's secret (like creation in the dashboard).
  POST: async ({ key, params, body, ip, request }) => {
    const rolled = await rollApiKey({
      organizationId: key.organization.id,
      keyId: params.id,
      overlapSeconds: body.old_key_expires_in,
      actor: keyActor(key, ip, request.headers),
    });
    return {
      ...apiKeyObject(rolled.apiKey),
      secret: rolled.key,
      rolled_from: { id: rolled.old.id, expires_at: rolled.old.expiresAt! },
    };
  },
});
