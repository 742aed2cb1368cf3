import net from "node:net";

type Flow = { client: net.Socket; upstream: net.Socket | null; blackholed: boolean; killAfterReply?: boolean };

/** A FATAL ErrorResponse (57P01, as pg_terminate_backend or a failover sends) in the wire protocol. */
function fatalError(): Buffer {
  const field = (type: string, value: string) => Buffer.from(`${type}${value}\0`);
  const body = Buffer.concat([field("S", "FATAL"), field("V", "FATAL"), field("C", "57P01"), field("M", "terminating connection due to administrator command"), Buffer.from("\0")]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from("E"), length, body]);
}
// ReadyForQuery, idle: the end of a reply.
const READY = Buffer.from("Z\0\0\0\x05I", "latin1");

/**
 * A TCP relay to PostgreSQL that can fail the way networks really do: silently. `blackhole()`
 * stops forwarding bytes in both directions on the existing connections without closing any socket
 * (no FIN, no RST: the peers see neither `error` nor `end`, as when a NAT or firewall forgets idle
 * flows); with `newConnections: "blackhole"` new connections are accepted and never answered too
 * (a frozen database). `restore()` ends it: the forgotten flows are reset, as a peer resets a
 * connection it no longer knows, and new connections are relayed again.
 */
export class BlackholeProxy {
  private readonly flows = new Set<Flow>();
  private blackholeNew = false;
  port = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly target: { host: string; port: number },
  ) {}

  /** Starts a proxy in front of the server that `databaseUrl` names. */
  static async start(databaseUrl: string): Promise<BlackholeProxy> {
    const url = new URL(databaseUrl);
    const server = net.createServer();
    const proxy = new BlackholeProxy(server, { host: url.hostname || "127.0.0.1", port: Number(url.port || 5432) });
    server.on("connection", (client) => proxy.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    proxy.port = (server.address() as net.AddressInfo).port;
    return proxy;
  }

  /** `databaseUrl` with its host and port replaced by the proxy's. */
  url(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = "127.0.0.1";
    url.port = String(this.port);
    return url.toString();
  }

  blackhole(options: { newConnections?: "relay" | "blackhole" } = {}): void {
    for (const flow of this.flows) flow.blackholed = true;
    this.blackholeNew = options.newConnections === "blackhole";
  }

  /**
   * The next connection that sends `statement` gets its reply and, in the same packet, a FATAL
   * error, then silence: the client library sees the reply and the error in one read.
   */
  failAfterReplyTo(statement: string): void {
    this.fatalAfter = statement;
  }

  private fatalAfter: string | null = null;

  restore(): void {
    this.blackholeNew = false;
    for (const flow of this.flows) if (flow.blackholed) this.drop(flow, true);
  }

  async close(): Promise<void> {
    for (const flow of this.flows) this.drop(flow, true);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const flow: Flow = { client, upstream: null, blackholed: this.blackholeNew };
    this.flows.add(flow);
    client.on("error", () => this.drop(flow));
    client.on("close", () => this.drop(flow));
    // A frozen server accepts the connection (the kernel does) and then never says a word.
    if (flow.blackholed) return;
    const upstream = net.connect(this.target.port, this.target.host);
    flow.upstream = upstream;
    upstream.on("error", () => this.drop(flow));
    upstream.on("close", () => this.drop(flow));
    client.on("data", (chunk) => {
      if (this.fatalAfter && chunk.includes(this.fatalAfter)) {
        this.fatalAfter = null;
        flow.killAfterReply = true;
      }
      if (!flow.blackholed) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (flow.blackholed) return;
      if (flow.killAfterReply && chunk.includes(READY)) {
        client.write(Buffer.concat([chunk, fatalError()]));
        flow.blackholed = true;
        return;
      }
      client.write(chunk);
    });
  }

  private drop(flow: Flow, reset = false): void {
    // While blackholed, even a close must not get through: the other side would notice it.
    if (flow.blackholed && !reset) return;
    this.flows.delete(flow);
    if (reset) {
      flow.client.resetAndDestroy();
      flow.upstream?.resetAndDestroy();
    } else {
      flow.client.destroy();
      flow.upstream?.destroy();
    }
  }
}
