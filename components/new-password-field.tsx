"use client";

import { useEffect, useId, useRef, useState } from "react";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { PASSWORD_MIN_LENGTH, passwordProblems, passwordStrength, type PasswordContext } from "@/lib/auth/password-policy";
import { cn } from "@/lib/utils";

const BAR_COLORS = ["bg-destructive", "bg-destructive", "bg-warning", "bg-primary/70", "bg-primary"];

/**
 * A new password with the policy's rules and a strength meter as it is typed: joining, sign-up and
 * the password change share it, and the server checks the same rules (lib/auth/password-policy.ts).
 * The password is never echoed back from the server: after a failed submit it is typed again.
 */
export function NewPasswordField({
  label = "Password",
  name = "password",
  context,
  errors,
}: {
  label?: string;
  name?: string;
  /** Who the password is for: a password made of their email or name is refused. */
  context: PasswordContext;
  errors?: string[];
}) {
  const id = useId();
  const ids = { input: `${id}-input`, hint: `${id}-hint`, meter: `${id}-meter`, error: `${id}-error` };
  // What the field holds, for the meter; the field itself is the form's (React resets the form after
  // a failed submit, and the password, never echoed back, is typed again).
  const [value, setValue] = useState("");
  // The server's message stays until the password is edited.
  const [edited, setEdited] = useState(false);
  const ownRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const form = ownRef.current?.form;
    if (!form) return;
    const onReset = () => {
      setValue("");
      setEdited(false);
    };
    form.addEventListener("reset", onReset);
    return () => form.removeEventListener("reset", onReset);
  }, []);
  const strength = passwordStrength(value, context);
  const problem = value ? passwordProblems(value, context)[0] : undefined;
  const shownErrors = edited ? undefined : errors;

  return (
    <div className="grid gap-2">
      <Label htmlFor={ids.input}>{label}</Label>
      <Input
        ref={ownRef}
        id={ids.input}
        name={name}
        type="password"
        autoComplete="new-password"
        required
        aria-required="true"
        onChange={(event) => {
          setValue(event.target.value);
          setEdited(true);
        }}
        aria-invalid={shownErrors?.length ? true : undefined}
        aria-describedby={[ids.hint, ids.meter, shownErrors?.length ? ids.error : ""].filter(Boolean).join(" ")}
      />
      <p id={ids.hint} className="text-xs text-muted-foreground">
        At least {PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong password that is easy to remember.
      </p>
      <div id={ids.meter} className="grid gap-1" data-testid="password-strength">
        <div className="flex gap-1" aria-hidden="true">
          {[1, 2, 3, 4].map((step) => (
            <span
              key={step}
              className={cn("h-1.5 flex-1 rounded-full bg-muted", value && strength.score >= step && BAR_COLORS[strength.score])}
            />
          ))}
        </div>
        <p className="text-xs" aria-live="polite">
          {value ? (
            <>
              <span className="font-medium">Strength: {strength.label}</span>
              {problem ? <span className="text-muted-foreground">. {problem}</span> : null}
            </>
          ) : (
            <span className="text-muted-foreground">Strength shows here as you type.</span>
          )}
        </p>
      </div>
      <FieldError id={ids.error} messages={shownErrors} />
    </div>
  );
}
