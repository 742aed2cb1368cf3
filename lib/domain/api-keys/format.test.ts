import { randomBytes } from "node:crypto";
import * as zlib from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  API_KEY_PATTERN,
  base62,
  crc32,
  generateApiKey,
  hashApiKey,
  keyPrefix,
  modeForEnvironment,
  parseApiKey,
  randomBase62,
  type KeyMode,
} from "./format";
import { maskApiKey } from "./key";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const modeArb = fc.constantFrom<KeyMode>("live", "test");
const bodyArb = fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 32, maxLength: 32 });

/** Builds a valid key from a chosen body, so properties cover fast-check's inputs, not only CSPRNG output. */
function keyFromBody(mode: KeyMode, body: string): string {
  return keyPrefix(mode) + body + base62(crc32(body), 6);
}

function counts62(samples: string): number[] {
  const counts = new Array<number>(62).fill(0);
  for (let i = 0; i < samples.length; i++) counts[ALPHABET.indexOf(samples[i]!)]!++;
  return counts;
}

function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
}

// Chi-square critical value, 61 degrees of freedom, p = 1e-4 (Wilson–Hilferty ≈ 111.0): a fair sampler fails ~1 in 10^4 runs.
const CHI2_CRITICAL_DF61 = 112;
const SAMPLES = 640_000; // 20,000 keys × 32 random chars

describe("modeForEnvironment / keyPrefix", () => {
  it("maps only production to live", () => {
    expect(modeForEnvironment("production")).toBe("live");
    expect(modeForEnvironment("staging")).toBe("test");
    expect(modeForEnvironment("development")).toBe("test");
    expect(keyPrefix("live")).toBe("sk_live_");
    expect(keyPrefix("test")).toBe("sk_test_");
  });
});

describe("generateApiKey", () => {
  it.each<KeyMode>(["live", "test"])("produces a well-formed %s key", (mode) => {
    const { key, prefix, last4 } = generateApiKey(mode);
    expect(key).toMatch(API_KEY_PATTERN);
    expect(key).toHaveLength(46);
    expect(prefix).toBe(`sk_${mode}_`);
    expect(key.startsWith(prefix)).toBe(true);
    expect(last4).toBe(key.slice(-4));
    expect(key.slice(-6)).toBe(base62(crc32(key.slice(8, 40)), 6));
  });

  it("never repeats", () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey("live").key));
    expect(keys.size).toBe(1000);
  });

  it("round-trips through parseApiKey", () => {
    fc.assert(
      fc.property(modeArb, (mode) => {
        const { key, prefix, last4 } = generateApiKey(mode);
        expect(parseApiKey(key)).toEqual({ ok: true, key, mode, prefix, last4 });
      }),
      { numRuns: 2000 },
    );
  });
});

