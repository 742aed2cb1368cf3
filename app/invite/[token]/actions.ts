"use server";

import { headers } from "next/headers";
import { z } from "zod";
import type { ActionResult } from "@/lib/action-result";
import { passwordProblems } from "@/lib/auth/password-policy";
import {
  acceptInvitation,
  accountNameSchema,
  countInvitationAttempt,
  findInvitationByToken,
  InvitationError,
  joinWithNewAccount,
} from "@/lib/invitations";
import { settingsPath } from "@/lib/organization-url";
import { clientIp, userAgent } from "@/lib/request-info";
import { getSignedInUserId } from "@/lib/session";

/** What the join form echoes back on a failure: the name (never the password). */
export type JoinValues = { name: string };

/** On success: the email to sign in with and where to go. */
export type JoinResult = ActionResult<{ email: string; next: string }, JoinValues>;

async function visitor() {
  const h = await headers();
  return { ip: clientIp(h), userAgent: userAgent(h) };
}

function refusal<V>(error: unknown, fallback: string, values?: V): { ok: false; message: string; fieldErrors?: Record<string, string[]>; values?: V } {
  if (error instanceof InvitationError) {
    return { ok: false, message: error.message, ...(error.field ? { fieldErrors: { [error.field]: [error.message] } } : {}), values };
  }
  console.error("[invitations] join failed", error instanceof Error ? error.message : error);
  return { ok: false, message: fallback, values };
}

/**
 * Creates the account and the membership for someone without an account (the form at
 * /invite/{token}). The browser then signs in with the password it just sent.
 */
export async function joinInvitationAction(_previous: JoinResult | null, formData: FormData): Promise<JoinResult> {
  const token = String(formData.get("token") ?? "");
  const password = String(formData.get("password") ?? "");
  const values: JoinValues = { name: String(formData.get("name") ?? "") };
  const actor = await visitor();
  try {
    await countInvitationAttempt(actor.ip);
    const invitation = await findInvitationByToken(token);
    if (!invitation) return { ok: false, message: "This invitation link isn't valid. Check that you copied all of it.", values };
    const name = accountNameSchema.safeParse(values.name);
    const problems = passwordProblems(password, { email: invitation.email, name: values.name });
    if (!name.success || problems.length > 0) {
      return {
        ok: false,
        message: "Check the highlighted fields.",
        fieldErrors: { name: name.success ? undefined : z.flattenError(name.error).formErrors, password: problems.length ? problems : undefined },
        values,
      };
    }
    const joined = await joinWithNewAccount({ token, name: name.data, password, actor });
    return { ok: true, data: { email: joined.email, next: settingsPath(joined.organization.slug) } };
  } catch (error) {
    return refusal(error, "Your account could not be created. Nothing was saved; try again.", values);
  }
}

/** A signed-in user accepts the invitation at /invite/{token}. */
export async function acceptInvitationAction(input: { token: string }): Promise<ActionResult<{ next: string }>> {
  const token = typeof (input as { token?: unknown } | null)?.token === "string" ? input.token : "";
  const userId = await getSignedInUserId();
  if (!userId) return { ok: false, message: "Your session has ended. Sign in again, then accept the invitation." };
  const actor = await visitor();
  try {
    await countInvitationAttempt(actor.ip);
    const joined = await acceptInvitation({ token, userId, actor });
    return { ok: true, data: { next: settingsPath(joined.organization.slug) } };
  } catch (error) {
    return refusal(error, "The invitation could not be accepted. Nothing changed; try again.");
  }
}
