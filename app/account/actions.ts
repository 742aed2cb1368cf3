"use server";

import { headers } from "next/headers";
import { NOT_A_FORM, type ActionResult } from "@/lib/actions/result";
import { AccountError, changePassword, currentSessionId } from "@/lib/auth/accounts";
import { loginBlockedFor, recordLoginFailure, tooManyAttemptsMessage } from "@/lib/auth/login-throttle";
import { ensureDatabase, runtime } from "@/lib/platform/runtime";
import { clientIp } from "@/lib/platform/request-info";
import { getSignedInUserId } from "@/lib/auth/context";

export type ChangePasswordResult = ActionResult<{ endedSessions: number }>;

const field = (formData: FormData, name: string) => {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
};

/**
 * Changes the signed-in user's password and ends their other sessions; this browser's stays.
 * A wrong current password counts as a failed sign-in for the account (lib/auth/login-throttle.ts),
 * so this form is no faster a way to guess a password than the sign-in form.
 */
export async function changePasswordAction(_previous: ChangePasswordResult | null, formData: FormData): Promise<ChangePasswordResult> {
  if (!(formData instanceof FormData)) return { ok: false, message: NOT_A_FORM };
  const userId = await getSignedInUserId();
  if (!userId) return { ok: false, message: "Your session has ended. Sign in again, then retry." };
  await ensureDatabase();
  const user = await runtime().database.prisma().user.findUnique({ where: { id: userId }, select: { email: true } });
  if (!user) return { ok: false, message: "Your session has ended. Sign in again, then retry." };
  const currentPassword = field(formData, "currentPassword");
  const newPassword = field(formData, "newPassword");
  if (!currentPassword) return { ok: false, message: "Check the highlighted fields.", fieldErrors: { currentPassword: ["Enter your current password."] } };
  const ip = clientIp(await headers());
  const blocked = await loginBlockedFor(user.email, ip);
  if (blocked > 0) return { ok: false, message: tooManyAttemptsMessage(blocked) };
  try {
    const result = await changePassword({ userId, currentPassword, newPassword, keepSessionId: await currentSessionId() });
    return { ok: true, data: result };
  } catch (error) {
    if (error instanceof AccountError) {
      if (error.code === "wrong_password") await recordLoginFailure(user.email, ip);
      return { ok: false, message: error.field ? "Check the highlighted fields." : error.message, fieldErrors: error.field ? { [error.field]: [error.message] } : undefined };
    }
    console.error("[account] password change failed", error instanceof Error ? error.message : error);
    return { ok: false, message: "Your password could not be changed. It is unchanged; try again." };
  }
}
