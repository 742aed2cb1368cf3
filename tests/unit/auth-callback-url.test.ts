import { describe, expect, it } from "vitest";
import { authOrigin, unusableCallbackCookies } from "@/lib/auth/cookies";
import { isSameOriginCallbackUrl } from "@/lib/http/safe-redirect";

// What app/api/auth/[...nextauth]/route.ts and proxy.ts hand to next-auth as a callback URL (query,
// form field, cookie): next-auth answers one its URL parser can't read with a 500.

const ORIGIN = "http://localhost:3000";

describe("isSameOriginCallbackUrl", () => {
  it.each([["/"], ["/acme/settings/api-keys?status=revoked#x"], ["http://localhost:3000"], ["http://localhost:3000/acme"]])("%j is kept", (value) => {
    expect(isSameOriginCallbackUrl(value, ORIGIN)).toBe(true);
  });

  it.each([
    ["%"],
    ["%25"],
    [""],
    ["http://127.0.0.1:3000.evil.test/"],
    ["http://localhost:3000.evil.test/"],
    ["https://localhost:3000/"],
    ["http://evil.test/"],
    ["//evil.test"],
    ["/\\evil.test"],
    ["/\t/evil.test"],
    ["javascript:alert(1)"],
    ["data:text/html,x"],
    ["acme"],
    [`/${"x".repeat(3000)}`],
  ])("%j is dropped", (value) => {
    expect(isSameOriginCallbackUrl(value, ORIGIN)).toBe(false);
  });

  it("compares with the origin next-auth works out, https behind TLS", () => {
    expect(isSameOriginCallbackUrl("https://dash.example/acme", "https://dash.example")).toBe(true);
    expect(isSameOriginCallbackUrl("http://dash.example/acme", "https://dash.example")).toBe(false);
  });
});

describe("authOrigin: next-auth's origin for a request", () => {
  it("is the forwarded or direct host, https unless X-Forwarded-Proto says http", () => {
    expect(authOrigin(new Headers({ host: "localhost:3000", "x-forwarded-proto": "http" }))).toBe("http://localhost:3000");
    expect(authOrigin(new Headers({ host: "internal:3000", "x-forwarded-host": "dash.example", "x-forwarded-proto": "https" }))).toBe("https://dash.example");
    expect(authOrigin(new Headers({ host: "dash.example" }))).toBe("https://dash.example");
  });

  it("is null for a host next-auth can't make a URL of (it would throw: a 500)", () => {
    expect(authOrigin(new Headers({ host: "a b" }))).toBeNull();
    expect(authOrigin(new Headers({ host: "localhost:3000", "x-forwarded-host": "a, b" }))).toBeNull();
    expect(authOrigin(new Headers({}))).toBeNull();
  });

  it("is NEXTAUTH_URL's origin when that is set", () => {
    process.env.NEXTAUTH_URL = "https://dash.example/app";
    try {
      expect(authOrigin(new Headers({ host: "a b" }))).toBe("https://dash.example");
    } finally {
      delete process.env.NEXTAUTH_URL;
    }
  });
});

describe("unusableCallbackCookies", () => {
  const jar = (cookies: Record<string, string>) => ({ get: (name: string) => (name in cookies ? { value: cookies[name]! } : undefined) });

  it("names each callback-url cookie (plain or __Secure-) that isn't a page of this origin", () => {
    expect(unusableCallbackCookies(jar({ "next-auth.callback-url": "%" }), ORIGIN)).toEqual(["next-auth.callback-url"]);
    expect(unusableCallbackCookies(jar({ "__Secure-next-auth.callback-url": "javascript:x" }), ORIGIN)).toEqual(["__Secure-next-auth.callback-url"]);
    expect(unusableCallbackCookies(jar({ "next-auth.callback-url": ORIGIN, other: "%" }), ORIGIN)).toEqual([]);
    expect(unusableCallbackCookies(jar({}), ORIGIN)).toEqual([]);
  });
});