describe("parseApiKey", () => {
  it("accepts any body with a correct checksum", () => {
    fc.assert(
      fc.property(modeArb, bodyArb, (mode, body) => {
        const key = keyFromBody(mode, body);
        const parsed = parseApiKey(key);
        expect(parsed).toEqual({ ok: true, key, mode, prefix: keyPrefix(mode), last4: key.slice(-4) });
      }),
      { numRuns: 1000 },
    );
  });

  it("rejects every single-character base62 substitution in the body or checksum with 'checksum'", () => {
    fc.assert(
      fc.property(
        modeArb,
        bodyArb,
        fc.integer({ min: 8, max: 45 }),
        fc.integer({ min: 1, max: 61 }),
        (mode, body, pos, shift) => {
          const key = keyFromBody(mode, body);
          const replacement = ALPHABET[(ALPHABET.indexOf(key[pos]!) + shift) % 62]!;
          const mutated = key.slice(0, pos) + replacement + key.slice(pos + 1);
          expect(mutated).not.toBe(key);
          // CRC-32 detects every burst ≤ 32 bits (so any one-char body change) and 6-digit base62 is injective
          // (so any checksum-digit change): the shape stays valid, only the checksum can catch it.
          expect(parseApiKey(mutated)).toEqual({ ok: false, reason: "checksum" });
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("exhaustively rejects every substitution of one generated key", () => {
    const { key } = generateApiKey("live");
    let rejected = 0;
    for (let pos = 8; pos < 46; pos++) {
      for (const c of ALPHABET) {
        if (c === key[pos]) continue;
        const r = parseApiKey(key.slice(0, pos) + c + key.slice(pos + 1));
        if (!r.ok && r.reason === "checksum") rejected++;
      }
    }
    expect(rejected).toBe(38 * 61);
  });

  it("rejects a non-base62 substitution with 'shape'", () => {
    fc.assert(
      fc.property(
        modeArb,
        bodyArb,
        fc.integer({ min: 0, max: 45 }),
        fc.constantFrom("_", "-", " ", "+", "/", "=", "\n", "\0", "é", "\u2026"),
        (mode, body, pos, c) => {
          const key = keyFromBody(mode, body);
          fc.pre(key[pos] !== c);
          expect(parseApiKey(key.slice(0, pos) + c + key.slice(pos + 1))).toEqual({ ok: false, reason: "shape" });
        },
      ),
    );
  });

  it("rejects any truncation or extension with 'shape'", () => {
    fc.assert(
      fc.property(modeArb, bodyArb, fc.integer({ min: 1, max: 46 }), (mode, body, cut) => {
        const key = keyFromBody(mode, body);
        expect(parseApiKey(key.slice(0, key.length - cut))).toEqual({ ok: false, reason: "shape" });
      }),
    );
    fc.assert(
      fc.property(modeArb, bodyArb, fc.string({ minLength: 1, maxLength: 20 }), (mode, body, extra) => {
        const key = keyFromBody(mode, body);
        expect(parseApiKey(key + extra)).toEqual({ ok: false, reason: "shape" });
        expect(parseApiKey(extra + key)).toEqual({ ok: false, reason: "shape" });
      }),
    );
  });

  it("agrees with API_KEY_PATTERN on near-miss strings (hand-rolled check == regex)", () => {
    const mostlyBase62 = fc.oneof(
      { arbitrary: fc.constantFrom(...ALPHABET), weight: 40 },
      { arbitrary: fc.constantFrom("_", "-", " ", "é", "\u0130", "\uff41"), weight: 1 },
    );
    const prefix = fc.constantFrom("sk_live_", "sk_test_", "sk_tes_t", "sk_live-", "sk_lIve_", "sk_test", "ssk_live_");
    const candidate = fc
      .tuple(prefix, fc.string({ unit: mostlyBase62, minLength: 37, maxLength: 39 }))
      .map(([p, body]) => p + body);
    let matched = 0;
    fc.assert(
      fc.property(candidate, (s) => {
        const r = parseApiKey(s);
        const regexOk = API_KEY_PATTERN.test(s);
        if (regexOk) matched++;
        expect(r.ok || r.reason === "checksum").toBe(regexOk);
      }),
      { numRuns: 3000 },
    );
    expect(matched).toBeGreaterThan(25); // the property must exercise the accepting side too (~100 seen)
  });

  it("rejects altered prefixes with 'shape'", () => {
    const { key } = generateApiKey("live");
    const rest = key.slice(8);
    for (const prefix of ["sk_tset_", "SK_live_", "Sk_live_", "sk_LIVE_", "pk_live_", "sk-live_", "sk_prod_", "rk_test_"]) {
      expect(parseApiKey(prefix + rest)).toEqual({ ok: false, reason: "shape" });
    }
  });

  it("does not bind mode into the checksum (GitHub scheme): a mode swap is caught by the hash lookup instead", () => {
    const { key } = generateApiKey("live");
    const swapped = "sk_test_" + key.slice(8);
    expect(parseApiKey(swapped)).toMatchObject({ ok: true, mode: "test" });
    expect(hashApiKey(swapped)).not.toBe(hashApiKey(key));
  });

  it("rejects junk inputs with 'shape', including huge ones, quickly", () => {
    const { key } = generateApiKey("live");
    const huge = "sk_live_" + "A".repeat(10_000);
    const junk = [
      "",
      " ",
      "\t\n",
      " ".repeat(46),
      `Bearer ${key}`,
      ` ${key}`,
      `${key}\n`,
      key.toUpperCase(),
      huge,
      "x".repeat(1_000_000),
    ];
    for (const input of junk) expect(parseApiKey(input)).toEqual({ ok: false, reason: "shape" });
    for (const input of [undefined, null, 42, {}, ["sk_live_"]]) {
      expect(parseApiKey(input as unknown as string)).toEqual({ ok: false, reason: "shape" });
    }

    const start = performance.now();
    for (let i = 0; i < 100_000; i++) parseApiKey(huge);
    // O(1) length check: 100k rejections of a 10 kB input take ~1 ms; a scan would take far longer.
    expect(performance.now() - start).toBeLessThan(250);
  });
});

describe("uniformity (no modulo bias)", () => {
  it("generated keys use all 62 chars uniformly over the 32 random positions", () => {
    let samples = "";
    for (let i = 0; i < SAMPLES / 32; i++) samples += generateApiKey(i % 2 ? "live" : "test").key.slice(8, 40);
    expect(samples).toHaveLength(SAMPLES);
    expect(chiSquare(counts62(samples))).toBeLessThan(CHI2_CRITICAL_DF61);
  });

  it("randomBase62 is uniform", () => {
    expect(randomBase62(0)).toBe("");
    expect(randomBase62(100_000)).toMatch(/^[0-9A-Za-z]{100000}$/);
    expect(chiSquare(counts62(randomBase62(SAMPLES)))).toBeLessThan(CHI2_CRITICAL_DF61);
  });

  it("the same check catches a biased sampler (so the test above can fail)", () => {
    // Naive v % 62 on raw bytes: 256 = 4·62 + 8, so '0'..'7' are 25% more likely (expected χ² ≈ 4,200).
    const raw = randomBytes(SAMPLES);
    let naive = "";
    for (const v of raw) naive += ALPHABET[v % 62];
    expect(chiSquare(counts62(naive))).toBeGreaterThan(CHI2_CRITICAL_DF61 * 5);

    // Off-by-two rejection threshold (keeps 248, 249): only '0' and '1' are skewed, still χ² ≈ 1,200.
    let offByTwo = "";
    while (offByTwo.length < SAMPLES) {
      for (const v of randomBytes(SAMPLES)) if (v < 250 && offByTwo.length < SAMPLES) offByTwo += ALPHABET[v % 62];
    }
    expect(chiSquare(counts62(offByTwo))).toBeGreaterThan(CHI2_CRITICAL_DF61 * 2);
  });
});

describe("crc32", () => {
  it("matches the standard CRC-32/IEEE check values", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
    expect(crc32("")).toBe(0);
    expect(crc32("The quick brown fox jumps over the lazy dog")).toBe(0x414fa339);
  });

  it("is unsigned and agrees with zlib on arbitrary (incl. non-ASCII) strings", () => {
    fc.assert(
      // "binary" units are slow to generate; ASCII + full graphemes cover the fast path and the UTF-8 fallback.
      fc.property(fc.oneof(fc.string({ unit: "binary-ascii", maxLength: 64 }), fc.string({ unit: "grapheme", maxLength: 32 })), (s) => {
        const c = crc32(s);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(0xffffffff);
        expect(c).toBe(zlib.crc32(s));
      }),
      { numRuns: 1000 },
    );
    for (const s of ["é", "€uro", "😀", "a\u2026b", "\ud800x"]) expect(crc32(s)).toBe(zlib.crc32(s));
  });
});

describe("base62", () => {
  it("encodes with '0' left padding to the requested width", () => {
    expect(base62(0, 6)).toBe("000000");
    expect(base62(0, 1)).toBe("0");
    expect(base62(61, 1)).toBe("z");
    expect(base62(62, 2)).toBe("10");
    expect(base62(62, 6)).toBe("000010");
    expect(base62(62 ** 6 - 1, 6)).toBe("zzzzzz");
    expect(base62(0xffffffff, 6)).toBe("4gfFC3");
  });

  it("always yields exactly 6 chars for any 32-bit value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        const s = base62(n, 6);
        expect(s).toMatch(/^[0-9A-Za-z]{6}$/);
        expect([...s].reduce((acc, ch) => acc * 62 + ALPHABET.indexOf(ch), 0)).toBe(n);
      }),
    );
  });

  it("throws instead of silently widening or accepting bad numbers", () => {
    expect(() => base62(62, 1)).toThrow(RangeError);
    expect(() => base62(62 ** 6, 6)).toThrow(RangeError);
    expect(() => base62(-1, 6)).toThrow(RangeError);
    expect(() => base62(1.5, 6)).toThrow(RangeError);
    expect(() => base62(Number.NaN, 6)).toThrow(RangeError);
  });
});

describe("hashApiKey", () => {
  it("is deterministic 64-char hex SHA-256, and a secret changes it", () => {
    const { key } = generateApiKey("live");
    const plain = hashApiKey(key);
    expect(plain).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).toBe(plain);
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    const peppered = hashApiKey(key, "pepper");
    expect(peppered).toMatch(/^[0-9a-f]{64}$/);
    expect(peppered).not.toBe(plain);
    expect(hashApiKey(key, "pepper")).toBe(peppered);
    expect(hashApiKey(key, "other")).not.toBe(peppered);
    // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
    expect(hashApiKey("what do ya want for nothing?", "Jefe")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    expect(hashApiKey(key, "")).toBe(plain);
    expect(hashApiKey(key, undefined)).toBe(plain);
  });
});

describe("maskApiKey", () => {
  it("shows prefix, an ellipsis and the last four chars", () => {
    expect(maskApiKey("sk_live_", "Ab3d")).toBe("sk_live_\u2026Ab3d");
    const { key, prefix, last4 } = generateApiKey("test");
    const masked = maskApiKey(prefix, last4);
    expect(masked).toBe(`sk_test_…${key.slice(-4)}`);
    expect(masked).not.toContain(key.slice(8, 40));
  });
});
