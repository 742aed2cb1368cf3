"use client";

import { Loader2 } from "lucide-react";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useActionState, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { acceptInvitationAction, type AcceptResult } from "./actions";

/**
 * A signed-in user whose email is the invited one: one button, in a form posted to the action, so
 * it works without JavaScript too (the action then redirects); hydrated, it calls the action itself.
 */
export function AcceptInvitation({ token, email, organization }: { token: string; email: string; organization: string }) {
  const router = useRouter();
  const [posted, formAction] = useActionState(acceptInvitationAction, null);
  const [answered, setAnswered] = useState<AcceptResult | null>(null);
  const [pending, startTransition] = useTransition();
  const [accepted, setAccepted] = useState(false);
  const result = answered ?? posted;
  const error = result?.ok === false ? result.message : null;

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    form.set("js", "1");
    setAnswered(null);
    startTransition(async () => {
      try {
        const answer = await acceptInvitationAction(null, form);
        if (answer.ok) {
          setAccepted(true);
          router.replace(answer.data.next);
          router.refresh();
          return;
        }
        setAnswered(answer);
      } catch {
        setAnswered({ ok: false, message: "The server couldn't be reached. Check your connection and try again." });
      }
    });
  }

  const busy = pending || accepted;

  return (
    <form action={formAction} onSubmit={onSubmit} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <p className="text-sm">
        You&apos;re signed in as <span className="font-medium">{email}</span>. Accepting adds {organization} to your organizations.
      </p>
      {error && !pending ? (
        <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          {error}
        </p>
      ) : null}
      <Button type="submit" className="w-full" disabled={busy} aria-disabled={busy}>
        {busy ? (
          <>
            <Loader2 className="animate-spin" aria-hidden="true" />
            Accepting…
          </>
        ) : (
          "Accept invitation"
        )}
      </Button>
    </form>
  );
}

/** Signed in as someone else: sign out and come back to this invitation. */
export function SignOutAndSwitch({ callbackUrl }: { callbackUrl: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="outline"
      className="w-full"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl });
      }}
    >
      {pending ? "Signing out…" : "Sign out and use another account"}
    </Button>
  );
}
