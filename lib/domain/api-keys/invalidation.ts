import "server-only";
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Database } from "@/lib/platform/db/database";
import type { Logger } from "@/lib/platform/logger";
import type { KeyCache } from "./cache";

export type Invalidation = {
  keyHashes?: string[];
  members?: { organizationId: string; userId: string }[];
};

export const INVALIDATION_CHANNEL = "paygentic_api_key_invalidation";
// NOTIFY payloads are limited to 8000 bytes; 64-char hashes in batches of 60 stay well below.
const HASHES_PER_NOTIFY = 60;

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

/**
 * How invalidations travel: applied to this runtime's cache at once, and to every other instance
 * on the same PostgreSQL database through NOTIFY, heard by a dedicated LISTEN connection.
 */
export type InvalidationBus = {
  /**
   * Call after the change is committed. This runtime forgets the affected keys before returning;
   * every other instance on the same PostgreSQL database hears it through NOTIFY.
   */
  publish(invalidation: Invalidation): Promise<void>;
  /**
   * Subscribes to other instances' invalidations on a dedicated connection. Until the subscription
   * is up (and whenever it drops, loudly or silently) the cache is bypassed: a missed notification
   * must never let a revoked key through.
   */
  ensureListener(): void;
  stop(): Promise<void>;
  /** For tests and the failure drill: the subscription's connection, if any. */
  client(): pg.Client | null;
};

export function createInvalidationBus(deps: { databaseUrl: string | undefined; database: Database; keyCache: KeyCache; logger: Logger }): InvalidationBus {
  const { databaseUrl, database, keyCache, logger } = deps;
  let client: pg.Client | null = null;
  let starting = false;
  let retryMs = RETRY_MIN_MS;
  let stopped = false;
  // This runtime's own heartbeat channel: other instances never hear (or answer) its echoes.
  const heartbeatChannel = `paygentic_listener_${randomBytes(8).toString("hex")}`;
  let heartbeatTimer: NodeJS.Timeout | undefined;

  function applyLocally(invalidation: Invalidation): void {
    if (invalidation.keyHashes?.length) keyCache.invalidateHashes(invalidation.keyHashes);
    for (const m of invalidation.members ?? []) keyCache.invalidateMember(m.organizationId, m.userId);
  }

  async function publish(invalidation: Invalidation): Promise<void> {
    applyLocally(invalidation);
    if (!databaseUrl) return;
    const payloads: Invalidation[] = [];
    const hashes = invalidation.keyHashes ?? [];
    for (let i = 0; i < hashes.length; i += HASHES_PER_NOTIFY) payloads.push({ keyHashes: hashes.slice(i, i + HASHES_PER_NOTIFY) });
    if (invalidation.members?.length) payloads.push({ members: invalidation.members });
    try {
      for (const payload of payloads) {
        await database.sql().query("SELECT pg_notify($1, $2)", [INVALIDATION_CHANNEL, JSON.stringify(payload)]);
      }
    } catch (error) {
      // The change is committed; other instances' positive TTL and their own reconnect logic bound
      // the exposure. Say so loudly rather than failing the revoke that already happened.
      logger.error(`[api-keys] could not notify other instances: ${error instanceof Error ? error.message : error}`);
    }
  }

  function ensureListener(): void {
    if (!databaseUrl || client || starting || stopped) return;
    starting = true;
    keyCache.disable();
    const connection = new pg.Client({
      connectionString: databaseUrl,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
    });
    let beats = 0;
    let failed = false;
    // connect() has its own timeout; a LISTEN that never answers would leave the cache off for good.
    const subscribing = setTimeout(() => fail(), CONNECT_TIMEOUT_MS + HEARTBEAT_TIMEOUT_MS).unref();
    const fail = () => {
      // Once per connection: a late rejection of its last query must not touch its successor's state.
      if (failed) return;
      failed = true;
      clearTimeout(subscribing);
      if (client === connection) client = null;
      starting = false;
      clearTimeout(heartbeatTimer);
      keyCache.disable();
      connection.removeAllListeners();
      connection.on("error", () => {});
      // Not end(): on a connection that silently died, a polite goodbye waits forever.
      connection.connection.stream.destroy();
      if (stopped) return;
      const delay = retryMs;
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      setTimeout(ensureListener, delay).unref();
    };
    const beat = () => {
      const payload = String(++beats);
      heartbeatTimer = setTimeout(fail, HEARTBEAT_TIMEOUT_MS).unref();
      connection.query(`NOTIFY ${heartbeatChannel}, '${payload}'`).catch(fail);
    };
    connection.on("error", fail);
    connection.on("end", fail);
    connection.on("notification", (message) => {
      if (message.channel === heartbeatChannel) {
        if (message.payload !== String(beats)) return;
        clearTimeout(heartbeatTimer);
        heartbeatTimer = setTimeout(beat, HEARTBEAT_INTERVAL_MS).unref();
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
    connection
      .connect()
      .then(() => connection.query(`LISTEN ${INVALIDATION_CHANNEL}; LISTEN ${heartbeatChannel}`))
      .then(() => {
        clearTimeout(subscribing);
        // The reply and a FATAL error can arrive in one read: the error handler has run already,
        // and a dead connection must not switch the cache back on.
        if (failed) return;
        if (stopped) return fail();
        client = connection;
        starting = false;
        retryMs = RETRY_MIN_MS;
        keyCache.enable();
        beat();
      })
      .catch(fail);
  }

  async function stop(): Promise<void> {
    stopped = true;
    clearTimeout(heartbeatTimer);
    // Nobody listens from now on: a runtime used after close() must check every key against the
    // database rather than trust entries no invalidation can reach any more.
    if (databaseUrl) keyCache.disable();
    const connection = client;
    client = null;
    if (!connection) return;
    connection.removeAllListeners();
    connection.on("error", () => {});
    // A goodbye to a live server, but never a wait on a dead one.
    const gone = setTimeout(() => connection.connection.stream.destroy(), 1_000).unref();
    await connection.end().catch(() => {});
    clearTimeout(gone);
  }

  return { publish, ensureListener, stop, client: () => client };
}
