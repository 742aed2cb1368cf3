import { decodeCursor, encodeCursor } from "@/lib/platform/cursor";
import { API } from "@/lib/http/endpoints";
import { ApiError } from "@/lib/http/errors";
import { apiKeyObject, listObject } from "@/lib/http/serializers";
import { route } from "@/lib/http/route";
import { listApiKeysAfter } from "@/lib/domain/api-keys/store";
import { ROLE_LABELS } from "@/lib/domain/permissions";

export const { GET, POST, PUT, PATCH, DELETE } = route(API.apiKeys, {
  GET: async ({ key, query }) => {
    const organizationWide = query.scope === "organization";
    if (organizationWide && !key.permissions.has("api_keys:manage")) {
      throw new ApiError(
        "insufficient_permissions",
        `scope=organization needs the api_keys:manage permission; the key's owner is ${ROLE_LABELS[key.role]} in ${key.organization.name}. Drop scope to list your own keys, or ask an admin.`,
      );
    }
    const { rows, hasMore } = await listApiKeysAfter({
      organizationId: key.organization.id,
      ownerId: organizationWide ? undefined : key.user.id,
      limit: query.limit,
      after: decodeCursor(query.starting_after),
    });
    const last = rows.at(-1);
    return listObject(rows.map(apiKeyObject), hasMore, last ? encodeCursor(new Date(last.createdAt), last.id) : null);
  },
});
