import { randomUUID } from "node:crypto";

const INCOMING = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keeps a well-formed X-Request-Id from a proxy (for log correlation), else makes one. */
export function requestId(request: Request): string {
  const incoming = request.headers.get("x-request-id");
  return incoming && INCOMING.test(incoming) ? incoming : `req_${randomUUID().replace(/-/g, "")}`;
}
