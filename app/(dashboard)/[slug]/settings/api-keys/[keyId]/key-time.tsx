"use client";

import { formatDay, formatExact, formatExpiry } from "@/components/time";
import { useHydrated } from "@/components/use-hydrated";

/** A date (or "in 3 days" / "5 minutes ago"), with the exact local time on hover. */
export function KeyTime({ iso, now, relative }: { iso: string; now: number; relative?: boolean }) {
  const hydrated = useHydrated();
  const text = relative ? formatExpiry(iso, now) : formatDay(iso, hydrated);
  return (
    <time dateTime={iso} title={formatExact(iso, hydrated)}>
      {text}
    </time>
  );
}
