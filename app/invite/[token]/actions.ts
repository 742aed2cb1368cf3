"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { ActionRefusal, CHECK_FIELDS, defineFormAction, text, type FormAction } from "@/lib/actions/define-action";
import type { ActionResult } from "@/lib/actions/result";
import { passwordProblems } from "@/lib/auth/password-policy";
import { startSession, submittedByScript } from "@/lib/auth/sign-in";
import {
  acceptInvitation,
  accountNameSchema,
  countInvitationAttempt,
  findInvitationByToken,
  joinWithPassword,
  type JoinedOrganization,
} from "@/lib/domain/members/invitations";
import { settingsPath } from "@/lib/domain/organizations/url";
import { logSafe } from "@/lib/validation";

/** What the join form echoes back on a failure: the name (never the password). */
export type JoinValues = { name: string };

/** On success (to the hydrated page; a plain form post is redirected instead): where to go. */
export type JoinResult = ActionResult<{ next: string }, JoinValues>;

export type AcceptResult = ActionResult<{ next: string }>;

/**
 * Signs the user who just joined in and sends them on: a plain form post (before hydration, or
 * without JavaScript) is redirected, the hydrated page is told where to go and navigates itself.
 * The membership is already saved, so a failed sign-in says so rather than "nothing was saved".
 */
async function signInAndGo(formData: FormData, joined: JoinedOrganization): Promise<{ next: string }> {
  const next = settingsPath(joined.organization.slug);
  try {
    await startSession({ id: joined.userId, email: joined.email, name: joined.name });
  } catch (error) {
    console.error(`[invitations] sign-in after joining failed: ${logSafe(error)}`);
    throw new ActionRefusal(`You're now a member of ${joined.organization.name}, but signing you in failed. Sign in with ${joined.email} to continue.`);
  }
  if (submittedByScript(formData)) return { next };
  redirect(next);
}

/**
 * "Create account and join" at /invite/{token}: a new account for the invited address, or the
 * existing one when the password is its own (lib/domain/members/invitations.ts `joinWithPassword`; the answers
 * don't say which). The form posts here, so it works before React hydrates and without JavaScript,
 * and the password never travels in a URL.
 */
export const joinInvitationAction: FormAction<JoinResult> = defineFormAction(
  {
    label: "[invitations] join",
    access: "public",
    fields: (formData) => ({ token: text(formData, "token"), password: text(formData, "password"), name: text(formData, "name").slice(0, 200) }),
    values: ({ name }): JoinValues => ({ name }),
    fallback: "Your account could not be created. Nothing was saved; try again.",
  },
  async ({ actor, input: { token, password, name: typed }, form }) => {
    await countInvitationAttempt(actor.ip);
    const invitation = await findInvitationByToken(token);
    if (!invitation) throw new ActionRefusal("This invitation link isn't valid. Check that you copied all of it.");
    // Every field's problems at once; joinWithPassword checks the same rules again, one at a time.
    const name = accountNameSchema.safeParse(typed);
    const problems = passwordProblems(password, { email: invitation.email, name: name.success ? name.data : typed });
    if (!name.success || problems.length > 0) {
      throw new ActionRefusal(CHECK_FIELDS, {
        name: name.success ? undefined : z.flattenError(name.error).formErrors,
        password: problems.length ? problems : undefined,
      });
    }
    const joined = await joinWithPassword({ token, name: name.data, password, actor });
    return signInAndGo(form, joined);
  },
);

/** A signed-in user accepts the invitation at /invite/{token} (a form, like joining). */
export const acceptInvitationAction: FormAction<AcceptResult> = defineFormAction(
  {
    label: "[invitations] accept",
    access: "user",
    signedOut: "Your session has ended. Sign in again, then accept the invitation.",
    fields: (formData) => ({ token: text(formData, "token") }),
    fallback: "The invitation could not be accepted. Nothing changed; try again.",
  },
  async ({ userId, actor: { ip, userAgent }, input: { token }, form }) => {
    await countInvitationAttempt(ip);
    const joined = await acceptInvitation({ token, userId, actor: { ip, userAgent } });
    const next = settingsPath(joined.organization.slug);
    if (submittedByScript(form)) return { next };
    redirect(next);
  },
);
