import "server-only";
import { randomBytes } from "node:crypto";
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

// A connection can die without a word: a NAT or firewall that forgets an idle flow drops its
// packets without closing anything, so neither `error` nor `end` ever fires, and TCP keep-alive
// notices only after minutes. So the listener NOTIFYs itself on a channel of its own every
// HEARTBEAT_INTERVAL_MS; an echo missing for HEARTBEAT_TIMEOUT_MS means the subscription is lost.
// A revocation missed meanwhile is then caught by the database: the cache is dropped on the spot,
// at most interval + timeout (5 s) after the connection died.
const HEARTBEAT_INTERVAL_MS = 2_000;
const HEARTBEAT_TIMEOUT_MS = 3_000;
const CONNECT_TIMEOUT_MS = 5_000;
const KEEPALIVE_INITIAL_DELAY_MS = 5_000;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

type ListenerState = {
  client: pg.Client | null;
  starting: boolean;
  retryMs: number;
  stopped: boolean;
  /** This process's own heartbeat channel: other instances never hear (or answer) its echoes. */
  heartbeatChannel: string;
  heartbeatTimer: NodeJS.Timeout | undefined;
};
const store = globalThis as typeof globalThis & { __paygenticListener?: ListenerState };

/**
 * Subscribes this instance to other instances' invalidations on a dedicated connection. Until the
 * subscription is up (and whenever it drops, loudly or silently) the cache is bypassed: a missed
 * notification must never let a revoked key through.
 */
export function ensureInvalidationListener(): void {
  const url = env().databaseUrl;
  if (!url) return;
  store.__paygenticListener ??= {
    client: null,
    starting: false,
    retryMs: RETRY_MIN_MS,
    stopped: false,
    heartbeatChannel: `paygentic_listener_${randomBytes(8).toString("hex")}`,
    heartbeatTimer: undefined,
  };
  const state = store.__paygenticListener;
  if (state.client || state.starting || state.stopped) return;
  state.starting = true;
  keyCache.disable();
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
  });
  let beats = 0;
  let failed = false;
  const fail = () => {
    // Once per connection: a late rejection of its last query must not touch its successor's state.
    if (failed) return;
    failed = true;
    if (state.client === client) state.client = null;
    state.starting = false;
    clearTimeout(state.heartbeatTimer);
    keyCache.disable();
    client.removeAllListeners();
    client.on("error", () => {});
    // Not end(): on a connection that silently died, a polite goodbye waits forever.
    client.connection.stream.destroy();
    if (state.stopped) return;
    const delay = state.retryMs;
    state.retryMs = Math.min(state.retryMs * 2, RETRY_MAX_MS);
    setTimeout(ensureInvalidationListener, delay).unref();
  };
  const beat = () => {
    const payload = String(++beats);
    state.heartbeatTimer = setTimeout(fail, HEARTBEAT_TIMEOUT_MS).unref();
    client.query(`NOTIFY ${state.heartbeatChannel}, '${payload}'`).catch(fail);
  };
  client.on("error", fail);
  client.on("end", fail);
  client.on("notification", (message) => {
    if (message.channel === state.heartbeatChannel) {
      if (message.payload !== String(beats)) return;
      clearTimeout(state.heartbeatTimer);
      state.heartbeatTimer = setTimeout(beat, HEARTBEAT_INTERVAL_MS).unref();
      return;
    }
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
    .then(() => client.query(`LISTEN ${INVALIDATION_CHANNEL}; LISTEN ${state.heartbeatChannel}`))
    .then(() => {
      if (state.stopped) return fail();
      state.client = client;
      state.starting = false;
      state.retryMs = RETRY_MIN_MS;
      keyCache.enable();
      beat();
    })
    .catch(fail);
}

export async function stopInvalidationListener(): Promise<void> {
  const state = store.__paygenticListener;
  if (!state) return;
  state.stopped = true;
  clearTimeout(state.heartbeatTimer);
  const client = state.client;
  state.client = null;
  if (!client) return;
  client.removeAllListeners();
  client.on("error", () => {});
  // A goodbye to a live server, but never a wait on a dead one.
  const gone = setTimeout(() => client.connection.stream.destroy(), 1_000).unref();
  await client.end().catch(() => {});
  clearTimeout(gone);
}

/** For tests and the failure drill: the subscription's connection, if any. */
export function invalidationListenerClient(): pg.Client | null {
  return store.__paygenticListener?.client ?? null;
}
