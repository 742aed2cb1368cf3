import { methodNotAllowed } from "@/lib/api/method-not-allowed";
import { json, withApiKey } from "@/lib/api/with-api-key";

// The cheapest authenticated route: verification (usually a cache hit) and nothing else.
export const GET = withApiKey({}, () => json({ ok: true }));

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
