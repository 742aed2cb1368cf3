import "server-only";
import { encode } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { usesSecureCookies } from "@/lib/auth/cookies";
import { createSession, SESSION_MAX_AGE_SECONDS } from "@/lib/auth/sessions";
import { ensureDatabase } from "@/lib/platform/runtime";
import { env } from "@/lib/platform/config";

/**
 * Signs a user in from a server action: records the server-side session and sets next-auth's
 * session cookie, the same token its credentials callback would issue (`sub` and `sid`, encrypted
 * with AUTH_SECRET), so getServerSession and /api/auth/session read it as theirs. Sign-in, sign-up
 * and joining post their forms to server actions that call this, so they work before React has
 * hydrated and without JavaScript, and no field ever travels in a URL.
 */
export async function startSession(user: { id: string; email: string; name: string }): Promise<void> {
  await ensureDatabase();
  const secure = usesSecureCookies(await headers());
  const sid = await createSession(user.id);
  const token = await encode({
    token: { name: user.name, email: user.email, sub: user.id, sid },
    secret: env().authSecret,
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
  (await cookies()).set(`${secure ? "__Secure-" : ""}next-auth.session-token`, token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure,
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
}

/**
 * Whether a form was submitted by the hydrated page (its submit handler adds `js=1` and calls the
 * action itself) rather than by the browser as a plain HTML form: a plain submission is answered
 * with a redirect, the hydrated page navigates by itself.
 */
export function submittedByScript(formData: FormData): boolean {
  return formData.get("js") === "1";
}
