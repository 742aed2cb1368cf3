import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { usesSecureCookies } from "@/lib/auth/cookies";
import { env } from "@/lib/env";
import { LAST_ORGANIZATION_COOKIE, organizationSlugOf } from "@/lib/organization-url";
import { requestId } from "@/lib/request-id";

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

// Only a convenience redirect for signed-out page visits: every layout, page and action checks the
// session (and the organization membership) again on the server. /api answers its own JSON 401s.
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (isPrivatePage(pathname) && !(await getToken({ req: request, secret: env().authSecret, secureCookie: usesSecureCookies(request.headers) }))) {
    const login = new URL("/login", request.url);
    const target = pathname + search;
    if (target !== "/") login.searchParams.set("callbackUrl", target);
    return NextResponse.redirect(login);
  }
  const nonce = btoa(crypto.randomUUID());
  const https = request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
  const policy = contentSecurityPolicy(nonce, https);
  const id = requestId(request);
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  // The error pages show it, so a user can quote it to support.
  headers.set("x-request-id", id);
  const response = NextResponse.next({ request: { headers } });
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
  matcher: ["/((?!api/|_next/static|_next/image|favicon\\.ico$|icon\\.svg$).*)"],
};
