"use client";

import { Loader2 } from "lucide-react";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NewPasswordField } from "@/app/account/new-password-field";
import { joinInvitationAction, type JoinResult } from "./actions";

/**
 * Name and password for someone without an account. The action creates the account and the
 * membership together; the browser then signs in with the same password, like the sign-in form.
 */
export function JoinForm({ token, email }: { token: string; email: string }) {
  const router = useRouter();
  const id = useId();
  const [state, formAction, pending] = useActionState(submit, null);
  const [name, setName] = useState("");
  const [signInFailed, setSignInFailed] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const failed = state?.ok === false ? state : null;
  const nameErrors = failed && name === (failed.values?.name ?? "") ? failed.fieldErrors?.name : undefined;
  const hasFieldErrors = Boolean(failed?.fieldErrors?.name?.length || failed?.fieldErrors?.password?.length);

  useEffect(() => {
    // The first field the server refused, in the form's order.
    if (state?.ok === false) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);

  async function submit(previous: JoinResult | null, formData: FormData): Promise<JoinResult | null> {
    try {
      const result = await joinInvitationAction(previous, formData);
      if (!result.ok) return result;
      const signedIn = await signIn("credentials", { email: result.data.email, password: String(formData.get("password") ?? ""), redirect: false });
      if (!signedIn?.ok || signedIn.error) {
        // The account exists and the invitation is used: only the sign-in is left to do.
        setSignInFailed(true);
        return result;
      }
      router.replace(result.data.next);
      router.refresh();
      return result;
    } catch {
      return { ok: false, message: "The server couldn't be reached. Check your connection and try again.", values: { name: String(formData.get("name") ?? "") } };
    }
  }

  if (signInFailed) {
    return (
      <div role="status" className="space-y-3 text-sm">
        <p>Your account is ready and you are a member. Sign in with {email} and the password you just chose.</p>
        <Button className="w-full" onClick={() => router.push("/login")}>
          Go to sign in
        </Button>
      </div>
    );
  }

  const joined = state?.ok === true;

  return (
    <form ref={formRef} action={formAction} noValidate className="grid gap-5">
      <input type="hidden" name="token" value={token} />
      {failed && !hasFieldErrors && !pending ? (
        <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          {failed.message}
        </p>
      ) : null}
      <div className="grid gap-2">
        <Label htmlFor={`${id}-email`}>Email</Label>
        <Input id={`${id}-email`} type="email" value={email} readOnly aria-readonly="true" autoComplete="username" className="bg-muted/50" />
        <p className="text-xs text-muted-foreground">The invitation is for this address; you&apos;ll sign in with it.</p>
      </div>
      <div className="grid gap-2">
        <Label htmlFor={`${id}-name`}>Name</Label>
        <Input
          id={`${id}-name`}
          name="name"
          autoComplete="name"
          required
          aria-required="true"
          defaultValue={failed?.values?.name ?? ""}
          onChange={(event) => setName(event.target.value)}
          aria-invalid={nameErrors?.length ? true : undefined}
          aria-describedby={nameErrors?.length ? `${id}-name-error` : undefined}
        />
        <FieldError id={`${id}-name-error`} messages={nameErrors} />
      </div>
      <NewPasswordField
        context={{ email, name }}
        errors={failed?.fieldErrors?.password}
      />
      <Button type="submit" className="w-full" disabled={pending || joined} aria-disabled={pending || joined}>
        {pending || joined ? (
          <>
            <Loader2 className="animate-spin" aria-hidden="true" />
            {joined ? "Signing in…" : "Creating account…"}
          </>
        ) : (
          "Create account and join"
        )}
      </Button>
    </form>
  );
}
