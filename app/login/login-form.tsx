"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition } from "react";
import { FieldError } from "@/components/ui/field-error";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

const INVALID = "Invalid email or password";

function messageFor(error: string): string {
  // Thrown by authorize() for throttling; every other failure gets the one neutral answer.
  return error.startsWith("Too many attempts") ? error : INVALID;
}

export function LoginForm({ callbackPath }: { callbackPath: string }) {
  const router = useRouter();
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});
  const [pending, startTransition] = useTransition();
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    // Empty fields are answered here: the server's reply to them would be the misleading "Invalid email or password".
    const missing = {
      email: String(form.get("email") ?? "").trim() ? undefined : "Enter your email address.",
      password: String(form.get("password") ?? "") ? undefined : "Enter your password.",
    };
    setFieldErrors(missing);
    if (missing.email || missing.password) {
      (missing.email ? emailRef : passwordRef).current?.focus();
      return;
    }
    startTransition(async () => {
      try {
        const result = await signIn("credentials", {
          email: String(form.get("email") ?? ""),
          password: String(form.get("password") ?? ""),
          redirect: false,
        });
        if (!result || result.error || !result.ok) {
          setError(messageFor(result?.error ?? ""));
          return;
        }
        router.replace(callbackPath);
        router.refresh();
      } catch {
        setError("Could not reach the server. Check your connection and try again.");
      }
    });
  }

  return (
    <Card>
      <CardContent>
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
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
              aria-invalid={fieldErrors.email ? true : undefined}
              aria-describedby={fieldErrors.email ? `${id}-email-error` : undefined}
              onChange={() => fieldErrors.email && setFieldErrors((current) => ({ ...current, email: undefined }))}
            />
            <FieldError id={`${id}-email-error`} messages={fieldErrors.email ? [fieldErrors.email] : undefined} />
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
              aria-invalid={fieldErrors.password ? true : undefined}
              aria-describedby={fieldErrors.password ? `${id}-password-error` : undefined}
              onChange={() => fieldErrors.password && setFieldErrors((current) => ({ ...current, password: undefined }))}
            />
            <FieldError id={`${id}-password-error`} messages={fieldErrors.password ? [fieldErrors.password] : undefined} />
          </div>
          {error ? (
            <p role="alert" className="text-destructive text-sm">
              {error}
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
