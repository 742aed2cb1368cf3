import { methodNotAllowed } from "@/lib/api/method-not-allowed";
import { decodeCursor, encodeCursor } from "@/lib/api/cursor";
import { ApiError, invalidRequest } from "@/lib/api/errors";
import { apiKeysListQuerySchema } from "@/lib/api/schemas";
import { apiKeyObject, listObject } from "@/lib/api/serializers";
import { searchParamsObject } from "@/lib/api/request";
import { json, withApiKey } from "@/lib/api/with-api-key";
import { listApiKeysAfter } from "@/lib/api-keys/store";
import { ROLE_LABELS } from "@/lib/permissions";

export const GET = withApiKey({ permission: "api_keys:read" }, async (request, { key }) => {
  const query = apiKeysListQuerySchema.safeParse(searchParamsObject(request));
  if (!query.success) throw invalidRequest(query.error, "query");
  const organizationWide = query.data.scope === "organization";
  if (organizationWide && !key.permissions.has("api_keys:manage")) {
    throw new ApiError(
      "insufficient_permissions",
      `scope=organization needs the api_keys:manage permission; the key's owner is ${ROLE_LABELS[key.role]} in ${key.organization.name}. Drop scope to list your own keys, or ask an admin.`,
    );
  }
  const { rows, hasMore } = await listApiKeysAfter({
    organizationId: key.organization.id,
    ownerId: organizationWide ? undefined : key.user.id,
    limit: query.data.limit,
    after: decodeCursor(query.data.starting_after),
  });
  const last = rows.at(-1);
  return json(listObject(rows.map(apiKeyObject), hasMore, last ? encodeCursor(new Date(last.createdAt), last.id) : null));
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
