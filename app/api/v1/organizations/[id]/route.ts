import { API } from "@/lib/http/endpoints";
import { ApiError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE } = route(API.organization, {
  GET: ({ key, params }) => {
    if (params.id !== key.organization.id && params.id !== key.organization.slug) {
      throw new ApiError(
        "organization_mismatch",
        `This key belongs to organization ${key.organization.id} (${key.organization.slug}) and can't read another organization. Use a key created in that organization.`,
      );
    }
    return { id: key.organization.id, object: "organization", name: key.organization.name, slug: key.organization.slug };
  },
});
