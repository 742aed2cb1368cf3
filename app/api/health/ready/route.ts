import { API } from "@/lib/api/endpoints";
import { route } from "@/lib/api/with-api-key";
import { ensureDatabase, sql } from "@/lib/db";

export const dynamic = "force-dynamic";

const TIMEOUT_MS = 2_000;

// Readiness: 200 only when the database answers (and is migrated) within the timeout. The 503 is
// for load balancers, not API clients: a plain status body rather than the error model.
export const { GET, POST, PUT, PATCH, DELETE } = route(API.ready, {
  GET: async () => {
    try {
      await Promise.race([
        ensureDatabase().then(() => sql().query("SELECT 1")),
        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), TIMEOUT_MS).unref()),
      ]);
      return { status: "ok", database: "ok" } as const;
    } catch {
      return Response.json({ status: "unavailable", database: "unreachable" }, { status: 503, headers: { "Cache-Control": "no-store" } });
    }
  },
});
