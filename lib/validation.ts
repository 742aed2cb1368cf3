import { z } from "zod";

// Checks shared by every schema that takes user input: nothing a user sends may make the database
// fail (a 500) instead of being refused (a 400), or display as something it is not.

// PostgreSQL refuses U+0000 in text (SQLSTATE 22021). An unpaired surrogate has no UTF-8 form: the
// drivers silently store U+FFFD instead, so what was sent would not be what is kept.
const UNSTORABLE = /[\u0000\p{Cs}]/u;

// What a reader can't see, or that reorders what they see: controls (Cc), format characters (Cf:
// bidi overrides and isolates, zero-width space and joiners, word joiner, BOM, soft hyphen…), line
// and paragraph separators, and the Hangul fillers that render as blanks. With U+202E,
// "deploy\u202Eyek-dlo" reads as "deployold-key".
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0]/u;
// The same, less the line breaks a textarea produces.
const INVISIBLE_EXCEPT_NEWLINES = /[\p{Cf}\p{Cs}\p{Zl}\p{Zp}\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u115f\u1160\u3164\uffa0]/u;

export const isStorableText = (value: string): boolean => !UNSTORABLE.test(value);
/** One line people read in the dashboard (a name). */
export const isVisibleLine = (value: string): boolean => !INVISIBLE.test(value);
/** Text people read that may span lines (a description, typed in a textarea). */
export const isVisibleText = (value: string): boolean => !INVISIBLE_EXCEPT_NEWLINES.test(value);

// A name made only of combining marks or blank-looking symbols (U+2800, the blank Braille pattern)
// displays as nothing: a name needs at least one letter, digit, punctuation mark or symbol that shows.
const SHOWS = /[\p{L}\p{N}\p{P}\p{S}]/u;
export const hasVisibleCharacter = (value: string): boolean => SHOWS.test(value.replace(/\u2800/g, ""));

export const invisibleMessage = (field: string) =>
  `${field} can't contain invisible or control characters (such as tabs, zero-width or text-direction characters).`;

/** Any string that is stored or searched for. */
export const safeText = z.string().refine(isStorableText, "Remove the NUL (U+0000) or unpaired surrogate characters.");

/**
 * A whole number from a URL's query, in plain decimal digits: "30", not "3e1", "0x1e", " 30" or
 * "30.0", which a bare `z.coerce.number()` would read as numbers. Described as an integer in the
 * OpenAPI document.
 */
export function queryInteger(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,9}$/, `Use a whole number from ${min} to ${max}.`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .meta({ type: "integer", minimum: min, maximum: max, pattern: undefined });
}

/** Our ids (cuid) and slugs: nothing else can name a row, so nothing else reaches a query. */
export const safeId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Not an id.");

// Instants written with a four-digit year, which both JavaScript's Date and PostgreSQL's
// timestamp(3) hold: PostgreSQL has no year 0 (22008), and Date needs a sign beyond 9999.
export const MIN_INSTANT = Date.parse("0001-01-01T00:00:00.000Z");
export const MAX_INSTANT = Date.parse("9999-12-31T23:59:59.999Z");

export function isStorableInstant(date: Date): boolean {
  const time = date.getTime();
  return time >= MIN_INSTANT && time <= MAX_INSTANT;
}

/** An ISO 8601 date-time with an offset, between 0001-01-01 and 9999-12-31 UTC. */
export const safeDateTime = z.iso
  .datetime({ offset: true })
  .refine((v) => isStorableInstant(new Date(v)), "Use a date between 0001-01-01 and 9999-12-31 (UTC).");

// Control characters (a newline would start a forged log line; ESC sequences repaint a terminal),
// invisible format characters (bidi overrides reorder what a reader sees), line separators, and
// unpaired surrogates (a cut can leave one).
const UNLOGGABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const SHORT_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Text that came with a request (an error message that quotes input, a field), made safe for one
 * log line: every control or invisible character written as an escape (`\n`, `\u001b`, `\u202e`),
 * and cut to `max` characters, so that a request can neither forge a line nor flood the log.
 */
export function logSafe(value: unknown, max = 500): string {
  let text: string;
  try {
    text = value instanceof Error ? value.message : typeof value === "string" ? value : String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
  return cut.replace(UNLOGGABLE, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
