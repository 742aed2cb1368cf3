import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMMON_PASSWORDS } from "@/lib/auth/common-passwords";
import {
  commonPasswordReason,
  newPasswordSchema,
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_LENGTH,
  passwordProblems,
  passwordStrength,
} from "@/lib/auth/password-policy";

const GOOD = "violet-harbour-71-kites";

describe("password policy", () => {
  it(`needs at least ${PASSWORD_MIN_LENGTH} characters, counted as characters, not UTF-16 units`, () => {
    expect(passwordProblems("")).toEqual(["Enter a password."]);
    expect(passwordProblems("x7#kQ2!mZp9")).toEqual([`Use at least ${PASSWORD_MIN_LENGTH} characters.`]);
    expect(passwordProblems("x7#kQ2!mZp9w")).toEqual([]);
    // 11 emoji are 22 UTF-16 units but 11 characters.
    expect(passwordProblems("🦊🐙🦉🐝🦋🐢🦀🐬🦔🐿🦜")[0]).toMatch(/at least 12/);
  });

  it(`refuses more than ${PASSWORD_MAX_BYTES} bytes (bcrypt would ignore the rest)`, () => {
    const longest = "violet harbour 71 kites, tram lemon quietly orbit; 8 foxes jump logs!!?#";
    expect(longest).toHaveLength(PASSWORD_MAX_BYTES);
    expect(passwordProblems(longest)).toEqual([]);
    expect(passwordProblems(longest + "b")[0]).toMatch(/at most 72/);
    // 30 characters, 90 bytes.
    expect(passwordProblems("€".repeat(30))[0]).toMatch(/at most 72/);
  });

  it("refuses common passwords, with or without digits and symbols around them, in any case", () => {
    for (const password of ["password1234", "Password2024!", "iloveyou1234", "qwertyuiop123", "P@ssw0rd12345", "pa55word!!2026", "123456789012", "correcthorsebatterystaple", "LetMeIn!!2026"]) {
      expect(commonPasswordReason(password), password).not.toBeNull();
      expect(passwordProblems(password), password).toHaveLength(1);
    }
  });

  it("refuses repeated and consecutive characters", () => {
    for (const password of ["aaaaaaaaaaaa", "abcabcabcabc", "abcdefghijklm", "987654321098", "zyxwvutsrqpo", "ababababababab", "aabbaabbaabb"]) {
      expect(commonPasswordReason(password), password).toMatch(/predictable/);
    }
  });

  it("refuses the user's own email or name", () => {
    expect(commonPasswordReason("jonathan.smithers", { email: "jonathan.smithers@example.test" })).toMatch(/name or email/);
    expect(commonPasswordReason("Jonathan2026!!", { name: "Jonathan Smithers" })).toMatch(/name or email/);
    expect(commonPasswordReason(GOOD, { email: "jonathan.smithers@example.test", name: "Jonathan Smithers" })).toBeNull();
  });

  it("accepts long unusual passwords and passphrases", () => {
    for (const password of [GOOD, "x7#kQ2!mZp9w", "tram lemon quietly orbit", "Ünïcødé-pässwörd-42"]) {
      expect(passwordProblems(password), password).toEqual([]);
    }
  });

  it("the common list is lower-case and the check is case-insensitive for every entry", () => {
    for (const entry of COMMON_PASSWORDS) {
      expect(entry).toBe(entry.toLowerCase());
      expect(commonPasswordReason(entry.toUpperCase() + "!!")).not.toBeNull();
    }
  });

  it("the zod schema reports the same messages", () => {
    const schema = newPasswordSchema({ email: "someone@example.test" });
    expect(schema.safeParse(GOOD).success).toBe(true);
    const parsed = schema.safeParse("password1234");
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toBe(passwordProblems("password1234")[0]);
  });
});

describe("password strength", () => {
  it("anything refused is 'Too weak'; longer and more varied scores higher", () => {
    expect(passwordStrength("short")).toEqual({ score: 0, label: "Too weak" });
    expect(passwordStrength("password1234").score).toBe(0);
    const weak = passwordStrength("kitesorbitsx").score;
    const strong = passwordStrength("Violet-Harbour-71-kites-&-Tram").score;
    expect(weak).toBeGreaterThan(0);
    expect(strong).toBe(4);
    expect(strong).toBeGreaterThan(weak);
  });

  it("is never 'Too weak' for a password the policy accepts, and always 'Too weak' for one it refuses", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 40 }), (password) => {
        const accepted = passwordProblems(password).length === 0;
        expect(passwordStrength(password).score === 0).toBe(!accepted);
      }),
    );
  });
});
