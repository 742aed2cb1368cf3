"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { ActionRefusal, defineFormAction, text, type FormAction } from "@/lib/actions/define-action";
import type { ActionResult } from "@/lib/actions/result";
import { authorizeCredentials, INVALID_CREDENTIALS } from "@/lib/auth/options";
import { startSession, submittedByScript } from "@/lib/auth/sign-in";
import { safeCallbackPath } from "@/lib/http/safe-redirect";

export type SignInResult = ActionResult<{ next: string }, { email: string }>;

const signInSchema = z.object({
  // Checked, not trimmed: the address goes to authorizeCredentials as typed.
  email: z.string().refine((email) => email.trim() !== "", "Enter your email address."),
  password: z.string().min(1, "Enter your password."),
  callbackUrl: z.string(),
});

/**
 * The sign-in form posts here: a server action, so the browser's own POST (before React hydrates,
 * or without JavaScript) signs in too, and nothing typed ever lands in a URL. Throttling and the
 * neutral answer are authorizeCredentials', the check next-auth's credentials route makes.
 */
export const signInAction: FormAction<SignInResult> = defineFormAction(
  {
    label: "[login] sign-in",
    access: "public",
    fields: (formData) => ({ email: text(formData, "email").slice(0, 320), password: text(formData, "password"), callbackUrl: text(formData, "callbackUrl") }),
    values: ({ email }) => ({ email }),
    schema: signInSchema,
    // The fields say what's missing; there is nothing to add above them.
    invalid: () => "",
    // authorize() throws for throttling (its message says when to retry) or a database it couldn't ask.
    onError: (error) => {
      if (error instanceof Error && error.message.startsWith("Too many attempts")) return { message: error.message };
    },
    fallback: "Signing in is unavailable right now. Try again in a moment.",
  },
  async ({ actor, input: { email, password, callbackUrl }, form }) => {
    const next = safeCallbackPath(callbackUrl);
    const user = await authorizeCredentials({ email, password }, actor.ip);
    if (!user) throw new ActionRefusal(INVALID_CREDENTIALS);
    await startSession(user);
    if (submittedByScript(form)) return { next };
    redirect(next);
  },
);
