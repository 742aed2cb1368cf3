import type { NextRequest } from "next/server";
import { openApiDocument } from "@/lib/api/openapi";
import { requestId } from "@/lib/request-id";

export function GET(request: NextRequest) {
  return Response.json(openApiDocument(request.nextUrl.origin), {
    headers: { "X-Request-Id": requestId(request), "Cache-Control": "public, max-age=300" },
  });
}
