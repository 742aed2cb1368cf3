// The HTTP server in front of Next (`npm start`, `npm run dev`, the benchmarks and the multi-instance
// tests). It exists for one reason: Next's route handlers and server actions never see the socket,
// and Next only fills X-Forwarded-For from the socket when the client sent none, so a client could
// claim any address. Here the address is resolved from the socket and TRUST_PROXY, and X-Forwarded-For
// is overwritten with it: the app (lib/platform/request-info.ts) and Next see that one address only.
// Usage: node scripts/server.mjs [--dev]   (PORT, TRUST_PROXY, NEXT_DIST_DIR from the environment)
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import { securityHeaders } from "../lib/http/security-headers.mjs";
import { parseTrustProxy, resolveClientIp } from "../lib/platform/trust-proxy.mjs";

const dev = process.argv.includes("--dev");
process.env.NODE_ENV = dev ? "development" : "production";
// In production the app handles SIGTERM itself (lib/platform/server-start.ts): flush, close, exit. A custom
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

// Next answers a path it can't percent-decode (`/api/v1/api-keys/%`, invalid UTF-8) with a bare 500.
// It is the client's mistake: a 400, in the API's error model under /api.
function refuseUndecodablePath(req, res) {
  const path = (req.url ?? "/").split("?")[0];
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    const id = `req_${randomUUID().replace(/-/g, "")}`;
    const api = path.startsWith("/api/");
    res.writeHead(400, { "Content-Type": api ? "application/json" : "text/plain; charset=utf-8", "X-Request-Id": id, "Cache-Control": "no-store" });
    const message = "The URL's path has a malformed percent-encoding (e.g. a lone `%` or bytes that aren't UTF-8). Encode it with encodeURIComponent.";
    res.end(api ? JSON.stringify({ error: { type: "invalid_request_error", code: "invalid_request", message, request_id: id, doc_url: `http://${req.headers.host ?? "localhost"}/docs/api#invalid_request` } }) : `${message}\n`);
    return true;
  }
}

const server = createServer((req, res) => {
  // On every response, this one included (lib/http/security-headers.mjs says why here and not in next.config.ts).
  const pathname = (req.url ?? "/").split("?")[0];
  for (const [name, value] of securityHeaders(pathname, req.headers["x-forwarded-proto"])) res.setHeader(name, value);
  if (refuseUndecodablePath(req, res)) return;
  const ip = resolveClientIp(trust, req.socket.remoteAddress, req.headers["x-forwarded-for"]);
  req.headers["x-forwarded-for"] = ip;
  // Only a trusted proxy may say which host the client asked for: next-auth (AUTH_TRUST_HOST) builds
  // its redirects from X-Forwarded-Host, so a client's own would send a signed-in browser elsewhere.
  if (!trust(req.socket.remoteAddress ?? "", 0)) delete req.headers["x-forwarded-host"];
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
