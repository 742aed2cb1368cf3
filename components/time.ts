import { format, formatDistance } from "date-fns";

/**
 * Every date and count the app shows is formatted here, in en-US.
 *
 * Server HTML is rendered in the server's time zone, which is rarely the reader's. Until the page
 * has hydrated (`local` false) dates are printed in UTC, so server and client markup agree; after
 * hydration they switch to the browser's zone.
 */

const DAY_UTC = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric", year: "numeric" });

/** "Nov 26, 2026". */
export function formatDay(iso: string, local: boolean): string {
  if (local) return format(new Date(iso), "MMM d, yyyy");
  return DAY_UTC.format(new Date(iso));
}

const EXACT_LOCAL = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "long", hourCycle: "h23" });
const EXACT_UTC = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "long", hourCycle: "h23", timeZone: "UTC" });

/** "Nov 26, 2026, 14:03:12 GMT+1": a date a person reads, with the zone it is in. */
export function formatExact(iso: string, local: boolean): string {
  return (local ? EXACT_LOCAL : EXACT_UTC).format(new Date(iso));
}

const DATE_TIME_LOCAL = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });
const DATE_TIME_UTC = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** "Nov 26, 2026, 2:03 PM": to the minute, without the zone (callers say "UTC" where it is). */
export function formatDateTime(iso: string, local: boolean): string {
  return (local ? DATE_TIME_LOCAL : DATE_TIME_UTC).format(new Date(iso));
}

const CHART_DAY = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const CHART_HOUR = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" });

/** A chart bucket's label: "Nov 26" for a day, "14:00 UTC" for an hour (buckets are UTC). */
export function formatBucket(iso: string, unit: "day" | "hour"): string {
  return unit === "day" ? CHART_DAY.format(new Date(iso)) : `${CHART_HOUR.format(new Date(iso))} UTC`;
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

const COUNT = new Intl.NumberFormat("en-US");

/** "12,345". */
export function formatCount(n: number): string {
  return COUNT.format(n);
}
