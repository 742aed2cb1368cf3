// The hardening headers of every response, set by scripts/server.mjs before Next handles the
// request. Plain ESM with JSDoc types, as lib/platform/trust-proxy.mjs: the server runs it under plain Node.
//
// They used to be next.config.ts `headers()` rules. Next matches those on every request with
// path-to-regexp and decodes each rule's `:path*` parameters, ~30 µs of CPU per request for our
// three rules, 3–4 % of a whole `/api/health` (bench/profile.ts --target=health,peer-health). Here
// they cost three to five setHeader calls. Pages replace the Content-Security-Policy with their
// nonce-based one (proxy.ts).

/** @type {ReadonlyArray<readonly [string, string]>} */
export const HARDENING_HEADERS = [
  ["X-Frame-Options", "DENY"],
  ["X-Content-Type-Options", "nosniff"],
  ["Referrer-Policy", "strict-origin-when-cross-origin"],
];

// JSON, and next-auth's few plain HTML pages (sign-out confirmation, errors): nothing there needs a
// script. Pages get their nonce-based policy from proxy.ts.
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";

/**
 * The headers for a request: the hardening ones always, the API's policy under /api/, and HSTS
 * when the app is served over HTTPS behind a TLS-terminating proxy (X-Forwarded-Proto). Browsers ignore
 * HSTS on plain HTTP, so a forged X-Forwarded-Proto gains nothing.
 * @param {string} pathname the request's path, without the query
 * @param {string | string[] | undefined} forwardedProto the X-Forwarded-Proto header
 * @returns {Array<readonly [string, string]>}
 */
export function securityHeaders(pathname, forwardedProto) {
  const headers = [...HARDENING_HEADERS];
  if (pathname === "/api" || pathname.startsWith("/api/")) headers.push(["Content-Security-Policy", API_CONTENT_SECURITY_POLICY]);
  if (forwardedProto === "https") headers.push(["Strict-Transport-Security", STRICT_TRANSPORT_SECURITY]);
  return headers;
}
