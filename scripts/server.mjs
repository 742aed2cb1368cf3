// The HTTP server in front of Next (`npm start`, `npm run dev`, the benchmarks and the multi-instance
// tests). It exists for one reason: Next's route handlers and server actions never see the socket,
// and Next only fills X-Forwarded-For from the socket when the client sent none, so a client could
// claim any address. Here the address is resolved from the socket and TRUST_PROXY, and X-Forwarded-For
// is overwritten with it: the app (lib/request-info.ts) and Next see that one address only.
// Usage: node scripts/server.mjs [--dev]   (PORT, TRUST_PROXY, NEXT_DIST_DIR from the environment)
import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import { parseTrustProxy, resolveClientIp } from "../lib/trust-proxy.mjs";

const dev = process.argv.includes("--dev");
process.env.NODE_ENV = dev ? "development" : "production";
// In production the app handles SIGTERM itself (lib/server-start.ts): flush, close, exit. A custom
// server gets no signal handling from Next anyway; this tells the app that it is its job.
if (!dev) process.env.NEXT_MANUAL_SIG_HANDLE ??= "1";
const port = Number(process.env.PORT || 3000);

let trust;
try {
  trust = parseTrustProxy(process.env.TRUST_PROXY);
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}

const server = createServer((req, res) => {
  const ip = resolveClientIp(trust, req.socket.remoteAddress, req.headers["x-forwarded-for"]);
  req.headers["x-forwarded-for"] = ip;
  handle(req, res).catch((error) => {
    console.error(`[server] ${req.method} ${req.url}: ${error instanceof Error ? error.message : error}`);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});

const app = next({ dev, dir: path.resolve(import.meta.dirname, ".."), hostname: "localhost", port, httpServer: server });
const handle = app.getRequestHandler();
await app.prepare();
server.listen(port, () => console.log(`> Listening on http://localhost:${port} (${dev ? "development" : "production"})`));
