import { AccountError, type AccountErrorCode } from "@/lib/auth/accounts";
import { SessionEndedError } from "@/lib/auth/sessions";
import { ApiKeyError, type ApiKeyErrorCode } from "@/lib/domain/api-keys/store";
import { InvitationError, type InvitationErrorCode } from "@/lib/domain/members/invitations";
import { MemberError } from "@/lib/domain/members/members";
import { OrganizationError, type OrganizationErrorCode } from "@/lib/domain/organizations/organizations";
import { IdempotencyConflictError } from "@/lib/domain/usage";
import { Prisma } from "@/lib/generated/prisma/client";
import { ConfigError } from "@/lib/platform/config";
import { InvalidCursorError } from "@/lib/platform/cursor";
import { DatabaseUnavailableError, isDatabaseUnavailable } from "@/lib/platform/db/errors";
import { DatabaseLockedError } from "@/lib/platform/db/lock";
import type { Logger } from "@/lib/platform/logger";
import { runtime } from "@/lib/platform/runtime";
import { logSafe } from "@/lib/validation";
import { ApiError, errorResponse } from "./errors";

// The one place where a thrown error becomes an API answer: handlers and lib throw typed errors
// and contain no try/catch of their own. Each domain class has a row in DOMAIN_ERRORS, each code a
// row in its Record (a new code is a type error here); tests/unit/error-mapper.test.ts fails when
// a class in lib/domain, lib/auth or lib/platform has none.

export function serviceUnavailable(): ApiError {
  return new ApiError("service_unavailable", "The service can't reach its database right now, so nothing was done. Retry in a few seconds.", {
    headers: { "Retry-After": "5" },
  });
}

const API_KEY_ERRORS: Record<ApiKeyErrorCode, (error: ApiKeyError) => ApiError> = {
  not_found: () => new ApiError("resource_missing", "No such API key in your organization. Check the id: GET /api/v1/api-keys lists your keys."),
  // The store says which check failed: the role, the key's restriction, an owner's key, a rolled key.
  forbidden: (error) => new ApiError("insufficient_permissions", error.message),
  already_revoked: (error) => new ApiError("invalid_request", error.message.replace("Refresh the list.", "Nothing to do.")),
  limit_reached: (error) => new ApiError("invalid_request", error.message),
  already_rolled: (error) => new ApiError("invalid_request", error.message.replace(" Refresh the list.", "")),
  expired: (error) => new ApiError("invalid_request", error.message),
  invalid: (error) => new ApiError("invalid_request", error.message),
};

const MEMBER_ERRORS: Record<MemberError["code"], ApiError["code"]> = {
  not_found: "resource_missing",
  forbidden: "insufficient_permissions",
  last_owner: "invalid_request",
  self: "invalid_request",
};

const INVITATION_ERRORS: Record<InvitationErrorCode, ApiError["code"]> = {
  forbidden: "insufficient_permissions",
  inviter_not_allowed: "insufficient_permissions",
  not_found: "resource_missing",
  rate_limited: "rate_limited",
  already_member: "invalid_request",
  already_invited: "invalid_request",
  limit_reached: "invalid_request",
  expired: "invalid_request",
  accepted: "invalid_request",
  revoked: "invalid_request",
  email_mismatch: "invalid_request",
  join_refused: "invalid_request",
};

const ACCOUNT_ERRORS: Record<AccountErrorCode, ApiError["code"]> = {
  not_found: "resource_missing",
  rate_limited: "rate_limited",
  signup_closed: "insufficient_permissions",
  wrong_password: "invalid_request",
  weak_password: "invalid_request",
  email_taken: "invalid_request",
  invalid: "invalid_request",
};

const ORGANIZATION_ERRORS: Record<OrganizationErrorCode, ApiError["code"]> = {
  invalid: "invalid_request",
  slug_taken: "invalid_request",
  limit_reached: "invalid_request",
};

