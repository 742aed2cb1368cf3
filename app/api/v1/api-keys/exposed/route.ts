import { API } from "@/lib/http/endpoints";
import { route, withDatabase } from "@/lib/http/route";
import { parseApiKey } from "@/lib/domain/api-keys/format";
import { revokeExposedKey } from "@/lib/domain/api-keys/store";
import { userAgent } from "@/lib/platform/request-info";

export const { GET, POST, PUT, PATCH, DELETE } = route(API.exposedKey, {
  // One answer whatever the key was (active, revoked, unknown, malformed): a reporter, or someone
  // testing stolen keys, learns nothing from it.
  POST: async ({ body, ip, request }) => {
    const parsed = parseApiKey(body.key.trim());
    if (parsed.ok) await withDatabase(() => revokeExposedKey(parsed.key, { ip, userAgent: userAgent(request.headers) }));
    return { object: "exposure_report", status: "received" } as const;
  },
});
