import { methodNotAllowed } from "@/lib/api/method-not-allowed";
import { ApiError } from "@/lib/api/errors";
import { idSchema } from "@/lib/api/schemas";
import { apiKeyObject } from "@/lib/api/serializers";
import { json, withApiKey } from "@/lib/api/with-api-key";
import { ApiKeyError, revokeApiKey } from "@/lib/api-keys/store";
import { userAgent } from "@/lib/request-info";

// Your own key needs api_keys:write, anyone else's api_keys:manage (checked in revokeApiKey).
export const DELETE = withApiKey<{ id: string }>({ permission: "api_keys:write" }, async (request, { key, params, ip }) => {
  const id = idSchema.safeParse(params.id);
  if (!id.success) throw new ApiError("resource_missing", "No such API key in your organization.");
  try {
    const revoked = await revokeApiKey({
      organizationId: key.organization.id,
      keyId: id.data,
      actor: { userId: key.user.id, role: key.role, apiKeyId: key.keyId, ip, userAgent: userAgent(request.headers) },
      reason: "revoked_via_api",
    });
    return json(apiKeyObject(revoked));
  } catch (error) {
    if (!(error instanceof ApiKeyError)) throw error;
    switch (error.code) {
      case "not_found":
        throw new ApiError("resource_missing", `No API key ${id.data} in your organization.`);
      case "forbidden":
        throw new ApiError(
          "insufficient_permissions",
          `Revoking another member's key needs the api_keys:manage permission; the key's owner is ${key.role} in ${key.organization.name}. Ask an admin.`,
        );
      case "already_revoked":
        throw new ApiError("invalid_request", error.message.replace("Refresh the list.", "Nothing to do."));
      default:
        throw error;
    }
  }
});

const notAllowed = methodNotAllowed("DELETE");
export { notAllowed as GET, notAllowed as POST, notAllowed as PUT, notAllowed as PATCH };
