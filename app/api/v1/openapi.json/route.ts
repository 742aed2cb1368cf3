import { API } from "@/lib/api/endpoints";
import { openApiDocument } from "@/lib/api/openapi";
import { route } from "@/lib/api/with-api-key";

export const { GET, POST, PUT, PATCH, DELETE } = route(API.openapi, {
  GET: ({ request }) => openApiDocument(new URL(request.url).origin),
});
