"use client";

import Link from "next/link";
import { useHydrated } from "@/components/use-hydrated";

/**
 * The branded body of both error boundaries. The reference is what a support request should
 * quote: the request id (set by the root layout when the proxy supplies one), else the digest
 * Next logs next to the server-side error.
 */
export function ErrorMessage({ digest, reset }: { digest?: string; reset: () => void }) {
  // Read from the document once hydrated: the server's markup has no body to ask.
  const hydrated = useHydrated();
  const requestId = hydrated ? (document.body.dataset.requestId ?? null) : null;
  const reference = requestId ?? digest ?? null;
  return (
    <main id="main" className="mx-auto flex min-h-screen w-full max-w-xl flex-col items-start justify-center gap-4 px-4 py-16">
      <p className="text-2xl font-semibold tracking-tight">Paygentic</p>
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="text-muted-foreground">
        This page couldn&apos;t be shown. Nothing you saved was lost. Try again; if it keeps happening, contact support
        {reference ? " and quote the reference below" : ""}.
      </p>
      {reference ? (
        <p className="text-sm">
          {requestId ? "Request ID" : "Error reference"}: <code className="bg-muted rounded px-1.5 py-0.5 font-mono">{reference}</code>
        </p>
      ) : null}
      <div className="flex gap-2">
        <button
          type="button"
          onClick={reset}
          className="bg-primary text-primary-foreground focus-visible:ring-ring inline-flex h-9 items-center rounded-md px-4 text-sm font-medium outline-none focus-visible:ring-[3px]"
        >
          Try again
        </button>
        <Link
          href="/"
          className="focus-visible:ring-ring inline-flex h-9 items-center rounded-md border px-4 text-sm font-medium outline-none focus-visible:ring-[3px]"
        >
          Go home
        </Link>
      </div>
    </main>
  );
}
