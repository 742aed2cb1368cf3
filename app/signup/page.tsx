import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { env } from "@/lib/platform/config";
import { getUserContext } from "@/lib/auth/context";
import { SignUpForm } from "./signup-form";

export const metadata: Metadata = { title: "Sign up" };

/**
 * Open sign-up exists only with ALLOW_SIGNUP=true. Otherwise the page says how to get in (an
 * invitation) rather than answering 404: someone sent here by a stale link learns what to do.
 */
export default async function SignUpPage() {
  if (await getUserContext()) redirect("/");
  const open = env().allowSignup;
  return (
    <main id="main" className="flex min-h-screen items-center justify-center bg-muted/40 px-4 py-10">
      <div className="w-full max-w-md space-y-6">
        <p className="text-center text-2xl font-semibold tracking-tight">Paygentic</p>
        <div className="bg-background space-y-5 rounded-xl border p-6 shadow-sm">
          {open ? (
            <>
              <div className="space-y-1">
                <h1 className="text-xl font-semibold tracking-tight">Create your account</h1>
                <p className="text-muted-foreground text-sm">You&apos;ll be the owner of a new organization, and can invite your team from it.</p>
              </div>
              <SignUpForm />
            </>
          ) : (
            <>
              <h1 className="text-xl font-semibold tracking-tight">Sign-up is by invitation only</h1>
              <p className="text-muted-foreground text-sm">
                To join, ask an owner or admin of your organization for an invitation link: they create one on their
                organization&apos;s Members page.
              </p>
            </>
          )}
          <p className="text-muted-foreground text-sm">
            Already have an account?{" "}
            <Link href="/login" className="text-foreground font-medium underline underline-offset-4">
              Sign in
            </Link>
          </p>
        </div>
      </div>
    </main>
  );
}
