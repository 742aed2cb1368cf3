import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as ready } from "@/app/api/health/ready/route";
import { GET as me } from "@/app/api/v1/me/route";
import { GET as ping } from "@/app/api/v1/ping/route";
import { ensureDatabase, invalidationListenerClient, runtime, verifyApiKey } from "@/lib/platform/runtime";
import { call, createKey, createMember, createOrganization, expectApiError, waitFor, waitForCacheEnabled, type TestKey } from "@/tests/helpers/fixtures";

// The database going away under a running instance: the app talks to PostgreSQL through a TCP
// proxy that the test cuts and restores. PostgreSQL only (PGlite is in-process and can't go away).
const target = process.env.DATABASE_URL ? new URL(process.env.DATABASE_URL) : null;

/** A TCP proxy to the database that can be cut (every connection dropped, new ones refused) and restored. */
class DatabaseProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly host: string, private readonly targetPort: number) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

describe.runIf(target)("the database lost while running (PostgreSQL)", () => {
  const proxy = new DatabaseProxy(target?.hostname ?? "", Number(target?.port || 5432));
  let key: TestKey;

  beforeAll(async () => {
    await proxy.start();
    const viaProxy = new URL(target!);
    viaProxy.hostname = "127.0.0.1";
    viaProxy.port = String(proxy.port);
    // Read by lib/env on first use, which is below.
    process.env.DATABASE_URL = viaProxy.toString();
    await ensureDatabase();
    const org = await createOrganization("Outage Org");
    const member = await createMember(org.id, "developer");
    key = await createKey(org.id, member.id);
  });

  afterAll(async () => {
    await runtime().close();
    await proxy.cut();
  });

  it("answers 503 for a cached key once the database is gone, and recovers when it is back", async () => {
    await waitForCacheEnabled();
    expect((await call(ping, { path: "/api/v1/ping", key: key.key })).status).toBe(200);
    expect((await verifyApiKey(key.key)).ok).toBe(true);
    const listener = invalidationListenerClient();
    expect(listener).not.toBeNull();

    await proxy.cut();
    // Losing the notification channel drops the cache: a revocation could now go unheard.
    await waitFor(() => !runtime().keyCache.isEnabled(), 5_000, "the cache to be disabled");

    for (const handler of [ping, me]) {
      const result = await call(handler, { path: "/api/v1/ping", key: key.key });
      expectApiError(result, 503, "api_error", "service_unavailable");
      expect(result.headers.get("retry-after")).toBeTruthy();
    }
    expect((await call(ready, { path: "/api/health/ready" })).status).toBe(503);

    await proxy.start();
    await waitFor(async () => (await call(ping, { path: "/api/v1/ping", key: key.key })).status === 200, 10_000, "requests to succeed again");
    expect((await call(ready, { path: "/api/health/ready" })).status).toBe(200);
    await waitForCacheEnabled();
  });
});
