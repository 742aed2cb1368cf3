// A key's format: generation, checksum, parsing and hashing, all before and without any I/O.
import { createHash, createHmac, randomFillSync } from "node:crypto";
import { crc32 as zlibCrc32 } from "node:zlib";

export type KeyMode = "live" | "test";
import type { Environment } from "@/lib/generated/prisma/enums";

export type KeyEnvironment = Environment;

export const API_KEY_PATTERN = /^sk_(live|test)_[0-9A-Za-z]{38}$/;

export type ParsedApiKey =
  | { ok: true; key: string; mode: KeyMode; prefix: "sk_live_" | "sk_test_"; last4: string }
  | { ok: false; reason: "shape" | "checksum" };

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const PREFIX_LENGTH = 8; // "sk_live_" / "sk_test_"
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6; // 62^6 ≈ 5.7e10 > 2^32, so any CRC32 fits
const KEY_LENGTH = PREFIX_LENGTH + RANDOM_LENGTH + CHECKSUM_LENGTH;
// Largest multiple of 62 that fits in a byte; bytes >= this are rejected so every symbol is equally likely.
const REJECT_AT = 248;

// Char code -> base62 digit (-1 if not base62), so checksum decoding needs no indexOf or allocation.
const DIGIT = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

export function modeForEnvironment(environment: KeyEnvironment): KeyMode {
  return environment === "production" ? "live" : "test";
}

export function keyPrefix(mode: KeyMode): "sk_live_" | "sk_test_" {
  return mode === "live" ? "sk_live_" : "sk_test_";
}

/** Standard CRC-32/IEEE over the UTF-8 bytes of `input`; unsigned. */
export function crc32(input: string): number {
  return zlibCrc32(input);
}

/** Fixed-width, '0'-left-padded base62. Throws rather than silently widening, since key layout depends on width. */
export function base62(n: number, width: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`base62: expected a non-negative safe integer, got ${n}`);
  let out = "";
  let rest = n;
  do {
    out = ALPHABET[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  if (out.length > width) throw new RangeError(`base62: ${n} does not fit in ${width} digits`);
  return out.padStart(width, "0");
}

/** `length` uniformly random base62 chars from the CSPRNG (rejection sampling, no modulo bias). */
export function randomBase62(length: number): string {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`randomBase62: bad length ${length}`);
  // ~3% of bytes are rejected; the slack makes a refill rare without over-drawing entropy.
  const buf = new Uint8Array(Math.min(65536, Math.ceil(length * 1.1) + 16));
  let out = "";
  while (out.length < length) {
    randomFillSync(buf);
    for (let i = 0; i < buf.length && out.length < length; i++) {
      const v = buf[i]!;
      if (v < REJECT_AT) out += ALPHABET[v % 62]!;
    }
  }
  return out;
}

export function generateApiKey(mode: KeyMode): { key: string; prefix: "sk_live_" | "sk_test_"; last4: string } {
  const prefix = keyPrefix(mode);
  const body = randomBase62(RANDOM_LENGTH);
  const key = prefix + body + base62(crc32(body), CHECKSUM_LENGTH);
  return { key, prefix, last4: key.slice(-4) };
}

const SHAPE: ParsedApiKey = Object.freeze({ ok: false, reason: "shape" });
const CHECKSUM: ParsedApiKey = Object.freeze({ ok: false, reason: "checksum" });

/**
 * Offline format + checksum check, so typos and random junk are rejected before any DB/hash work.
 * Equivalent to API_KEY_PATTERN plus the checksum, in one pass instead of a regex scan followed by a CRC scan.
 * Note the checksum covers only the random body (GitHub scheme): a live/test prefix swap still
 * parses; the hash lookup of the full key is what rejects it.
 */
export function parseApiKey(input: string): ParsedApiKey {
  // Length first: huge or tiny inputs are rejected without scanning them.
  if (typeof input !== "string" || input.length !== KEY_LENGTH) return SHAPE;
  const mode = prefixMode(input);
  if (mode === null) return SHAPE;

  for (let i = PREFIX_LENGTH; i < PREFIX_LENGTH + RANDOM_LENGTH; i++) {
    const code = input.charCodeAt(i);
    if (code > 0x7f || DIGIT[code]! < 0) return SHAPE;
  }
  // Decode the checksum digits to a number instead of encoding the CRC to a string: no allocation.
  let claimed = 0;
  for (let i = PREFIX_LENGTH + RANDOM_LENGTH; i < KEY_LENGTH; i++) {
    const code = input.charCodeAt(i);
    const digit = code > 0x7f ? -1 : DIGIT[code]!;
    if (digit < 0) return SHAPE;
    claimed = claimed * 62 + digit;
  }
  if (claimed !== zlibCrc32(input.slice(PREFIX_LENGTH, PREFIX_LENGTH + RANDOM_LENGTH))) return CHECKSUM;

  return { ok: true, key: input, mode, prefix: keyPrefix(mode), last4: input.slice(-4) };
}

// "sk_live_" / "sk_test_" by char code, avoiding startsWith on two candidate strings.
function prefixMode(s: string): KeyMode | null {
  if (s.charCodeAt(0) !== 0x73 || s.charCodeAt(1) !== 0x6b || s.charCodeAt(2) !== 0x5f || s.charCodeAt(7) !== 0x5f) {
    return null; // "sk_" ... "_"
  }
  const a = s.charCodeAt(3), b = s.charCodeAt(4), c = s.charCodeAt(5), d = s.charCodeAt(6);
  if (a === 0x6c && b === 0x69 && c === 0x76 && d === 0x65) return "live";
  if (a === 0x74 && b === 0x65 && c === 0x73 && d === 0x74) return "test";
  return null;
}

// The dashboard page still imports it from here; toApiKeyRow (./key) is its replacement.

export function hashApiKey(key: string, secret?: string): string {
  // Optional server-side pepper: a leaked hash table can't be checked against candidate keys without the secret.
  if (typeof secret === "string" && secret.length > 0) return createHmac("sha256", secret).update(key).digest("hex");
  return createHash("sha256").update(key).digest("hex");
}
