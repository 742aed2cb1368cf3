"use client";

import { Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useId, useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NewPasswordField } from "@/components/new-password-field";
import { signUpAction, type SignUpResult, type SignUpValues } from "./actions";

const EMPTY: SignUpValues = { name: "", email: "", organizationName: "" };
const FIELDS = ["name", "email", "password", "organizationName"] as const;

/**
 * Posts to a server action that creates the account and signs in: before React hydrates, or
 * without JavaScript, the browser's own POST does it all and is redirected; once hydrated, the
 * submit handler calls the action itself, so a network failure is answered inline.
 */
export function SignUpForm() {
  const router = useRouter();
  const id = useId();
  const [draft, setDraft] = useState<SignUpValues>(EMPTY);
  // `posted`: the answer to a plain HTML submission, rendered by the server; `answered`: the hydrated page's.
  const [posted, formAction] = useActionState(signUpAction, null);
  const [answered, setAnswered] = useState<SignUpResult | null>(null);
  const [pending, startTransition] = useTransition();
  const state = answered ?? posted;
  const formRef = useRef<HTMLFormElement>(null);
  const failed = state?.ok === false ? state : null;
  const submitted = failed?.values ?? EMPTY;
  const errorOf = (field: keyof SignUpValues) => (draft[field] === submitted[field] ? failed?.fieldErrors?.[field] : undefined);
  const hasFieldErrors = FIELDS.some((f) => failed?.fieldErrors?.[f]?.length);

  useEffect(() => {
    // The first field the server refused, in the form's order.
    if (state?.ok === false) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    formData.set("js", "1");
    startTransition(async () => {
      try {
        const result = await signUpAction(null, formData);
        setAnswered(result);
        if (result.ok) {
          router.replace(result.data.next);
          router.refresh();
        }
      } catch {
        setAnswered({
          ok: false,
          message: "The server couldn't be reached. Check your connection and try again.",
          values: { name: String(formData.get("name") ?? ""), email: String(formData.get("email") ?? ""), organizationName: String(formData.get("organizationName") ?? "") },
        });
      }
    });
  }

  const text = (field: keyof SignUpValues, label: string, props: React.ComponentProps<typeof Input>) => {
    const errors = errorOf(field);
    return (
      <div className="grid gap-2">
        <Label htmlFor={`${id}-${field}`}>{label}</Label>
        <Input
          id={`${id}-${field}`}
          name={field}
          required
          aria-required="true"
          defaultValue={submitted[field]}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={errors?.length ? `${id}-${field}-error` : undefined}
          {...props}
        />
        <FieldError id={`${id}-${field}-error`} messages={errors} />
      </div>
    );
  };

  const done = state?.ok === true;
  return (
    <form
      ref={formRef}
      action={formAction}
      onSubmit={onSubmit}
      noValidate
      className="grid gap-5"
      onChange={(event) => {
        const data = new FormData(event.currentTarget);
        setDraft({ name: String(data.get("name") ?? ""), email: String(data.get("email") ?? ""), organizationName: String(data.get("organizationName") ?? "") });
      }}
    >
      {failed && !hasFieldErrors && !pending ? (
        <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          {failed.message}
        </p>
      ) : null}
      {text("name", "Name", { autoComplete: "name" })}
      {text("email", "Email", { type: "email", autoComplete: "username" })}
      <NewPasswordField context={{ email: draft.email, name: draft.name }} errors={failed?.fieldErrors?.password} />
      {text("organizationName", "Organization name", { autoComplete: "organization" })}
      <Button type="submit" className="w-full" disabled={pending || done} aria-disabled={pending || done}>
        {pending || done ? (
          <>
            <Loader2 className="animate-spin" aria-hidden="true" />
            {done ? "Signing in…" : "Creating account…"}
          </>
        ) : (
          "Create account"
        )}
      </Button>
    </form>
  );
}
