// Better Auth with its API-key plugin, set up as its documentation shows (installation, Next.js
// integration, PostgreSQL through `pg`, the api-key plugin, Redis as secondary storage). One build,
// three configurations chosen at start-up by PEER_MODE:
//
//   defaults  the plugin's defaults (keys in PostgreSQL, per-key rate limiting on). Its default limit
//             is 10 requests per key per day, which a benchmark exhausts in a millisecond: the limit
//             is raised (maxRequests) so the same work runs on every request and no key is refused.
//   redis     its documented speed configuration: `storage: "secondary-storage"` on Redis (the same
//             machine's), rate limiting off. Each verification: Redis GET, then GET + SET (lastRequest).
//   deferred  as redis, plus `deferUpdates: true` with Next's `after()` as the background-task
//             handler: the lastRequest write leaves the response path.
import { apiKey } from "@better-auth/api-key";
import { betterAuth, type BetterAuthOptions } from "better-auth";
import { after } from "next/server";
import { Pool } from "pg";
import { redisStorage } from "@better-auth/redis-storage";
import { Redis } from "ioredis";

export type PeerMode = "defaults" | "redis" | "deferred";
const MODES: PeerMode[] = ["defaults", "redis", "deferred"];

function mode(): PeerMode {
  const m = (process.env.PEER_MODE ?? "defaults") as PeerMode;
  if (!MODES.includes(m)) throw new Error(`PEER_MODE must be one of ${MODES.join(", ")}`);
  return m;
}

/** Better Auth's Redis secondary storage (@better-auth/redis-storage on ioredis), keys under PEER_REDIS_PREFIX. */
function secondaryStorage() {
  const client = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  return redisStorage({ client, keyPrefix: process.env.PEER_REDIS_PREFIX || "better-auth:" });
}

export function createAuth(options: { background?: boolean } = {}) {
  const m = mode();
  const secondary = m === "redis" || m === "deferred";
  return betterAuth({
    baseURL: process.env.BETTER_AUTH_URL || undefined,
    database: new Pool({ connectionString: process.env.DATABASE_URL }),
    emailAndPassword: { enabled: true },
    ...(secondary ? { secondaryStorage: secondaryStorage() } : {}),
    ...(m === "deferred" && options.background !== false ? { advanced: { backgroundTasks: { handler: (p: Promise<unknown>) => after(p) } } } : {}),
    plugins: [
      apiKey(
        m === "defaults"
          ? { rateLimit: { enabled: true, maxRequests: 1_000_000_000 } }
          : { storage: "secondary-storage", rateLimit: { enabled: false }, deferUpdates: m === "deferred" },
      ),
    ],
  });
}

const globalForAuth = globalThis as unknown as { peerAuth?: ReturnType<typeof createAuth> };
export function auth() {
  globalForAuth.peerAuth ??= createAuth();
  return globalForAuth.peerAuth;
}
