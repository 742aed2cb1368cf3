import { createHash, timingSafeEqual } from "node:crypto";
import { isSameOriginCallbackUrl } from "@/lib/http/safe-redirect";

type Headers = { get(name: string): string | null };

/**
 * Whether next-auth names its cookies `__Secure-…`/`__Host-…`: as it decides, from NEXTAUTH_URL or,
 * with AUTH_TRUST_HOST, from X-Forwarded-Proto. Code that reads the session cookie itself (proxy.ts,
 * the sign-out route) must look for the same name, or behind a TLS-terminating proxy it would see
 * nobody signed in.
 */
export function usesSecureCookies(headers: Headers): boolean {
  const url = process.env.NEXTAUTH_URL;
  if (url) return url.startsWith("https://");
  // Next's server sets the header on every request (from the socket when the client sent none).
  // next-auth compares the whole value with "http": "http, https" (a proxy that appends) is https to it.
  const proto = headers.get("x-forwarded-proto");
  return proto !== null && proto.trim() !== "http";
}

/**
 * next-auth's double-submit check: the form's csrfToken must be the token in the CSRF cookie,
 * whose second half is sha256(token + secret). next-auth makes the same check before signing out.
 */
export function csrfTokenIsValid(formToken: string | null, cookieValue: string | undefined, secret: string): boolean {
  if (!formToken || !cookieValue) return false;
  const [token, hash] = cookieValue.split("|");
  if (!token || !hash || token !== formToken) return false;
  const expected = createHash("sha256").update(`${token}${secret}`).digest("hex");
  return expected.length === hash.length && timingSafeEqual(Buffer.from(expected), Buffer.from(hash));
}

/** next-auth's callback-url cookie, under both of the names it may use. */
export const CALLBACK_URL_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"] as const;

/**
 * The origin next-auth works out for a request: NEXTAUTH_URL's, else (AUTH_TRUST_HOST, which
 * lib/auth/options.ts sets) `https://` unless X-Forwarded-Proto says `http`, and X-Forwarded-Host
 * or Host, raw. Null when those make no URL (`Host: a b`): next-auth's own parse of it throws, a 500
 * on every route and page that reads the session.
 */
export function authOrigin(headers: Headers): string | null {
  let url = process.env.NEXTAUTH_URL;
  if (!url) {
    const host = headers.get("x-forwarded-host") ?? headers.get("host");
    if (!host) return null;
    url = `${headers.get("x-forwarded-proto") === "http" ? "http" : "https"}://${host}`;
  }
  try {
    const parsed = new URL(url.startsWith("http") ? url : `https://${url}`);
    return parsed.origin === "null" ? null : parsed.origin;
  } catch {
    return null;
  }
}

/** The callback-url cookies of a request that next-auth would choke on, or that point off `origin`. */
export function unusableCallbackCookies(cookies: { get(name: string): { value: string } | undefined }, origin: string): string[] {
  return CALLBACK_URL_COOKIES.filter((name) => {
    const cookie = cookies.get(name);
    return cookie !== undefined && !isSameOriginCallbackUrl(cookie.value, origin);
  });
}
