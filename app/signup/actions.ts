"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { NOT_A_FORM, type ActionResult } from "@/lib/actions/result";
import { AccountError, signUp } from "@/lib/auth/accounts";
import { startSession, submittedByScript } from "@/lib/auth/sign-in";
import { settingsPath } from "@/lib/domain/organizations/url";
import { clientIp, userAgent } from "@/lib/platform/request-info";

/** What the form echoes back on a failure (never the password). */
export type SignUpValues = { name: string; email: string; organizationName: string };

export type SignUpResult = ActionResult<{ email: string; next: string }, SignUpValues>;

/**
 * Open sign-up (ALLOW_SIGNUP=true): creates the account and its organization and signs in. A plain
 * HTML submission (no JavaScript yet) is redirected to the new organization; the hydrated form
 * navigates itself.
 */
export async function signUpAction(_previous: SignUpResult | null, formData: FormData): Promise<SignUpResult> {
  if (!(formData instanceof FormData)) return { ok: false, message: NOT_A_FORM };
  const text = (name: string) => {
    const value = formData.get(name);
    return typeof value === "string" ? value : "";
  };
  const values: SignUpValues = { name: text("name"), email: text("email"), organizationName: text("organizationName") };
  const h = await headers();
  let created: Awaited<ReturnType<typeof signUp>>;
  try {
    created = await signUp({ ...values, password: text("password"), actor: { ip: clientIp(h), userAgent: userAgent(h) } });
  } catch (error) {
    if (error instanceof AccountError) {
      return error.field
        ? { ok: false, message: "Check the highlighted fields.", fieldErrors: { [error.field]: [error.message] }, values }
        : { ok: false, message: error.message, values };
    }
    console.error("[signup] failed", error instanceof Error ? error.message : error);
    return { ok: false, message: "Your account could not be created. Nothing was saved; try again.", values };
  }
  let next = settingsPath(created.organization.slug);
  try {
    await startSession({ id: created.userId, email: created.email, name: values.name.trim() });
  } catch (error) {
    // The account exists: the sign-in page takes it from here.
    console.error("[signup] signing in failed", error instanceof Error ? error.message : error);
    next = "/login";
  }
  if (submittedByScript(formData)) return { ok: true, data: { email: created.email, next } };
  redirect(next);
}
