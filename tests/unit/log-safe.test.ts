import { describe, expect, it } from "vitest";
import { logSafe } from "@/lib/validation";

describe("logSafe: request-derived text in one log line", () => {
  it("writes newlines and other control characters as escapes: no forged line", () => {
    const forged = "x]\n[db] applied migrations: FORGED";
    const safe = logSafe(forged);
    expect(safe).not.toMatch(/[\n\r]/);
    expect(safe).toBe("x]\\n[db] applied migrations: FORGED");
    expect(logSafe("a\r\nb\u001b[2Jc\u0000d\u2028e\u202ef\u200bg")).toBe("a\\r\\nb\\u001b[2Jc\\u0000d\\u2028e\\u202ef\\u200bg");
  });

  it("reads an Error's message and cuts long text, saying how long it was", () => {
    expect(logSafe(new Error("boom\nline"))).toBe("boom\\nline");
    const long = logSafe("x".repeat(100_000));
    expect(long.length).toBeLessThan(600);
    expect(long).toContain("(100000 characters)");
  });

  it("escapes the surrogate half a cut may leave", () => {
    expect(logSafe(`${"x".repeat(9)}😀`, 10)).toMatch(/^x{9}\\ud83d… \(11 characters\)$/);
  });

  it("never throws on a value without a usable toString", () => {
    expect(logSafe(Object.create(null))).toBe("[object Object]");
    expect(logSafe(42)).toBe("42");
  });
});
