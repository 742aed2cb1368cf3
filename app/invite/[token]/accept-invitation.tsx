"use client";

import { Loader2 } from "lucide-react";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { acceptInvitationAction } from "./actions";

/** A signed-in user whose email is the invited one: one button. */
export function AcceptInvitation({ token, email, organization }: { token: string; email: string; organization: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function accept() {
    setError(null);
    startTransition(async () => {
      try {
        const result = await acceptInvitationAction({ token });
        if (!result.ok) {
          setError(result.message);
          return;
        }
        router.replace(result.data.next);
        router.refresh();
      } catch {
        setError("The server couldn't be reached. Check your connection and try again.");
      }
    });
  }

  return (
    <div className="space-y-4">
      <p className="text-sm">
        You&apos;re signed in as <span className="font-medium">{email}</span>. Accepting adds {organization} to your organizations.
      </p>
      {error ? (
        <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          {error}
        </p>
      ) : null}
      <Button className="w-full" onClick={accept} disabled={pending} aria-disabled={pending}>
        {pending ? (
          <>
            <Loader2 className="animate-spin" aria-hidden="true" />
            Accepting…
          </>
        ) : (
          "Accept invitation"
        )}
      </Button>
    </div>
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
