import type { NextRequest } from "next/server";
import { requestId } from "@/lib/request-id";
import { ApiError, errorResponse } from "./errors";

/** A JSON 405 (with Allow and X-Request-Id) instead of Next's empty one, for the methods a route lacks. */
export function methodNotAllowed(allow: string) {
  return function notAllowed(request: NextRequest): Response {
    return errorResponse(
      new ApiError("method_not_allowed", `${request.method} is not supported on ${request.nextUrl.pathname}. Use ${allow}.`, {
        headers: { Allow: allow },
      }),
      requestId(request),
      request.nextUrl.origin,
    );
  };
}
