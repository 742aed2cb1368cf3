import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { csrfTokenIsValid, usesSecureCookies } from "@/lib/auth/cookies";

const headers = (proto?: string) => new Headers(proto ? { "x-forwarded-proto": proto } : {});

describe("next-auth's cookie names and CSRF check, as the sign-out route and proxy.ts read them", () => {
  it("secure cookies exactly when next-auth uses them: behind TLS (X-Forwarded-Proto) or an https NEXTAUTH_URL", () => {
    expect(usesSecureCookies(headers("http"))).toBe(false);
    expect(usesSecureCookies(headers("https"))).toBe(true);
    expect(usesSecureCookies(headers("https, http"))).toBe(true);
    // next-auth reads anything but exactly "http" as https, and names its cookies accordingly.
    expect(usesSecureCookies(headers("http, https"))).toBe(true);
    expect(usesSecureCookies(headers())).toBe(false);
    process.env.NEXTAUTH_URL = "http://dash.example";
    try {
      expect(usesSecureCookies(headers("https"))).toBe(false);
    } finally {
      delete process.env.NEXTAUTH_URL;
    }
  });

  it("accepts only the form token whose cookie carries sha256(token + secret)", () => {
    const secret = "s".repeat(32);
    const token = "a1b2c3";
    const cookie = `${token}|${createHash("sha256").update(`${token}${secret}`).digest("hex")}`;
    expect(csrfTokenIsValid(token, cookie, secret)).toBe(true);
    expect(csrfTokenIsValid("other", cookie, secret)).toBe(false);
    expect(csrfTokenIsValid(token, cookie, "another secret of 32 characters!")).toBe(false);
    expect(csrfTokenIsValid(token, `${token}|deadbeef`, secret)).toBe(false);
    expect(csrfTokenIsValid(null, cookie, secret)).toBe(false);
    expect(csrfTokenIsValid(token, undefined, secret)).toBe(false);
  });
});
