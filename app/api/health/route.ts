import { API } from "@/lib/api/endpoints";
import { route } from "@/lib/api/with-api-key";

// Liveness: answers without touching the database, so a slow database never restarts the process.
export const { GET, POST, PUT, PATCH, DELETE } = route(API.health, {
  GET: () => ({ status: "ok" }),
});
