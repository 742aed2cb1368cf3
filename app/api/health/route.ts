import { API } from "@/lib/http/endpoints";
import { route } from "@/lib/http/route";

// Liveness: answers without touching the database, so a slow database never restarts the process.
export const { GET, POST, PUT, PATCH, DELETE } = route(API.health, {
  GET: () => ({ status: "ok" }),
});
