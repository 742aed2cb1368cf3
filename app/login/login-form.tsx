"use client";

import { useRouter } from "next/navigation";
import { useActionState, useId, useRef, useState, useTransition } from "react";
import { FieldError } from "@/components/ui/field-error";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { signInAction, type SignInResult } from "./actions";

const UNREACHABLE: SignInResult = { ok: false, message: "Could not reach the server. Check your connection and try again." };

/**
 * A real `method="post"` form bound to a server action: submitted before React hydrates, or without
 * JavaScript, the browser posts it and the action signs in and redirects. Once hydrated, the submit
 * handler checks for empty fields and calls the action itself, so a network failure is answered
 * here instead of by the error page, and nothing typed is reset.
 */
export function LoginForm({ callbackPath }: { callbackPath: string }) {
  const router = useRouter();
  const id = useId();
  // `posted`: the answer to a plain HTML submission, rendered by the server; `answered`: the hydrated page's.
  const [posted, formAction] = useActionState(signInAction, null);
  const [answered, setAnswered] = useState<SignInResult | null>(null);
  const [edited, setEdited] = useState<{ email?: boolean; password?: boolean }>({});
  const [pending, startTransition] = useTransition();
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const result = answered ?? posted;
  const failed = result?.ok === false ? result : null;
  const errorOf = (field: "email" | "password") => (edited[field] ? undefined : failed?.fieldErrors?.[field]);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    form.set("js", "1");
    // Empty fields are answered here: the server's reply to them would be the same, one round trip later.
    const missing = {
      email: String(form.get("email") ?? "").trim() ? undefined : ["Enter your email address."],
      password: String(form.get("password") ?? "") ? undefined : ["Enter your password."],
    };
    setEdited({});
    if (missing.email || missing.password) {
      setAnswered({ ok: false, message: "", fieldErrors: missing });
      (missing.email ? emailRef : passwordRef).current?.focus();
      return;
    }
    setAnswered(null);
    startTransition(async () => {
      try {
        const answer = await signInAction(null, form);
        if (answer.ok) {
          router.replace(answer.data.next);
          router.refresh();
          return;
        }
        setAnswered(answer);
      } catch {
        setAnswered(UNREACHABLE);
      }
    });
  }

  return (
    <Card>
      <CardContent>
        <form action={formAction} onSubmit={onSubmit} className="space-y-4" noValidate>
          <input type="hidden" name="callbackUrl" value={callbackPath} />
          <div className="space-y-2">
            <Label htmlFor="email">Email</Label>
            <Input
              ref={emailRef}
              id="email"
              name="email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              defaultValue={failed?.values?.email}
              aria-invalid={errorOf("email") ? true : undefined}
              aria-describedby={errorOf("email") ? `${id}-email-error` : undefined}
              onChange={() => setEdited((current) => ({ ...current, email: true }))}
            />
            <FieldError id={`${id}-email-error`} messages={errorOf("email")} />
          </div>
          <div className="space-y-2">
            <Label htmlFor="password">Password</Label>
            <Input
              ref={passwordRef}
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={errorOf("password") ? true : undefined}
              aria-describedby={errorOf("password") ? `${id}-password-error` : undefined}
              onChange={() => setEdited((current) => ({ ...current, password: true }))}
            />
            <FieldError id={`${id}-password-error`} messages={errorOf("password")} />
          </div>
          {failed?.message ? (
            <p role="alert" className="text-destructive text-sm">
              {failed.message}
            </p>
          ) : null}
          <Button type="submit" className="w-full" disabled={pending}>
            {pending ? "Signing in…" : "Sign in"}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