/** A domain error class and its answer; `codes` lists the codes a coded class can carry (the coverage test tries each). */
export type ErrorMapping = {
  type: abstract new (...args: never[]) => Error;
  codes?: readonly string[];
  map(error: Error): ApiError;
};

function mapping<E extends Error>(type: abstract new (...args: never[]) => E, map: (error: E) => ApiError, codes?: object): ErrorMapping {
  return { type, map: map as (error: Error) => ApiError, codes: codes && Object.keys(codes) };
}

/** Operator faults (config, a held lock) are logged like a bug but answered as "can't serve right now". */
function operatorFault(error: Error, logger: Logger): ApiError {
  logger.error(`[api] ${error.name}: ${logSafe(error)}`);
  return new ApiError("service_unavailable", "The service is not able to serve requests right now. Retry later.", { headers: { "Retry-After": "30" } });
}

export const DOMAIN_ERRORS: readonly ErrorMapping[] = [
  mapping(ApiKeyError, (error) => API_KEY_ERRORS[error.code](error), API_KEY_ERRORS),
  mapping(MemberError, (error) => new ApiError(MEMBER_ERRORS[error.code], error.message), MEMBER_ERRORS),
  mapping(InvitationError, (error) => new ApiError(INVITATION_ERRORS[error.code], error.message), INVITATION_ERRORS),
  mapping(AccountError, (error) => new ApiError(ACCOUNT_ERRORS[error.code], error.message), ACCOUNT_ERRORS),
  mapping(OrganizationError, (error) => new ApiError(ORGANIZATION_ERRORS[error.code], error.message), ORGANIZATION_ERRORS),
  mapping(
    InvalidCursorError,
    (error) => new ApiError("invalid_request", error.message, { issues: [{ path: error.field, message: "Invalid cursor", code: "invalid_cursor" }] }),
  ),
  mapping(
    IdempotencyConflictError,
    () =>
      new ApiError(
        "idempotency_error",
        "This Idempotency-Key was already used with a different request body. Send a new Idempotency-Key for a new event.",
      ),
  ),
  mapping(DatabaseUnavailableError, () => serviceUnavailable()),
  // The API authenticates by key, never by session: a session check reached from a route is refused as unauthenticated.
  mapping(SessionEndedError, () => new ApiError("missing_api_key", "This endpoint takes an API key (`Authorization: Bearer sk_live_…`), not a dashboard session.")),
  mapping(ConfigError, (error) => operatorFault(error, runtime().logger)),
  mapping(DatabaseLockedError, (error) => operatorFault(error, runtime().logger)),
];

// Prisma's known request errors that a query can raise in normal use (a row gone between read and
// write, a unique value taken by a concurrent request).
const PRISMA_ERRORS: Record<string, () => ApiError> = {
  P2025: () => new ApiError("resource_missing", "No such object in your organization (it may just have been deleted). Check the id."),
  P2002: () => new ApiError("invalid_request", "That value is already taken (a concurrent request may have used it). Choose another and retry."),
};

/** The API answer for a known error; anything else is returned unchanged. */
export function fromDomainError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  for (const { type, map } of DOMAIN_ERRORS) if (error instanceof type) return map(error);
  if (error instanceof Prisma.PrismaClientKnownRequestError && !isDatabaseUnavailable(error)) return PRISMA_ERRORS[error.code]?.() ?? error;
  return error;
}

/** Maps anything a handler throws to the error model; never a stack trace, never a 200 by accident. */
export function toErrorResponse(error: unknown, id: string, origin: string, logger?: Logger): Response {
  const mapped = fromDomainError(error);
  if (mapped instanceof ApiError) return errorResponse(mapped, id, origin);
  if (isDatabaseUnavailable(mapped)) return errorResponse(serviceUnavailable(), id, origin);
  (logger ?? runtime().logger).error(`[api] ${id} unhandled error: ${logSafe(mapped)}`);
  return errorResponse(new ApiError("internal_error", `Something went wrong on our side. Retry; if it persists, contact support with request id ${id}.`), id, origin);
}
