import NextAuth from "next-auth";
import { getToken } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { ApiError } from "@/lib/api/errors";
import { readLimited } from "@/lib/api/request";
import { toErrorResponse } from "@/lib/api/with-api-key";
import { csrfTokenIsValid, usesSecureCookies } from "@/lib/auth/cookies";
import { authOptions } from "@/lib/auth/options";
import { revokeSession } from "@/lib/auth/sessions";
import { ensureDatabase } from "@/lib/db";
import { env } from "@/lib/env";
import { requestId } from "@/lib/request-id";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// Built per request so the secret is read at run time, never during `next build`.
function nextAuth(req: Request, context: RouteContext) {
  return NextAuth(req as never, context as never, authOptions()) as Promise<Response>;
}

export function GET(req: NextRequest, context: RouteContext) {
  return nextAuth(req, context);
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
    const contentType = req.headers.get("content-type")?.toLowerCase() ?? "";
    // next-auth parses any content type that merely mentions JSON as JSON: only the form type passes.
    if (contentType.split(";")[0]!.trim() !== "application/x-www-form-urlencoded" || contentType.includes("json")) {
      throw new ApiError("invalid_request", "Send the form as application/x-www-form-urlencoded, as the sign-in page does.");
    }
    const body = await readLimited(req);
    const { nextauth } = await context.params;
    // next-auth picks the action from the first segment; it signs out only with a valid CSRF token,
    // and so does this: a forged cross-site form must not end anybody's session.
    const secure = usesSecureCookies(req.headers);
    const csrfCookie = req.cookies.get(secure ? "__Host-next-auth.csrf-token" : "next-auth.csrf-token")?.value;
    const formToken = new URLSearchParams(Buffer.from(body).toString("utf8")).get("csrfToken");
    if (nextauth[0] === "signout" && csrfTokenIsValid(formToken, csrfCookie, env().authSecret)) {
      const token = await getToken({ req, secret: env().authSecret, secureCookie: secure });
      if (typeof token?.sid === "string") {
        await ensureDatabase();
        await revokeSession(token.sid);
      }
    }
    const buffered = new NextRequest(req.url, { method: "POST", headers: req.headers, body: Buffer.from(body) });
    return await nextAuth(buffered, context);
  } catch (error) {
    return toErrorResponse(error, id, req.nextUrl.origin);
  }
}
