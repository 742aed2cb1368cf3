import type { NextRequest } from "next/server";
import { ApiError, errorResponse } from "@/lib/api/errors";
import { requestId } from "@/lib/request-id";

function notFound(request: NextRequest) {
  return errorResponse(
    new ApiError("resource_missing", `There is no ${request.method} ${request.nextUrl.pathname} route. See the API reference for the routes.`),
    requestId(request),
    request.nextUrl.origin,
  );
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
