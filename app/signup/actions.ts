"use server";

import { headers } from "next/headers";
import type { ActionResult } from "@/lib/action-result";
import { AccountError, signUp } from "@/lib/accounts";
import { settingsPath } from "@/lib/organization-url";
import { clientIp, userAgent } from "@/lib/request-info";

/** What the form echoes back on a failure (never the password). */
export type SignUpValues = { name: string; email: string; organizationName: string };

export type SignUpResult = ActionResult<{ email: string; next: string }, SignUpValues>;

/** Open sign-up (ALLOW_SIGNUP=true): the browser signs in with the password it just sent. */
export async function signUpAction(_previous: SignUpResult | null, formData: FormData): Promise<SignUpResult> {
  const text = (name: string) => {
    const value = formData.get(name);
    return typeof value === "string" ? value : "";
  };
  const values: SignUpValues = { name: text("name"), email: text("email"), organizationName: text("organizationName") };
  const h = await headers();
  try {
    const created = await signUp({ ...values, password: text("password"), actor: { ip: clientIp(h), userAgent: userAgent(h) } });
    return { ok: true, data: { email: created.email, next: settingsPath(created.organization.slug) } };
  } catch (error) {
    if (error instanceof AccountError) {
      return error.field
        ? { ok: false, message: "Check the highlighted fields.", fieldErrors: { [error.field]: [error.message] }, values }
        : { ok: false, message: error.message, values };
    }
    console.error("[signup] failed", error instanceof Error ? error.message : error);
    return { ok: false, message: "Your account could not be created. Nothing was saved; try again.", values };
  }
}
