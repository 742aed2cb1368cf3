import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { parseListQuery } from "@/app/(dashboard)/[slug]/settings/api-keys/list-query";
import { decodeCursor, encodeCursor, InvalidCursorError } from "@/lib/platform/cursor";
import { ApiError } from "@/lib/http/errors";
import { MAX_BODY_BYTES, readJson } from "@/lib/http/request";
import { createUsageEventSchema, idSchema } from "@/lib/http/schemas";
import { createApiKeySchema } from "@/lib/domain/api-keys/schemas";

const INVISIBLE_MESSAGE = /can't contain invisible or control characters/;

function nameErrors(name: string, description?: string) {
  const result = createApiKeySchema.safeParse({ name, environment: "production", description });
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("key names and descriptions", () => {
  it.each([
    ["right-to-left override", "prod\u202Eyek"],
    ["left-to-right override", "a\u202Db"],
    ["right-to-left isolate", "a\u2067b\u2069"],
    ["arabic letter mark", "a\u061Cb"],
    ["left-to-right mark", "a\u200Eb"],
    ["zero-width space", "ci\u200Bdeploy"],
    ["zero-width joiner", "ci\u200Ddeploy"],
    ["word joiner", "ci\u2060deploy"],
    ["byte order mark inside", "ci\uFEFFdeploy"],
    ["soft hyphen", "ci\u00ADdeploy"],
    ["Hangul filler", "\u3164"],
    ["tab", "ci\tdeploy"],
    ["line feed", "ci\ndeploy"],
    ["NUL", "ci\u0000deploy"],
    ["DEL", "ci\u007Fdeploy"],
    ["C1 control", "ci\u0085deploy"],
    ["line separator", "ci\u2028deploy"],
    ["unpaired surrogate", "ci\uD800deploy"],
  ])("a name with a %s is refused with a field message", (_what, name) => {
    expect(nameErrors(name)).toEqual([expect.stringMatching(/^name: Name can't contain invisible or control characters/)]);
  });

  it.each([
    ["accents", "Déploiement de prod"],
    ["CJK", "本番デプロイ"],
    ["Arabic (a right-to-left script, without controls)", "مفتاح الإنتاج"],
    ["an emoji", "Deploy 🚀"],
    ["punctuation", "ci/cd: deploy (v2) — main"],
  ])("a name in %s is accepted", (_what, name) => {
    expect(nameErrors(name)).toEqual([]);
  });

  it.each([
    ["combining marks only", "\u0301\u0301"],
    ["the blank Braille pattern", "\u2800\u2800"],
  ])("a name of %s (it would display as blank) is refused", (_what, name) => {
    expect(nameErrors(name)).toEqual(["name: Use at least one letter or digit: this name would display as blank."]);
  });

  it("refuses the same characters in descriptions, but keeps line breaks (it is a textarea)", () => {
    expect(nameErrors("ok", "Used by\nthe billing job\r\nsince March")).toEqual([]);
    expect(createApiKeySchema.parse({ name: "ok", environment: "staging", description: "a\r\nb" }).description).toBe("a\nb");
    for (const description of ["a\u202Eb", "a\u200Bb", "a\tb", "a\u0000b", "a\uDC00b"]) {
      expect(nameErrors("ok", description)).toEqual([expect.stringMatching(/^description: Description can't contain/)]);
    }
  });

  it("says which field is wrong in the message the dialog shows", () => {
    expect(nameErrors("a\u202Eb")[0]).toMatch(INVISIBLE_MESSAGE);
  });
});

describe("API input that PostgreSQL would refuse is a validation error", () => {
  const event = { metric: "api_calls", quantity: 1 };

  it("customer_id with U+0000 or an unpaired surrogate", () => {
    for (const customer_id of ["x\u0000y", "x\uD800", "\uDFFFx"]) {
      expect(createUsageEventSchema.safeParse({ ...event, customer_id }).success).toBe(false);
    }
    expect(createUsageEventSchema.safeParse({ ...event, customer_id: "cus_ünïcode_😀" }).success).toBe(true);
  });

  it.each(["0000-01-01T00:00:00Z", "0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-00:01", "+010000-01-01T00:00:00Z", "-000001-01-01T00:00:00Z"])(
    "timestamp %s (outside 0001–9999 UTC) is refused",
    (timestamp) => {
      expect(createUsageEventSchema.safeParse({ ...event, timestamp }).success).toBe(false);
    },
  );

  it.each(["0001-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z", "2025-06-01T12:00:00+02:00"])(
    "timestamp %s is accepted",
    (timestamp) => {
      expect(createUsageEventSchema.safeParse({ ...event, timestamp }).success).toBe(true);
    },
  );

  it("an id that can't be one of ours", () => {
    for (const id of ["\u0000", "a\u0000b", "", "x".repeat(65), "a b", "é", "a/b", "\uD800"]) expect(idSchema.safeParse(id).success).toBe(false);
    expect(idSchema.safeParse("cmabc123def456ghi789jkl0").success).toBe(true);
  });

  it("a cursor is validated after decoding: its id and its date", () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const at = new Date("2025-01-02T03:04:05.678Z");
    expect(decodeCursor(encodeCursor(at, "cmabc123"))).toEqual({ at, id: "cmabc123" });
    for (const cursor of [
      forged([at.toISOString(), "a\u0000b"]),
      forged([at.toISOString(), "\uD800"]),
      forged(["0000-01-01T00:00:00Z", "cmabc123"]),
      forged(["-271821-04-20T00:00:00Z", "cmabc123"]),
      forged(["not a date", "cmabc123"]),
      forged([at.toISOString()]),
      forged({ at: at.toISOString(), id: "x" }),
      "%%%",
      forged("x"),
    ]) {
      expect(() => decodeCursor(cursor), cursor).toThrow(InvalidCursorError);
    }
  });

  it("the dashboard's search falls back to no search for a value PostgreSQL would refuse", () => {
    expect(parseListQuery({ q: "x\u0000y" }).q).toBeUndefined();
    expect(parseListQuery({ q: "\uD800" }).q).toBeUndefined();
    expect(parseListQuery({ q: "deploy" }).q).toBe("deploy");
  });

  it("the dashboard's page and size are decimal digits; anything else is page 1 of 25", () => {
    expect(parseListQuery({ page: "3", size: "10" })).toMatchObject({ page: 3, size: 10 });
    for (const page of ["1e3", "0x3", "2.0", " 2", "0", "-1", "1000001", ""]) expect(parseListQuery({ page }).page, page).toBe(1);
    for (const size of ["1e1", "0x19", "10.0", "20", " 50", ""]) expect(parseListQuery({ size }).size, size).toBe(25);
  });
});

describe("request bodies", () => {
  const CHUNK = 16 * 1024;

  /** A chunked body (no Content-Length) of `total` bytes that counts how much of it was pulled. */
  function countingStream(total: number, byte = 0x20) {
    const counter = { pulled: 0 };
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (counter.pulled >= total) return controller.close();
          const size = Math.min(CHUNK, total - counter.pulled);
          counter.pulled += size;
          controller.enqueue(new Uint8Array(size).fill(byte));
        },
      },
      { highWaterMark: 0 },
    );
    return { stream, counter };
  }

  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    new NextRequest("http://localhost/api/v1/usage-events", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      duplex: "half",
    });

  async function refusal(request: NextRequest): Promise<ApiError> {
    const error = await readJson(request).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }

  it("stops reading a 10 MB chunked body just past the limit: 413 request_too_large", async () => {
    const { stream, counter } = countingStream(10 * 1024 * 1024);
    const error = await refusal(post(stream));
    expect(error.code).toBe("request_too_large");
    expect(error.message).toContain("64 KB");
    expect(counter.pulled).toBeGreaterThan(MAX_BODY_BYTES);
    expect(counter.pulled).toBeLessThanOrEqual(MAX_BODY_BYTES + 2 * CHUNK);
  });

  it("refuses a declared Content-Length over the limit without reading a byte", async () => {
    const { stream, counter } = countingStream(10 * 1024 * 1024);
    const error = await refusal(post(stream, { "content-length": String(MAX_BODY_BYTES + 1) }));
    expect(error.code).toBe("request_too_large");
    expect(counter.pulled).toBe(0);
  });

  it("reads a chunked body at the limit", async () => {
    const body = new Blob([`{}${" ".repeat(MAX_BODY_BYTES - 2)}`]).stream();
    await expect(readJson(post(body))).resolves.toEqual({});
  });

  it("counts bytes, not characters", async () => {
    // 30,000 three-byte characters: 90 KB, though the string is 30,000 long.
    const error = await refusal(post(JSON.stringify({ metric: "€".repeat(30_000) })));
    expect(error.code).toBe("request_too_large");
  });

  it("refuses invalid UTF-8 with a 400 invalid_request", async () => {
    const error = await refusal(post(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])));
    expect(error.code).toBe("invalid_request");
    expect(error.message).toContain("UTF-8");
  });

  it("decodes UTF-8 split across chunks", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ metric: "é€😀" }));
    const chunks = Array.from(bytes, (b) => new Uint8Array([b]));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    await expect(readJson(post(stream))).resolves.toEqual({ metric: "é€😀" });
  });
});
