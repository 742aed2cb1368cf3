import { API } from "@/lib/api/endpoints";
import { route } from "@/lib/api/with-api-key";

// The cheapest authenticated route: verification (usually a cache hit) and nothing else.
export const { GET, POST, PUT, PATCH, DELETE } = route(API.ping, {
  GET: () => ({ ok: true }),
});
