import "server-only";
import pg from "pg";
import { postgresPool, sql } from "@/lib/db";
import { env } from "@/lib/env";
import { keyCache } from "./cache";

export type Invalidation = {
  keyHashes?: string[];
  members?: { organizationId: string; userId: string }[];
};

export const INVALIDATION_CHANNEL = "paygentic_api_key_invalidation";
// NOTIFY payloads are limited to 8000 bytes; 64-char hashes in batches of 60 stay well below.
const HASHES_PER_NOTIFY = 60;

function applyLocally(invalidation: Invalidation): void {
  if (invalidation.keyHashes?.length) keyCache.invalidateHashes(invalidation.keyHashes);
  for (const m of invalidation.members ?? []) keyCache.invalidateMember(m.organizationId, m.userId);
}

/**
 * Call after the change is committed. This process forgets the affected keys before returning;
 * every other instance on the same PostgreSQL database hears it through NOTIFY.
 */
export async function publishInvalidation(invalidation: Invalidation): Promise<void> {
  applyLocally(invalidation);
  if (!postgresPool()) return;
  const payloads: Invalidation[] = [];
  const hashes = invalidation.keyHashes ?? [];
  for (let i = 0; i < hashes.length; i += HASHES_PER_NOTIFY) payloads.push({ keyHashes: hashes.slice(i, i + HASHES_PER_NOTIFY) });
  if (invalidation.members?.length) payloads.push({ members: invalidation.members });
  try {
    for (const payload of payloads) {
      await sql().query("SELECT pg_notify($1, $2)", [INVALIDATION_CHANNEL, JSON.stringify(payload)]);
    }
  } catch (error) {
    // The change is committed; other instances' positive TTL and their own reconnect logic bound
    // the exposure. Say so loudly rather than failing the revoke that already happened.
    console.error(`[api-keys] could not notify other instances: ${error instanceof Error ? error.message : error}`);
  }
}

type ListenerState = { client: pg.Client | null; starting: boolean; retryMs: number; stopped: boolean };
const store = globalThis as typeof globalThis & { __paygenticListener?: ListenerState };

/**
 * Subscribes this instance to other instances' invalidations on a dedicated connection. Until the
 * subscription is up (and whenever it drops) the cache is bypassed: a missed notification must
 * never let a revoked key through.
 */
export function ensureInvalidationListener(): void {
  const url = env().databaseUrl;
  if (!url) return;
  store.__paygenticListener ??= { client: null, starting: false, retryMs: 250, stopped: false };
  const state = store.__paygenticListener;
  if (state.client || state.starting || state.stopped) return;
  state.starting = true;
  keyCache.disable();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, keepAlive: true });
  const fail = () => {
    if (state.client === client) state.client = null;
    state.starting = false;
    keyCache.disable();
    client.removeAllListeners();
    client.on("error", () => {});
    client.end().catch(() => {});
    if (state.stopped) return;
    const delay = state.retryMs;
    state.retryMs = Math.min(state.retryMs * 2, 5_000);
    setTimeout(ensureInvalidationListener, delay).unref();
  };
  client.on("error", fail);
  client.on("end", fail);
  client.on("notification", (message) => {
    if (message.channel !== INVALIDATION_CHANNEL || !message.payload) return;
    try {
      applyLocally(JSON.parse(message.payload) as Invalidation);
    } catch {
      keyCache.disable();
      keyCache.enable();
    }
  });
  client
    .connect()
    .then(() => client.query(`LISTEN ${INVALIDATION_CHANNEL}`))
    .then(() => {
      state.client = client;
      state.starting = false;
      state.retryMs = 250;
      keyCache.enable();
    })
    .catch(fail);
}

export async function stopInvalidationListener(): Promise<void> {
  const state = store.__paygenticListener;
  if (!state) return;
  state.stopped = true;
  const client = state.client;
  state.client = null;
  client?.removeAllListeners();
  client?.on("error", () => {});
  await client?.end().catch(() => {});
}

/** For tests and the failure drill: the subscription's connection, if any. */
export function invalidationListenerClient(): pg.Client | null {
  return store.__paygenticListener?.client ?? null;
}
