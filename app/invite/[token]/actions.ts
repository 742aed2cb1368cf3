"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { NOT_A_FORM, type ActionResult } from "@/lib/actions/result";
import { passwordProblems } from "@/lib/auth/password-policy";
import { startSession, submittedByScript } from "@/lib/auth/sign-in";
import {
  acceptInvitation,
  accountNameSchema,
  countInvitationAttempt,
  findInvitationByToken,
  InvitationError,
  joinWithPassword,
  type JoinedOrganization,
} from "@/lib/domain/members/invitations";
import { settingsPath } from "@/lib/domain/organizations/url";
import { clientIp, userAgent } from "@/lib/platform/request-info";
import { getSignedInUserId } from "@/lib/auth/context";

/** What the join form echoes back on a failure: the name (never the password). */
export type JoinValues = { name: string };

/** On success (to the hydrated page; a plain form post is redirected instead): where to go. */
export type JoinResult = ActionResult<{ next: string }, JoinValues>;

export type AcceptResult = ActionResult<{ next: string }>;

async function visitor() {
  const h = await headers();
  return { ip: clientIp(h), userAgent: userAgent(h) };
}

const fieldOf = (formData: FormData) => (name: string) => {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
};

function refusal<V>(error: unknown, fallback: string, values?: V): { ok: false; message: string; fieldErrors?: Record<string, string[]>; values?: V } {
  if (error instanceof InvitationError) {
    return { ok: false, message: error.message, ...(error.field ? { fieldErrors: { [error.field]: [error.message] } } : {}), values };
  }
  console.error("[invitations] join failed", error instanceof Error ? error.message : error);
  return { ok: false, message: fallback, values };
}

/**
 * Signs the user who just joined in and sends them on: a plain form post (before hydration, or
 * without JavaScript) is redirected, the hydrated page is told where to go and navigates itself.
 */
async function signInAndGo(formData: FormData, joined: JoinedOrganization): Promise<{ ok: true; data: { next: string } } | { ok: false; message: string }> {
  const next = settingsPath(joined.organization.slug);
  try {
    await startSession({ id: joined.userId, email: joined.email, name: joined.name });
  } catch (error) {
    console.error("[invitations] sign-in after joining failed", error instanceof Error ? error.message : error);
    return { ok: false, message: `You're now a member of ${joined.organization.name}, but signing you in failed. Sign in with ${joined.email} to continue.` };
  }
  if (submittedByScript(formData)) return { ok: true, data: { next } };
  redirect(next);
}

/**
 * "Create account and join" at /invite/{token}: a new account for the invited address, or the
 * existing one when the password is its own (lib/domain/members/invitations.ts `joinWithPassword`; the answers
 * don't say which). The form posts here, so it works before React hydrates and without JavaScript,
 * and the password never travels in a URL.
 */
export async function joinInvitationAction(_previous: JoinResult | null, formData: FormData): Promise<JoinResult> {
  if (!(formData instanceof FormData)) return { ok: false, message: NOT_A_FORM };
  const field = fieldOf(formData);
  const token = field("token");
  const password = field("password");
  const values: JoinValues = { name: field("name").slice(0, 200) };
  const actor = await visitor();
  let joined: JoinedOrganization;
  try {
    await countInvitationAttempt(actor.ip);
    const invitation = await findInvitationByToken(token);
    if (!invitation) return { ok: false, message: "This invitation link isn't valid. Check that you copied all of it.", values };
    // Every field's problems at once; joinWithPassword checks the same rules again, one at a time.
    const name = accountNameSchema.safeParse(values.name);
    const problems = passwordProblems(password, { email: invitation.email, name: name.success ? name.data : values.name });
    if (!name.success || problems.length > 0) {
      return {
        ok: false,
        message: "Check the highlighted fields.",
        fieldErrors: { name: name.success ? undefined : z.flattenError(name.error).formErrors, password: problems.length ? problems : undefined },
        values,
      };
    }
    joined = await joinWithPassword({ token, name: name.data, password, actor });
  } catch (error) {
    return refusal(error, "Your account could not be created. Nothing was saved; try again.", values);
  }
  const answer = await signInAndGo(formData, joined);
  return answer.ok ? answer : { ...answer, values };
}

/** A signed-in user accepts the invitation at /invite/{token} (a form, like joining). */
export async function acceptInvitationAction(_previous: AcceptResult | null, formData: FormData): Promise<AcceptResult> {
  if (!(formData instanceof FormData)) return { ok: false, message: NOT_A_FORM };
  const token = fieldOf(formData)("token");
  const userId = await getSignedInUserId();
  if (!userId) return { ok: false, message: "Your session has ended. Sign in again, then accept the invitation." };
  const actor = await visitor();
  let joined: JoinedOrganization;
  try {
    await countInvitationAttempt(actor.ip);
    joined = await acceptInvitation({ token, userId, actor });
  } catch (error) {
    return refusal(error, "The invitation could not be accepted. Nothing changed; try again.");
  }
  const next = settingsPath(joined.organization.slug);
  if (submittedByScript(formData)) return { ok: true, data: { next } };
  redirect(next);
}
