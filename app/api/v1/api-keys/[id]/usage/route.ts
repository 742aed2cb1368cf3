import { API } from "@/lib/http/endpoints";
import { route } from "@/lib/http/route";
import { keyDailyUsage } from "@/lib/domain/api-keys/request-stats";
import { readApiKey } from "@/lib/domain/api-keys/store";

// Who may read a key's usage is who may read the key (GET /api-keys/{id}): your own with
// api_keys:read, another member's with api_keys:manage; another organization's key is not found.
export const { GET, POST, PUT, PATCH, DELETE } = route(API.apiKeyUsage, {
  GET: async ({ key, params, query }) => {
    const organizationId = key.organization.id;
    await readApiKey({ organizationId, keyId: params.id, viewer: { userId: key.user.id, permissions: key.permissions } });
    const data = await keyDailyUsage({ organizationId, keyId: params.id, days: query.days });
    // Every day of the window in one page: a list without further pages.
    return { object: "list", data, has_more: false, next_cursor: null } as const;
  },
});
