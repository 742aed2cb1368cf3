import { methodNotAllowed } from "@/lib/api/method-not-allowed";
import type { NextRequest } from "next/server";
import { createLimiter, isRateLimited } from "@/lib/rate-limit";
import { ApiError, invalidRequest } from "@/lib/api/errors";
import { readJson } from "@/lib/api/request";
import { exposedKeySchema } from "@/lib/api/schemas";
import { json, toErrorResponse, withDatabase } from "@/lib/api/with-api-key";
import { parseApiKey } from "@/lib/api-keys/format";
import { revokeExposedKey } from "@/lib/api-keys/store";
import { clientIp, userAgent } from "@/lib/request-info";
import { requestId } from "@/lib/request-id";

// One answer whatever the key was (active, revoked, unknown, malformed): a reporter, or someone
// testing stolen keys, learns nothing from it.
const ACCEPTED = { object: "exposure_report", status: "received" } as const;

let limiter: ReturnType<typeof createLimiter> | undefined;

export async function POST(request: NextRequest) {
  const id = requestId(request);
  const ip = clientIp(request.headers);
  try {
    limiter ??= createLimiter({ keyPrefix: "exposed", points: 30, duration: 60 });
    try {
      await limiter.consume(ip);
    } catch (error) {
      if (!isRateLimited(error)) throw error;
      const seconds = Math.ceil(error.msBeforeNext / 1000);
      throw new ApiError("rate_limited", `Too many reports from your address. Retry in ${seconds} seconds.`, {
        headers: { "Retry-After": String(seconds) },
      });
    }
    const body = exposedKeySchema.safeParse(await readJson(request));
    if (!body.success) throw invalidRequest(body.error, "body");
    const parsed = parseApiKey(body.data.key.trim());
    if (parsed.ok) await withDatabase(() => revokeExposedKey(parsed.key, { ip, userAgent: userAgent(request.headers) }));
    return json(ACCEPTED, { status: 202, headers: { "X-Request-Id": id } });
  } catch (error) {
    return toErrorResponse(error, id, request.nextUrl.origin);
  }
}

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
