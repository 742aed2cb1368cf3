import { z } from "zod";
import { COMMON_PASSWORDS } from "@/lib/auth/common-passwords";

// The rules for a password someone chooses (joining, sign-up, a password change), after NIST SP
// 800-63B: a minimum length, no composition rules, and a refusal of passwords that are known to be
// common. Plain TypeScript with no server imports: the forms run the same checks as the password is
// typed, and the server runs them again.

export const PASSWORD_MIN_LENGTH = 12;
/** bcrypt ignores everything past 72 bytes; a longer password would only seem stronger. */
export const PASSWORD_MAX_BYTES = 72;

const COMMON = new Set(COMMON_PASSWORDS);

export type PasswordContext = { email?: string | null; name?: string | null };

const byteLength = (value: string) => new TextEncoder().encode(value).length;

/** The letters of a password, lower-cased: "Password2024!" → "password". */
const stem = (password: string) => password.toLowerCase().replace(/[^\p{L}]/gu, "");

/** "abcabcabcabc", "aaaaaaaaaaaa", "121212121212": a short unit repeated. */
function isRepetition(password: string): boolean {
  for (let size = 1; size <= password.length / 3; size++) {
    if (password.length % size === 0 && password.slice(0, size).repeat(password.length / size) === password) return true;
  }
  return false;
}

/** Runs of consecutive characters, allowing one break ("123456789012", "abcdefghijkl", "987654321"). */
function isSequence(password: string): boolean {
  const codes = [...password.toLowerCase()].map((c) => c.codePointAt(0)!);
  const breaks = codes.slice(1).filter((code, i) => Math.abs(code - codes[i]!) > 1).length;
  return breaks <= 1;
}

// The substitutions people make to "strengthen" a word: p@ssw0rd, pa55word, l3tm31n.
const LEET: Record<string, string> = { "@": "a", "4": "a", "8": "b", "3": "e", "6": "g", "1": "i", "!": "i", "0": "o", "5": "s", $: "s", "7": "t", "+": "t" };
const unleet = (value: string) => [...value].map((c) => LEET[c] ?? c).join("");

/** The forms of a password compared with the list: as typed, without its digits and symbols, and
 * with the digits and symbols around it cut off and the rest read back from leetspeak. */
function candidates(password: string): string[] {
  const lower = password.toLowerCase();
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
  return [lower, lower.replace(/[^\p{L}\p{N}]/gu, ""), stem(lower), unleet(core), stem(unleet(core))].filter((c) => c.length > 0);
}

/** Whether the password is, or is built on, a commonly used password, or on who the user is. */
export function commonPasswordReason(password: string, context: PasswordContext = {}): string | null {
  const lower = password.toLowerCase();
  const letters = stem(password);
  if (candidates(password).some((candidate) => COMMON.has(candidate))) {
    return "This password is too common: it is on lists attackers try first. Choose something less predictable.";
  }
  if (isRepetition(lower) || isSequence(lower) || new Set(lower).size < 4) {
    return "This password is too predictable (repeated or consecutive characters). Choose something less predictable.";
  }
  const local = context.email?.split("@")[0]?.toLowerCase() ?? "";
  const personal = [local, stem(local), ...(context.name ?? "").toLowerCase().split(/\s+/)].filter((part) => part.length >= 4);
  if (personal.some((part) => letters === stem(part) || lower === part)) {
    return "Don't use your name or email address as your password.";
  }
  return null;
}

/** Every problem with a new password, in the order to fix them; empty when it is acceptable. */
export function passwordProblems(password: string, context: PasswordContext = {}): string[] {
  if (password.length === 0) return ["Enter a password."];
  if ([...password].length < PASSWORD_MIN_LENGTH) return [`Use at least ${PASSWORD_MIN_LENGTH} characters.`];
  if (byteLength(password) > PASSWORD_MAX_BYTES) {
    return [`Use at most ${PASSWORD_MAX_BYTES} characters (fewer with accented letters or emoji): only the first ${PASSWORD_MAX_BYTES} bytes would count.`];
  }
  const common = commonPasswordReason(password, context);
  return common ? [common] : [];
}

export type PasswordStrength = {
  /** 0 (refused) to 4 (strong). */
  score: 0 | 1 | 2 | 3 | 4;
  label: "Too weak" | "Weak" | "Fair" | "Good" | "Strong";
};

const LABELS: PasswordStrength["label"][] = ["Too weak", "Weak", "Fair", "Good", "Strong"];

/**
 * A rough guide shown as the password is typed: anything the policy refuses is "Too weak"; beyond
 * that, an estimate of the guesses a brute-force attacker needs (length × the alphabet in use),
 * discounted for characters used more than once. Not a promise, only a nudge towards length.
 */
export function passwordStrength(password: string, context: PasswordContext = {}): PasswordStrength {
  if (passwordProblems(password, context).length > 0) return { score: 0, label: LABELS[0]! };
  let alphabet = 0;
  if (/\p{Ll}/u.test(password)) alphabet += 26;
  if (/\p{Lu}/u.test(password)) alphabet += 26;
  if (/\p{N}/u.test(password)) alphabet += 10;
  if (/[^\p{L}\p{N}]/u.test(password)) alphabet += 33;
  if (/[^\u0000-\u007f]/.test(password)) alphabet += 50;
  const distinct = new Set(password).size;
  const effectiveLength = Math.min([...password].length, distinct * 1.5);
  const bits = effectiveLength * Math.log2(Math.max(alphabet, 10));
  const score = bits < 50 ? 1 : bits < 65 ? 2 : bits < 80 ? 3 : 4;
  return { score, label: LABELS[score]! };
}

/** A new password, for the zod schemas of the join, sign-up and change-password forms. */
export function newPasswordSchema(context: PasswordContext = {}) {
  return z.string().superRefine((password, ctx) => {
    for (const message of passwordProblems(password, context)) ctx.addIssue({ code: "custom", message });
  });
}
