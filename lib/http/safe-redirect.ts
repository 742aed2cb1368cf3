const DEFAULT_PATH = "/settings/api-keys";
const BASE = "http://callback.invalid";

/**
 * Only paths on our own origin: "/x?y" yes; "//evil.test", "https://evil.test", "/\evil.test" and
 * "/\t/evil.test" (browsers drop tabs and newlines, leaving "//evil.test") no. Parsing with the URL
 * parser browsers use, then keeping only path, query and fragment, settles every such trick.
 */
export function safeCallbackPath(value: string | undefined | null): string {
  if (!value || !value.startsWith("/") || /[\u0000-\u0020\u007f\\]/.test(value)) return DEFAULT_PATH;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return DEFAULT_PATH;
  }
  if (url.origin !== BASE) return DEFAULT_PATH;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (path.startsWith("//") || url.pathname === "/login" || url.pathname.startsWith("/login/") || path.length > 2048) return DEFAULT_PATH;
  return path;
}

/**
 * Whether next-auth may be handed `value` as a callback URL (its `callbackUrl` query or form field,
 * or its callback-url cookie): a path on `origin`, or an absolute URL of `origin` itself, as
 * next-auth sets the cookie. next-auth answers a value its URL parser can't read ("%",
 * "javascript:…", "http://127.0.0.1:3000.evil.test/") with a 500, on every route that reads it.
 */
export function isSameOriginCallbackUrl(value: string, origin: string): boolean {
  if (!value || value.length > 2048 || /[\u0000-\u0020\u007f\\]/.test(value) || value.startsWith("//")) return false;
  try {
    const base = new URL(origin);
    if (base.protocol !== "http:" && base.protocol !== "https:") return false;
    return new URL(value, value.startsWith("/") ? base : undefined).origin === base.origin;
  } catch {
    return false;
  }
}
