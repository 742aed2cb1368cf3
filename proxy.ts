import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { authOrigin, unusableCallbackCookies, usesSecureCookies } from "@/lib/auth/cookies";
import { env } from "@/lib/platform/config";
import { LAST_ORGANIZATION_COOKIE, organizationSlugOf } from "@/lib/domain/organizations/url";
import { requestId } from "@/lib/http/request-id";
import { checkServerActionRequest, isPossibleServerAction } from "@/lib/http/server-action-request";

// Pages that need a session: a signed-out visitor is sent to sign in and brought back. Any other
// path renders for everyone (a bad URL gets the 404 page, not a sign-in form), among them
// /invite/{token} and /signup, which are for people without a session.
const PRIVATE_PAGES = /^\/(?:$|settings(?:\/|$)|account(?:\/|$))/;
const isPrivatePage = (pathname: string) => PRIVATE_PAGES.test(pathname) || organizationSlugOf(pathname) !== null;
const dev = process.env.NODE_ENV === "development";

/**
 * A nonce-based policy, as Next's CSP guide describes: Next adds the nonce to its own scripts when
 * it finds the policy on the request, and 'strict-dynamic' lets those load the rest. Styles stay
 * 'unsafe-inline': Radix and the toasts position elements with inline styles, and a style can't run
 * code. In development React needs eval for its error overlays, and HMR a WebSocket.
 */
function contentSecurityPolicy(nonce: string, https: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

const plainText = (status: number, message: string, id: string) =>
  new NextResponse(`${message}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Request-Id": id } });

/**
 * next-auth reads its callback-url cookie on every session read (each page, /api/auth/*), and a
 * value its URL parser can't read (`next-auth.callback-url=%25`) makes that a 500: such a cookie,
 * or one naming another site, is dropped from the request passed on (`headers`) and cleared in the
 * browser (`cleared`). A Host next-auth can't make a URL of is a 400 for the same reason.
 */
function repairAuthCookies(request: NextRequest, id: string): { refusal: NextResponse } | { headers: Headers; cleared: string[] } {
  const origin = authOrigin(request.headers);
  if (!origin) return { refusal: plainText(400, "The Host (or X-Forwarded-Host) header is not a host name.", id) };
  const cleared = unusableCallbackCookies(request.cookies, origin);
  const headers = new Headers(request.headers);
  if (cleared.length > 0) {
    const kept = (request.headers.get("cookie") ?? "").split(";").filter((pair) => !cleared.includes(pair.split("=")[0]!.trim()));
    headers.set("cookie", kept.join(";"));
  }
  return { headers, cleared };
}

function clearCookies(response: NextResponse, names: string[]): NextResponse {
  for (const name of names) response.cookies.set(name, "", { path: "/", maxAge: 0, httpOnly: true, sameSite: "lax", secure: name.startsWith("__Secure-") });
  return response;
}

// Only a convenience redirect for signed-out page visits: every layout, page and action checks the
// session (and the organization membership) again on the server. /api answers its own JSON 401s.
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const id = requestId(request);
  const auth = repairAuthCookies(request, id);
  if ("refusal" in auth) return auth.refusal;
  // next-auth's own routes (the matcher's second entry) need only that repair.
  if (pathname.startsWith("/api/")) return auth.cleared.length > 0 ? clearCookies(NextResponse.next({ request: { headers: auth.headers } }), auth.cleared) : NextResponse.next();
  if (isPrivatePage(pathname) && !(await getToken({ req: request, secret: env().authSecret, secureCookie: usesSecureCookies(request.headers) }))) {
    const login = new URL("/login", request.url);
    const target = pathname + search;
    if (target !== "/") login.searchParams.set("callbackUrl", target);
    return clearCookies(NextResponse.redirect(login), auth.cleared);
  }
  // Server-action requests Next would answer with a 500 (an unreadable body, a missing part, too
  // large, a foreign Origin) are refused here with a 4xx (lib/http/server-action-request.ts).
  if (isPossibleServerAction(request.method, request.headers)) {
    const refusal = await checkServerActionRequest(request);
    if (refusal) return plainText(refusal.status, refusal.message, id);
  }
  const nonce = btoa(crypto.randomUUID());
  const https = request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
  const policy = contentSecurityPolicy(nonce, https);
  const { headers } = auth;
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  // The error pages show it, so a user can quote it to support.
  headers.set("x-request-id", id);
  const response = clearCookies(NextResponse.next({ request: { headers } }), auth.cleared);
  response.headers.set("Content-Security-Policy", policy);
  response.headers.set("X-Request-Id", id);
  // Remembered for `/` and the old /settings links only (the layout checks membership; a slug that
  // isn't one of the user's is ignored when the cookie is read). A prefetch is not a visit.
  const slug = organizationSlugOf(pathname);
  const prefetch = request.headers.has("next-router-prefetch");
  if (slug !== null && !prefetch && request.cookies.get(LAST_ORGANIZATION_COOKIE)?.value !== slug) {
    response.cookies.set(LAST_ORGANIZATION_COOKIE, slug, { httpOnly: true, sameSite: "lax", path: "/", secure: https, maxAge: 60 * 60 * 24 * 365 });
  }
  return response;
}

export const config = {
  // Only real static files are left out: every other path renders a page (if only the 404 page),
  // and a page needs its nonce.
  // next-auth's routes are matched too, but only when they carry a callback-url cookie to repair
  // (repairAuthCookies): Next buffers a copy of the body for the proxy, and the routes' own running
  // limit must see a 100 MB upload to refuse it early.
  matcher: [
    "/((?!api/|_next/static|_next/image|favicon\\.ico$|icon\\.svg$|robots\\.txt$).*)",
    { source: "/api/auth/:path*", has: [{ type: "cookie", key: "next-auth.callback-url" }] },
    { source: "/api/auth/:path*", has: [{ type: "cookie", key: "__Secure-next-auth.callback-url" }] },
  ],
};
