import type { z } from "zod";

/** The API's error model: every error is `{ error: { type, code, message, request_id, doc_url } }`. */
export const API_ERRORS = {
  missing_api_key: { status: 401, type: "authentication_error" },
  malformed_api_key: { status: 401, type: "authentication_error" },
  invalid_api_key: { status: 401, type: "authentication_error" },
  revoked_api_key: { status: 401, type: "authentication_error" },
  expired_api_key: { status: 401, type: "authentication_error" },
  insufficient_permissions: { status: 403, type: "permission_error" },
  organization_mismatch: { status: 403, type: "permission_error" },
  invalid_request: { status: 400, type: "invalid_request_error" },
  idempotency_error: { status: 400, type: "idempotency_error" },
  request_too_large: { status: 413, type: "invalid_request_error" },
  resource_missing: { status: 404, type: "invalid_request_error" },
  method_not_allowed: { status: 405, type: "invalid_request_error" },
  rate_limited: { status: 429, type: "rate_limit_error" },
  service_unavailable: { status: 503, type: "api_error" },
  internal_error: { status: 500, type: "api_error" },
} as const satisfies Record<string, { status: number; type: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** What each code means and what to do about it: the docs page and the OpenAPI document use this. */
export const API_ERROR_HELP: Record<ApiErrorCode, string> = {
  missing_api_key: "No Authorization header. Send `Authorization: Bearer sk_live_…` with a key from Settings → API Keys.",
  malformed_api_key:
    "The header is not `Bearer <key>`, or the key is not a Paygentic key (wrong length, characters or checksum). Copy the key again; it looks like `sk_live_` or `sk_test_` followed by 38 letters and digits.",
  invalid_api_key: "The key is well-formed but unknown. Check you copied the whole key and that you use the right environment's key.",
  revoked_api_key: "The key was revoked. Create a new key in Settings → API Keys and replace it in your application.",
  expired_api_key: "The key is past its expiry. Create a new key in Settings → API Keys.",
  insufficient_permissions:
    "The key's owner lacks the permission this route needs in the organization. Ask an organization admin for a role that has it; the key follows the new role at once.",
  organization_mismatch: "The resource belongs to another organization. A key only reaches its own organization's data.",
  invalid_request: "The query, a header or the body failed validation; `issues` lists each problem and where it is.",
  idempotency_error: "This Idempotency-Key was already used with a different request body. Use a new key for a new request.",
  request_too_large: "The request body is larger than 64 KB. Send one object per request, without padding; the API reads no further than the limit.",
  resource_missing: "No such object in your organization. Check the id.",
  method_not_allowed: "The route exists but not with this HTTP method; the Allow header lists the ones it takes.",
  rate_limited: "Too many failed authentications from your address. Wait for the Retry-After seconds, then fix the key before retrying.",
  service_unavailable: "We could not reach the database to check your key. Nothing was done; retry after Retry-After seconds.",
  internal_error: "Something went wrong on our side. Retry; if it persists, contact support with the request_id.",
};

export type ApiIssue = { path: string; message: string; code: string };

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: { issues?: ApiIssue[]; headers?: Record<string, string> } = {},
  ) {
    // An ApiError is an answer, not a bug: no stack is ever shown or logged for it, and capturing
    // one was most of the rejection path's cost (bench/: ~24 µs of ~40 µs per malformed key).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = "ApiError";
  }
}

export function zodIssues(error: z.ZodError): ApiIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
    code: issue.code,
  }));
}

export function invalidRequest(error: z.ZodError, where: "body" | "query" | "headers"): ApiError {
  const issues = zodIssues(error);
  const first = issues[0];
  const summary = first ? `${first.path}: ${first.message}` : "invalid input";
  const subject = where === "headers" ? "request headers are" : `request ${where} is`;
  return new ApiError("invalid_request", `The ${subject} invalid (${summary}). Fix the listed issues and retry.`, { issues });
}

export const DOCS_PATH = "/docs/api";

export function errorResponse(error: ApiError, requestId: string, origin = ""): Response {
  const { status, type } = API_ERRORS[error.code];
  const headers = new Headers({
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    "X-Request-Id": requestId,
    ...error.extra.headers,
  });
  if (status === 401 && !headers.has("WWW-Authenticate")) {
    headers.set(
      "WWW-Authenticate",
      error.code === "missing_api_key"
        ? 'Bearer realm="api"'
        : `Bearer realm="api", error="invalid_token", error_description="${error.code}"`,
    );
  }
  const body = {
    error: {
      type,
      code: error.code,
      message: error.message,
      request_id: requestId,
      doc_url: `${origin}${DOCS_PATH}#${error.code}`,
      ...(error.extra.issues ? { issues: error.extra.issues } : {}),
    },
  };
  return new Response(JSON.stringify(body), { status, headers });
}
