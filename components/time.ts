import { format, formatDistance } from "date-fns";

/**
 * Server HTML is rendered in the server's time zone, which is rarely the reader's. Until the page
 * has hydrated (`local` false) dates are printed in UTC, so server and client markup agree; after
 * hydration they switch to the browser's zone.
 */
export function formatDay(iso: string, local: boolean): string {
  if (local) return format(new Date(iso), "MMM d, yyyy");
  return new Date(iso).toLocaleDateString("en-US", { timeZone: "UTC", month: "short", day: "numeric", year: "numeric" });
}

const EXACT_LOCAL = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "long", hourCycle: "h23" });
const EXACT_UTC = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "long", hourCycle: "h23", timeZone: "UTC" });

/** "Nov 26, 2026, 14:03:12 GMT+1": a date a person reads, with the zone it is in. */
export function formatExact(iso: string, local: boolean): string {
  return (local ? EXACT_LOCAL : EXACT_UTC).format(new Date(iso));
}

/** "3 minutes ago", measured against the server's clock at render time (no hydration drift). */
export function formatRelative(iso: string, now: number): string {
  // A use recorded after the page's `now` would read "in less than a minute".
  const then = Math.min(new Date(iso).getTime(), now);
  return formatDistance(then, now, { addSuffix: true });
}

/**
 * "in 29 days" / "3 days ago": an expiry against the server's clock at render time. Unlike
 * formatRelative, the future is the point here.
 */
export function formatExpiry(iso: string, now: number): string {
  return formatDistance(new Date(iso).getTime(), now, { addSuffix: true });
}
