"use client";

import { Loader2 } from "lucide-react";
import { useActionState, useEffect, useId, useRef } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { changePasswordAction, type ChangePasswordResult } from "./actions";
import { NewPasswordField } from "@/components/new-password-field";

/** Current and new password. Passwords are never echoed back: after a failure both are typed again. */
export function ChangePasswordForm({ email, name }: { email: string; name: string }) {
  const id = useId();
  const [state, formAction, pending] = useActionState(submit, null);
  const formRef = useRef<HTMLFormElement>(null);
  const failed = state?.ok === false ? state : null;
  const hasFieldErrors = Boolean(failed?.fieldErrors?.currentPassword?.length || failed?.fieldErrors?.newPassword?.length);

  useEffect(() => {
    // The first field the server refused, in the form's order.
    if (state?.ok === false) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);

  async function submit(previous: ChangePasswordResult | null, formData: FormData): Promise<ChangePasswordResult | null> {
    try {
      const result = await changePasswordAction(previous, formData);
      if (result.ok) {
        const n = result.data.endedSessions;
        toast.success("Password changed", {
          description: n === 0 ? "You stay signed in here." : `Signed out of ${n} other ${n === 1 ? "session" : "sessions"}; you stay signed in here.`,
        });
      }
      return result;
    } catch {
      return { ok: false, message: "The server couldn't be reached. Your password is unchanged; try again." };
    }
  }

  return (
    <form ref={formRef} action={formAction} noValidate className="grid max-w-md gap-5">
      {failed && !hasFieldErrors && !pending ? (
        <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          {failed.message}
        </p>
      ) : null}
      {state?.ok ? (
        <p role="status" className="rounded-md border bg-muted/50 px-3 py-2 text-sm">
          Your password was changed. Every other browser signed in to your account has been signed out.
        </p>
      ) : null}
      {/* For password managers: which account this password belongs to. */}
      <input type="email" name="username" value={email} autoComplete="username" readOnly hidden />
      <div className="grid gap-2">
        <Label htmlFor={`${id}-current`}>Current password</Label>
        <Input
          id={`${id}-current`}
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          aria-required="true"
          aria-invalid={failed?.fieldErrors?.currentPassword?.length ? true : undefined}
          aria-describedby={failed?.fieldErrors?.currentPassword?.length ? `${id}-current-error` : undefined}
        />
        <FieldError id={`${id}-current-error`} messages={failed?.fieldErrors?.currentPassword} />
      </div>
      <NewPasswordField label="New password" name="newPassword" context={{ email, name }} errors={failed?.fieldErrors?.newPassword} />
      <div>
        <Button type="submit" disabled={pending} aria-disabled={pending}>
          {pending ? (
            <>
              <Loader2 className="animate-spin" aria-hidden="true" />
              Changing…
            </>
          ) : (
            "Change password"
          )}
        </Button>
      </div>
    </form>
  );
}
