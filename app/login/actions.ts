"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { NOT_A_FORM, type ActionResult } from "@/lib/actions/result";
import { authorizeCredentials, INVALID_CREDENTIALS } from "@/lib/auth/options";
import { startSession, submittedByScript } from "@/lib/auth/sign-in";
import { clientIp } from "@/lib/platform/request-info";
import { safeCallbackPath } from "@/lib/http/safe-redirect";

export type SignInResult = ActionResult<{ next: string }, { email: string }>;

const UNAVAILABLE = "Signing in is unavailable right now. Try again in a moment.";

/**
 * The sign-in form posts here: a server action, so the browser's own POST (before React hydrates,
 * or without JavaScript) signs in too, and nothing typed ever lands in a URL. Throttling and the
 * neutral answer are authorizeCredentials', the check next-auth's credentials route makes.
 */
export async function signInAction(_previous: SignInResult | null, formData: FormData): Promise<SignInResult> {
  if (!(formData instanceof FormData)) return { ok: false, message: NOT_A_FORM };
  const field = (name: string) => {
    const value = formData.get(name);
    return typeof value === "string" ? value : "";
  };
  const values = { email: field("email").slice(0, 320) };
  const password = field("password");
  const next = safeCallbackPath(field("callbackUrl"));
  const fieldErrors = {
    email: values.email.trim() ? undefined : ["Enter your email address."],
    password: password ? undefined : ["Enter your password."],
  };
  if (fieldErrors.email || fieldErrors.password) return { ok: false, message: "", fieldErrors, values };

  try {
    const user = await authorizeCredentials({ email: values.email, password }, clientIp(await headers()));
    if (!user) return { ok: false, message: INVALID_CREDENTIALS, values };
    await startSession(user);
  } catch (error) {
    // authorize() throws for throttling (its message says when to retry) or a database it couldn't ask.
    const message = error instanceof Error ? error.message : "";
    if (message.startsWith("Too many attempts")) return { ok: false, message, values };
    console.error("[login] sign-in failed:", JSON.stringify(message || String(error)));
    return { ok: false, message: UNAVAILABLE, values };
  }
  if (submittedByScript(formData)) return { ok: true, data: { next } };
  redirect(next);
}
