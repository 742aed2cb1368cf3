import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getUserContext } from "@/lib/auth/context";
import { safeCallbackPath } from "@/lib/http/safe-redirect";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const { callbackUrl } = await searchParams;
  const next = safeCallbackPath(typeof callbackUrl === "string" ? callbackUrl : undefined);
  if (await getUserContext()) redirect(next);
  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/40 px-4">
      <div className="w-full max-w-sm space-y-6">
        <div className="space-y-1 text-center">
          <p className="text-2xl font-semibold tracking-tight">Paygentic</p>
          <h1 className="text-muted-foreground text-sm">Sign in to your dashboard</h1>
        </div>
        <LoginForm callbackPath={next} />
      </div>
    </main>
  );
}
