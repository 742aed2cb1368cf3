import { ApiError } from "@/lib/http/errors";
import { API } from "@/lib/http/endpoints";
import { route } from "@/lib/http/route";
import { ensureDatabase, sql } from "@/lib/platform/runtime";

export const dynamic = "force-dynamic";

const TIMEOUT_MS = 2_000;

// Readiness: 200 only when the database answers (and is migrated) within the timeout; else 503 in
// the error model, like every other error (load balancers read the status).
export const { GET, POST, PUT, PATCH, DELETE } = route(API.ready, {
  GET: async () => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        ensureDatabase().then(() => sql().query("SELECT 1")),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), TIMEOUT_MS))),
      ]);
      return { status: "ok", database: "ok" } as const;
    } catch {
      throw new ApiError("service_unavailable", "The database isn't answering: take this instance out of the load balancer until it does.", {
        headers: { "Retry-After": "5" },
      });
    } finally {
      clearTimeout(timer);
    }
  },
});
