import { API } from "@/lib/http/endpoints";
import { route } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE } = route(API.me, {
  GET: ({ key }) => ({
    api_key: {
      id: key.keyId,
      object: "api_key",
      name: key.name,
      environment: key.environment,
      livemode: key.livemode,
      last4: key.last4,
      created_at: key.createdAt.toISOString(),
    },
    user: { id: key.user.id, email: key.user.email, name: key.user.name },
    organization: { id: key.organization.id, name: key.organization.name, slug: key.organization.slug },
    role: key.role,
    restrictions: key.restrictions,
    permissions: [...key.permissions],
  }),
});
