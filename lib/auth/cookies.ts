import { createHash, timingSafeEqual } from "node:crypto";

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
  return (headers.get("x-forwarded-proto") ?? "").split(",")[0]!.trim() === "https";
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
