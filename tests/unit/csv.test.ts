import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvField, csvRow } from "@/lib/csv";
import { parseCsv } from "@/tests/helpers/csv";


describe("csvField: RFC 4180 quoting", () => {
  it("leaves plain values bare and writes null and undefined as empty fields", () => {
    expect(csvField("Billing sync")).toBe("Billing sync");
    expect(csvField("api_key.created")).toBe("api_key.created");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(42)).toBe("42");
  });

  it("quotes a value with a comma, a quote, CR or LF, doubling the quotes", () => {
    expect(csvField("Smith, Jane")).toBe('"Smith, Jane"');
    expect(csvField('the "prod" key')).toBe('"the ""prod"" key"');
    expect(csvField("line one\nline two")).toBe('"line one\nline two"');
    expect(csvField("a\r\nb")).toBe('"a\r\nb"');
    expect(csvField('{"name":"x","reason":"exposed"}')).toBe('"{""name"":""x"",""reason"":""exposed""}"');
  });

  it("ends each record with CRLF", () => {
    expect(csvRow(["a", "b,c", null])).toBe('a,"b,c",\r\n');
  });
});

describe("csvField: formula injection", () => {
  it.each(["=HYPERLINK(\"http://evil\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"])("prefixes %j with an apostrophe", (value) => {
    const field = csvField(value);
    const [[parsed]] = parseCsv(`${field}\r\n`) as [[string]];
    expect(parsed).toBe(`'${value}`);
  });

  it("leaves values that merely contain those characters, and numbers we write, alone", () => {
    expect(csvField("user@example.test")).toBe("user@example.test");
    expect(csvField("a-b=c")).toBe("a-b=c");
    expect(csvField(-1)).toBe("-1");
  });

  it("a combined case: a formula with a comma and quotes is prefixed, then quoted", () => {
    expect(csvField('=cmd|" /C calc"!A0,1')).toBe('"\'=cmd|"" /C calc""!A0,1"');
  });
});

describe("csvRow round-trips through an RFC 4180 reader", () => {
  it("for any strings (a formula-like value comes back with its apostrophe)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom("=1", "a,b", '"', "\r\n", "\n", "-", "@x")), { minLength: 1, maxLength: 6 }), (values) => {
        const [record] = parseCsv(csvRow(values));
        expect(record).toEqual(values.map((v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)));
      }),
    );
  });
});
