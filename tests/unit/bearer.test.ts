import { describe, expect, it } from "vitest";
import { parseAuthorization } from "@/lib/http/route";
import { safeCallbackPath } from "@/lib/http/safe-redirect";

const KEY = "sk_live_" + "a".repeat(38);

describe("Authorization header parsing (RFC 6750 §2.1)", () => {
  it.each([
    [null, "missing"],
    ["", "missing"],
    ["   ", "missing"],
    [`Bearer ${KEY}`, { token: KEY }],
    [`bearer ${KEY}`, { token: KEY }],
    [`BEARER ${KEY}`, { token: KEY }],
    [`Bearer  ${KEY}`, { token: KEY }], // 1*SP
    [`Bearer ${KEY} `, { token: KEY }], // trailing OWS is not part of the field value
    [`Bearer ${KEY} ${KEY}`, "malformed"],
    [`Bearer ${KEY},realm="x"`, "malformed"],
    ["Bearer", "malformed"],
    ["Bearer ", "malformed"],
    ["Basic dXNlcjpwYXNz", "malformed"],
    [KEY, "malformed"],
    [`Token ${KEY}`, "malformed"],
    [`Bearer\t${KEY}`, "malformed"],
  ] as const)("%j → %j", (header, expected) => {
    expect(parseAuthorization(header)).toEqual(expected);
  });
});

describe("callback paths after sign-in", () => {
  it.each([
    ["/settings/members", "/settings/members"],
    ["/settings/api-keys?status=revoked", "/settings/api-keys?status=revoked"],
    ["https://evil.test", "/settings/api-keys"],
    ["//evil.test", "/settings/api-keys"],
    ["/\\evil.test", "/settings/api-keys"],
    ["/login", "/settings/api-keys"],
    [undefined, "/settings/api-keys"],
  ])("%s → %s", (input, expected) => {
    expect(safeCallbackPath(input)).toBe(expected);
  });
});

describe("callback paths that browsers would turn into another origin", () => {
  it.each(["/\t/evil.test", "/\n/evil.test", "/\r\n/evil.test", "/%09/evil.test".replace("%09", "\t"), "/ /evil.test", "/\u0000x"])(
    "%j is refused",
    (input) => {
      expect(safeCallbackPath(input)).toBe("/settings/api-keys");
    },
  );
});
