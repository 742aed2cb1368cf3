import NextAuth from "next-auth";
import { getToken } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { ApiError } from "@/lib/http/errors";
import { readLimited } from "@/lib/http/request";
import { toErrorResponse } from "@/lib/http/route";
import { authOrigin, CALLBACK_URL_COOKIES, csrfTokenIsValid, unusableCallbackCookies, usesSecureCookies } from "@/lib/auth/cookies";
import { authOptions, readSession } from "@/lib/auth/options";
import { revokeSession } from "@/lib/auth/sessions";
import { ensureDatabase } from "@/lib/platform/runtime";
import { DatabaseUnavailableError } from "@/lib/platform/db/errors";
import { env } from "@/lib/platform/config";
import { requestId } from "@/lib/http/request-id";
import { isSameOriginCallbackUrl } from "@/lib/http/safe-redirect";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// Built per request so the secret is read at run time, never during `next build`.
// A session that couldn't be checked (database unreachable) is a 503 that keeps the cookie, not
// next-auth's "no session" that clears it (lib/auth/options.ts, readSession).
async function nextAuth(req: Request, context: RouteContext) {
  const { result, check } = await readSession(() => NextAuth(req as never, context as never, authOptions()) as Promise<Response>);
  if (check === "unavailable") throw new DatabaseUnavailableError();
  return result;
}

/**
 * What next-auth would answer with a 500 is refused here first:
 * - a Host (or X-Forwarded-Host) that makes no URL: next-auth builds its origin from it;
 * - a `callbackUrl` (query or form field) that isn't a path or URL of this origin: next-auth's URL
 *   parser throws on "%" or "http://127.0.0.1:3000.evil.test/". It is dropped, as if not sent, and
 *   next-auth falls back to its cookie or the origin;
 * - a callback-url cookie of the same kind: proxy.ts drops it from the request and clears it in the
 *   browser before this runs (next-auth reads cookies through next/headers, not from `req`); one
 *   that gets here anyway is a 400 that clears it.
 */
function checkedOrigin(req: NextRequest): string {
  const origin = authOrigin(req.headers);
  if (!origin) throw new ApiError("invalid_request", "The Host (or X-Forwarded-Host) header is not a host name. Send the host you reached.");
  if (unusableCallbackCookies(req.cookies, origin).length > 0) throw new UnusableCallbackCookie();
  return origin;
}

class UnusableCallbackCookie extends ApiError {
  constructor() {
    super("invalid_request", "The next-auth.callback-url cookie is not a page of this site. It has been cleared; retry.");
  }
}

function errorResponse(error: unknown, req: NextRequest, id: string): Response {
  const response = toErrorResponse(error, id, req.nextUrl.origin);
  if (error instanceof UnusableCallbackCookie) {
    for (const name of CALLBACK_URL_COOKIES) {
      response.headers.append("Set-Cookie", `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") ? "; Secure" : ""}`);
    }
  }
  return response;
}

function withoutForeignCallback(url: string, origin: string): URL {
  const parsed = new URL(url);
  const callbackUrl = parsed.searchParams.getAll("callbackUrl");
  if (callbackUrl.length > 0 && (callbackUrl.length > 1 || !isSameOriginCallbackUrl(callbackUrl[0]!, origin))) parsed.searchParams.delete("callbackUrl");
  return parsed;
}

/** Sign-in is a POST (the credentials form): next-auth answers a GET of its callback with a 500. */
function postOnly(): ApiError {
  return new ApiError("method_not_allowed", "Sign in by submitting the form at /login: this route takes a POST.", { headers: { Allow: "POST" } });
}

export async function GET(req: NextRequest, context: RouteContext) {
  const id = requestId(req);
  try {
    const { nextauth } = await context.params;
    if (nextauth[0] === "callback" || nextauth[0] === "_log") throw postOnly();
    // next-auth's own error page is never linked from the app (sign-in errors show on /login), and
    // `?error=Configuration` renders it as a 500.
    if (nextauth[0] === "error") return new Response(null, { status: 303, headers: { Location: "/login", "X-Request-Id": id } });
    const origin = checkedOrigin(req);
    const url = withoutForeignCallback(req.url, origin);
    return await nextAuth(url.href === req.url ? req : new NextRequest(url, { headers: req.headers }), context);
  } catch (error) {
    return errorResponse(error, req, id);
  }
}

/**
 * next-auth reads a POST body whole (and a malformed JSON body becomes a 500), before it checks
 * anything. Its own forms post URL-encoded fields, a few hundred bytes: refuse anything else, and
 * read the rest with the API's running limit.
 *
 * Signing out ends the server-side session before next-auth clears the cookie: next-auth swallows
 * an error of its signOut event and clears the cookie anyway, which would leave a copy of the
 * cookie working while the browser believes it signed out.
 */
export async function POST(req: NextRequest, context: RouteContext) {
  const id = requestId(req);
  try {
    const { nextauth } = await context.params;
    // next-auth's client logger posts its errors here, and next-auth writes whatever it is sent to
    // the server log (a forged line, or megabytes). The app reads nothing from it: dropped unread.
    if (nextauth[0] === "_log") return new Response(null, { status: 204, headers: { "X-Request-Id": id } });
    const contentType = req.headers.get("content-type")?.toLowerCase() ?? "";
    // next-auth parses any content type that merely mentions JSON as JSON: only the form type passes.
    if (contentType.split(";")[0]!.trim() !== "application/x-www-form-urlencoded" || contentType.includes("json")) {
      throw new ApiError("invalid_request", "Send the form as application/x-www-form-urlencoded, as the sign-in page does.");
    }
    const origin = checkedOrigin(req);
    const body = await readLimited(req);
    const form = new URLSearchParams(Buffer.from(body).toString("utf8"));
    const callbackUrl = form.getAll("callbackUrl");
    const dropCallback = callbackUrl.length > 0 && (callbackUrl.length > 1 || !isSameOriginCallbackUrl(callbackUrl[0]!, origin));
    if (dropCallback) form.delete("callbackUrl");
    // next-auth picks the action from the first segment; it signs out only with a valid CSRF token,
    // and so does this: a forged cross-site form must not end anybody's session.
    const secure = usesSecureCookies(req.headers);
    const csrfCookie = req.cookies.get(secure ? "__Host-next-auth.csrf-token" : "next-auth.csrf-token")?.value;
    if (nextauth[0] === "signout" && csrfTokenIsValid(form.get("csrfToken"), csrfCookie, env().authSecret)) {
      const token = await getToken({ req, secret: env().authSecret, secureCookie: secure });
      if (typeof token?.sid === "string") {
        await ensureDatabase();
        await revokeSession(token.sid);
      }
    }
    const headers = new Headers(req.headers);
    headers.delete("content-length");
    const buffered = new NextRequest(withoutForeignCallback(req.url, origin), { method: "POST", headers, body: dropCallback ? form.toString() : Buffer.from(body) });
    return await nextAuth(buffered, context);
  } catch (error) {
    return errorResponse(error, req, id);
  }
}
