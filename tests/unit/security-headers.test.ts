import { describe, expect, it } from "vitest";
import { API_CONTENT_SECURITY_POLICY, securityHeaders, STRICT_TRANSPORT_SECURITY } from "@/lib/http/security-headers.mjs";

const asObject = (headers: ReadonlyArray<readonly [string, string]>) => Object.fromEntries(headers);

describe("securityHeaders", () => {
  it("hardens every response, pages and static files included", () => {
    for (const path of ["/", "/login", "/acme/settings/api-keys", "/_next/static/chunks/app.js", "/icon.svg"]) {
      expect(asObject(securityHeaders(path, undefined))).toEqual({
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
      });
    }
  });

  it("gives the API (and next-auth's pages under it) a policy that allows no script", () => {
    for (const path of ["/api", "/api/health", "/api/v1/ping", "/api/auth/signout"]) {
      expect(asObject(securityHeaders(path, undefined))["Content-Security-Policy"]).toBe(API_CONTENT_SECURITY_POLICY);
    }
    expect(API_CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(API_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    // Not a prefix match on "/api": a page that merely starts with the letters keeps the page policy (proxy.ts).
    expect(asObject(securityHeaders("/apidocs", undefined))["Content-Security-Policy"]).toBeUndefined();
  });

  it("sends HSTS only when served over HTTPS through a proxy", () => {
    expect(asObject(securityHeaders("/login", "https"))["Strict-Transport-Security"]).toBe(STRICT_TRANSPORT_SECURITY);
    expect(asObject(securityHeaders("/api/health", "https"))["Strict-Transport-Security"]).toBe(STRICT_TRANSPORT_SECURITY);
    for (const proto of [undefined, "http", ["https", "http"]]) {
      expect(asObject(securityHeaders("/login", proto))["Strict-Transport-Security"]).toBeUndefined();
    }
  });

  it("returns a new list each time: a caller can't change the shared one", () => {
    const first = securityHeaders("/", undefined);
    first.push(["X-Test", "1"]);
    expect(securityHeaders("/", undefined)).toHaveLength(3);
  });
});
