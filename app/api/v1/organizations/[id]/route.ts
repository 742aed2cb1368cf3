import { methodNotAllowed } from "@/lib/api/method-not-allowed";
import { ApiError } from "@/lib/api/errors";
import { json, withApiKey } from "@/lib/api/with-api-key";

export const GET = withApiKey<{ id: string }>({ permission: "organization:read" }, (_request, { key, params }) => {
  if (params.id !== key.organization.id && params.id !== key.organization.slug) {
    throw new ApiError(
      "organization_mismatch",
      `This key belongs to organization ${key.organization.id} (${key.organization.slug}) and can't read another organization. Use a key created in that organization.`,
    );
  }
  return json({ id: key.organization.id, object: "organization", name: key.organization.name, slug: key.organization.slug });
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
