import { methodNotAllowed } from "@/lib/api/method-not-allowed";
import { decodeCursor, encodeCursor } from "@/lib/api/cursor";
import { ApiError, invalidRequest } from "@/lib/api/errors";
import { createUsageEventSchema, listQuerySchema } from "@/lib/api/schemas";
import { listObject, usageEventObject } from "@/lib/api/serializers";
import { json, withApiKey } from "@/lib/api/with-api-key";
import { IdempotencyConflictError, listUsageEvents, recordUsageEvent } from "@/lib/usage";
import { readJson, searchParamsObject } from "@/lib/api/request";

// A test key (sk_test_) reads and writes only test-mode data, a live key only live data.
export const GET = withApiKey({ permission: "usage:read" }, async (request, { key }) => {
  const query = listQuerySchema.safeParse(searchParamsObject(request));
  if (!query.success) throw invalidRequest(query.error, "query");
  const { rows, hasMore } = await listUsageEvents({
    organizationId: key.organization.id,
    livemode: key.livemode,
    limit: query.data.limit,
    after: decodeCursor(query.data.starting_after),
  });
  const last = rows.at(-1);
  return json(listObject(rows.map(usageEventObject), hasMore, last ? encodeCursor(last.timestamp, last.id) : null));
});

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export const POST = withApiKey({ permission: "usage:write" }, async (request, { key }) => {
  const idempotencyKey = request.headers.get("idempotency-key") ?? undefined;
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new ApiError("invalid_request", "Idempotency-Key must be 1–255 visible ASCII characters, e.g. a UUID.", {
      issues: [{ path: "Idempotency-Key", message: "Invalid header", code: "invalid_header" }],
    });
  }
  const body = createUsageEventSchema.safeParse(await readJson(request));
  if (!body.success) throw invalidRequest(body.error, "body");
  try {
    const { event, replayed } = await recordUsageEvent({
      organizationId: key.organization.id,
      apiKeyId: key.keyId,
      livemode: key.livemode,
      input: body.data,
      idempotencyKey,
    });
    return json(usageEventObject(event), { status: 201, headers: replayed ? { "Idempotent-Replayed": "true" } : {} });
  } catch (error) {
    if (error instanceof IdempotencyConflictError) {
      throw new ApiError(
        "idempotency_error",
        "This Idempotency-Key was already used with a different request body. Send a new Idempotency-Key for a new event.",
      );
    }
    throw error;
  }
});

const notAllowed = methodNotAllowed("GET, POST");
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
