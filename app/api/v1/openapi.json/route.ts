import { API } from "@/lib/http/endpoints";
import { openApiDocument } from "@/lib/http/openapi";
import { route } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE } = route(API.openapi, {
  GET: ({ request }) => openApiDocument(new URL(request.url).origin),
});
