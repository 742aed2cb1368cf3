"use client";

import { Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useId, useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NewPasswordField } from "@/components/new-password-field";
import { joinInvitationAction, type JoinResult } from "./actions";

/**
 * Name and password for "Create account and join". A real `method="post"` form bound to the server
 * action: submitted before React hydrates, or without JavaScript, the browser posts it and the
 * action signs in and redirects (a failure comes back as the page, rendered with `posted`). Once
 * hydrated, the submit handler calls the action itself, so "the server couldn't be reached" is
 * answered here instead of by the error page.
 */
export function JoinForm({ token, email }: { token: string; email: string }) {
  const router = useRouter();
  const id = useId();
  const [posted, formAction] = useActionState(joinInvitationAction, null);
  const [answered, setAnswered] = useState<JoinResult | null>(null);
  const [pending, startTransition] = useTransition();
  const [joined, setJoined] = useState(false);
  // Each answer remounts the password field: it is never echoed back, and is typed again.
  const [attempt, setAttempt] = useState(0);
  const [name, setName] = useState(posted?.ok === false ? (posted.values?.name ?? "") : "");
  const [nameEdited, setNameEdited] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const result = answered ?? posted;
  const failed = result?.ok === false ? result : null;
  const nameErrors = nameEdited ? undefined : failed?.fieldErrors?.name;
  const hasFieldErrors = Boolean(failed?.fieldErrors?.name?.length || failed?.fieldErrors?.password?.length);

  useEffect(() => {
    // The first field the server refused, in the form's order.
    if (result?.ok === false) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [result]);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    form.set("js", "1");
    startTransition(async () => {
      let answer: JoinResult;
      try {
        answer = await joinInvitationAction(null, form);
      } catch {
        answer = { ok: false, message: "The server couldn't be reached. Check your connection and try again.", values: { name } };
      }
      if (answer.ok) {
        setJoined(true);
        router.replace(answer.data.next);
        router.refresh();
        return;
      }
      setAnswered(answer);
      setAttempt((n) => n + 1);
      setNameEdited(false);
    });
  }

  const busy = pending || joined;

  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} noValidate className="grid gap-5">
      <input type="hidden" name="token" value={token} />
      {failed?.message && !hasFieldErrors && !pending ? (
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
          defaultValue={posted?.ok === false ? (posted.values?.name ?? "") : ""}
          onChange={(event) => {
            setName(event.target.value);
            setNameEdited(true);
          }}
          aria-invalid={nameErrors?.length ? true : undefined}
          aria-describedby={nameErrors?.length ? `${id}-name-error` : undefined}
        />
        <FieldError id={`${id}-name-error`} messages={nameErrors} />
      </div>
      <NewPasswordField key={attempt} context={{ email, name }} errors={failed?.fieldErrors?.password} />
      <Button type="submit" className="w-full" disabled={busy} aria-disabled={busy}>
        {busy ? (
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
