"use server";

import { redirect } from "next/navigation";
import { defineFormAction, text, type FormAction } from "@/lib/actions/define-action";
import type { ActionResult } from "@/lib/actions/result";
import { signUp } from "@/lib/auth/accounts";
import { startSession, submittedByScript } from "@/lib/auth/sign-in";
import { settingsPath } from "@/lib/domain/organizations/url";
import { logSafe } from "@/lib/validation";

/** What the form echoes back on a failure (never the password). */
export type SignUpValues = { name: string; email: string; organizationName: string };

export type SignUpResult = ActionResult<{ email: string; next: string }, SignUpValues>;

/**
 * Open sign-up (ALLOW_SIGNUP=true): creates the account and its organization and signs in. A plain
 * HTML submission (no JavaScript yet) is redirected to the new organization; the hydrated form
 * navigates itself.
 */
export const signUpAction: FormAction<SignUpResult> = defineFormAction(
  {
    label: "[signup]",
    access: "public",
    fields: (formData) => ({
      name: text(formData, "name"),
      email: text(formData, "email"),
      organizationName: text(formData, "organizationName"),
      password: text(formData, "password"),
    }),
    values: ({ name, email, organizationName }): SignUpValues => ({ name, email, organizationName }),
    fallback: "Your account could not be created. Nothing was saved; try again.",
  },
  async ({ actor, input, values, form }) => {
    const created = await signUp({ ...values, password: input.password, actor });
    let next = settingsPath(created.organization.slug);
    try {
      await startSession({ id: created.userId, email: created.email, name: values.name.trim() });
    } catch (error) {
      // The account exists: the sign-in page takes it from here.
      console.error(`[signup] signing in failed: ${logSafe(error)}`);
      next = "/login";
    }
    if (submittedByScript(form)) return { email: created.email, next };
    redirect(next);
  },
);
