import { decodeCursor, encodeCursor } from "@/lib/platform/cursor";
import { API } from "@/lib/http/endpoints";
import { listObject, usageEventObject } from "@/lib/http/serializers";
import { route } from "@/lib/http/route";
import { listUsageEvents, recordUsageEvent } from "@/lib/domain/usage";

// A test key (sk_test_) reads and writes only test-mode data, a live key only live data.
export const { GET, POST, PUT, PATCH, DELETE } = route(API.usageEvents, {
  GET: async ({ key, query }) => {
    const { rows, hasMore } = await listUsageEvents({
      organizationId: key.organization.id,
      livemode: key.livemode,
      limit: query.limit,
      after: decodeCursor(query.starting_after),
    });
    const last = rows.at(-1);
    return listObject(rows.map(usageEventObject), hasMore, last ? encodeCursor(last.timestamp, last.id) : null);
  },
  POST: async ({ key, headers, body, responseHeaders }) => {
    const { event, replayed } = await recordUsageEvent({
      organizationId: key.organization.id,
      apiKeyId: key.keyId,
      livemode: key.livemode,
      input: body,
      idempotencyKey: headers["Idempotency-Key"],
    });
    if (replayed) responseHeaders.set("Idempotent-Replayed", "true");
    return usageEventObject(event);
  },
});
