import { API } from "@/lib/http/endpoints";
import { route } from "@/lib/http/route";

// The cheapest authenticated route: verification (usually a cache hit) and nothing else.
export const { GET, POST, PUT, PATCH, DELETE } = route(API.ping, {
  GET: () => ({ ok: true }),
});
