import { API } from "@/lib/api/endpoints";
import { route, withDatabase } from "@/lib/api/with-api-key";
import { parseApiKey } from "@/lib/api-keys/format";
import { revokeExposedKey } from "@/lib/api-keys/store";
import { userAgent } from "@/lib/request-info";

export const { GET, POST, PUT, PATCH, DELETE } = route(API.exposedKey, {
  // One answer whatever the key was (active, revoked, unknown, malformed): a reporter, or someone
  // testing stolen keys, learns nothing from it.
  POST: async ({ body, ip, request }) => {
    const parsed = parseApiKey(body.key.trim());
    if (parsed.ok) await withDatabase(() => revokeExposedKey(parsed.key, { ip, userAgent: userAgent(request.headers) }));
    return { object: "exposure_report", status: "received" } as const;
  },
});
