import { API } from "@/lib/http/endpoints";
import { ApiError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

function notFound({ request }: { request: Request }): never {
  const { pathname } = new URL(request.url);
  throw new ApiError("resource_missing", `There is no ${request.method} ${pathname} route. See the API reference for the routes.`);
}

export const { GET, POST, PUT, PATCH, DELETE } = route(API.notFound, { GET: notFound, POST: notFound, PUT: notFound, PATCH: notFound, DELETE: notFound });
