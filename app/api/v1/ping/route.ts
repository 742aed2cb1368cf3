import { json, withApiKey } from "@/lib/api/with-api-key";

// The cheapest authenticated route: verification (usually a cache hit) and nothing else.
export const GET = withApiKey({}, () => json({ ok: true }));
