"use server";

import { z } from "zod";
import { ActionRefusal, defineFormAction, text, type FormAction } from "@/lib/actions/define-action";
import type { ActionResult } from "@/lib/actions/result";
import { AccountError, changePassword, currentSessionId } from "@/lib/auth/accounts";
import { loginBlockedFor, recordLoginFailure, tooManyAttemptsMessage } from "@/lib/auth/login-throttle";
import { ensureDatabase, runtime } from "@/lib/platform/runtime";

export type ChangePasswordResult = ActionResult<{ endedSessions: number }>;

const changePasswordSchema = z.object({ currentPassword: z.string().min(1, "Enter your current password."), newPassword: z.string() });

/**
 * Changes the signed-in user's password and ends their other sessions; this browser's stays.
 * A wrong current password counts as a failed sign-in for the account (lib/auth/login-throttle.ts),
 * so this form is no faster a way to guess a password than the sign-in form.
 */
export const changePasswordAction: FormAction<ChangePasswordResult> = defineFormAction(
  {
    label: "[account] password change",
    access: "user",
    fields: (formData) => ({ currentPassword: text(formData, "currentPassword"), newPassword: text(formData, "newPassword") }),
    schema: changePasswordSchema,
    fallback: "Your password could not be changed. It is unchanged; try again.",
  },
  async ({ userId, actor, input: { currentPassword, newPassword } }) => {
    await ensureDatabase();
    const user = await runtime().database.prisma().user.findUnique({ where: { id: userId }, select: { email: true } });
    if (!user) throw new ActionRefusal("Your session has ended. Sign in again, then retry.");
    const { ip } = actor;
    const blocked = await loginBlockedFor(user.email, ip);
    if (blocked > 0) throw new ActionRefusal(tooManyAttemptsMessage(blocked));
    return changePassword({ userId, currentPassword, newPassword, keepSessionId: await currentSessionId() }).catch(async (error: unknown) => {
      if (error instanceof AccountError && error.code === "wrong_password") await recordLoginFailure(user.email, ip);
      throw error;
    });
  },
);
