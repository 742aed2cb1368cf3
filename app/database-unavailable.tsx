"use client";

import { useEffect, useState } from "react";

// The 503 page, shown by the error boundaries for a DatabaseUnavailableError (lib/platform/db/errors.ts):
// the session couldn't be checked, so nothing is shown, but nobody is signed out either. Next 16
// answers such a page with a 500 (a page can only choose 404, 403, 401 or a redirect), so the
// Retry-After is kept here: the page retries by itself, backing off from 5 to 30 seconds.

const FIRST_DELAY_S = 5;
const MAX_DELAY_S = 30;

// Module state, not component state: each failed retry mounts a new boundary fallback, and the
// back-off must survive that. A quiet minute starts the next outage from the first delay again.
const retries = { count: 0, lastAt: 0 };

function nextDelaySeconds(now: number): number {
  if (now - retries.lastAt > 60_000) retries.count = 0;
  return Math.min(FIRST_DELAY_S * 2 ** retries.count, MAX_DELAY_S);
}

export function DatabaseUnavailable({ retry }: { retry: () => void }) {
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);

  useEffect(() => {
    let left = nextDelaySeconds(Date.now());
    const timer = setInterval(() => {
      left -= 1;
      setSecondsLeft(left);
      if (left > 0) return;
      clearInterval(timer);
      retries.count += 1;
      retries.lastAt = Date.now();
      retry();
    }, 1000);
    return () => clearInterval(timer);
  }, [retry]);

  return (
    <main id="main" className="mx-auto flex min-h-screen w-full max-w-xl flex-col items-start justify-center gap-4 px-4 py-16">
      <title>Service unavailable · Paygentic</title>
      <p className="text-2xl font-semibold tracking-tight">Paygentic</p>
      <h1 className="text-xl font-semibold">The database is unreachable; retrying…</h1>
      <p className="text-muted-foreground">
        The service can&apos;t reach its database right now, so this page can&apos;t be shown. You are still signed in and nothing you saved
        was lost. The page comes back by itself as soon as the database answers.
      </p>
      {/* Not a live region: a countdown read out every second would drown the page. */}
      <p className="text-sm">{secondsLeft === null || secondsLeft > 0 ? `Next try in ${secondsLeft ?? "a few"} seconds.` : "Trying again…"}</p>
      <button
        type="button"
        onClick={() => {
          retries.lastAt = Date.now();
          retry();
        }}
        className="bg-primary text-primary-foreground focus-visible:ring-ring inline-flex h-9 items-center rounded-md px-4 text-sm font-medium outline-none focus-visible:ring-[3px]"
      >
        Retry now
      </button>
    </main>
  );
}
