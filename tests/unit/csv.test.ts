import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvField, csvRow, CSV_BYTE_ORDER_MARK } from "@/lib/domain/audit/csv";
import { FORMULA_CELL, formulaCells, parseCsv, spreadsheetCells } from "@/tests/helpers/csv";


describe("csvField: RFC 4180 quoting", () => {
  it("leaves plain values bare and writes null and undefined as empty fields", () => {
    expect(csvField("Billing sync")).toBe("Billing sync");
    expect(csvField("api_key.created")).toBe("api_key.created");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(42)).toBe("42");
  });

  it("quotes a value with a comma, a semicolon, a tab, a quote, CR or LF, doubling the quotes", () => {
    expect(csvField("Smith, Jane")).toBe('"Smith, Jane"');
    expect(csvField("Smith; Jane")).toBe('"Smith; Jane"');
    expect(csvField("Smith\tJane")).toBe('"Smith\tJane"');
    expect(csvField('the "prod" key')).toBe('"the ""prod"" key"');
    expect(csvField("line one\nline two")).toBe('"line one\nline two"');
    expect(csvField("a\r\nb")).toBe('"a\r\nb"');
    expect(csvField('{"name":"x","reason":"exposed"}')).toBe('"{""name"":""x"",""reason"":""exposed""}"');
  });

  it("ends each record with CRLF", () => {
    expect(csvRow(["a", "b,c", null])).toBe('a,"b,c",\r\n');
  });

  it("the byte-order mark is U+FEFF, three bytes of UTF-8", () => {
    expect([...new TextEncoder().encode(CSV_BYTE_ORDER_MARK)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});

describe("csvField: formula injection", () => {
  it.each(["=HYPERLINK(\"http://evil\")", "+1+2", "-2+3", "@SUM(A1)", "＝1+1", "＋1", "－1", "＠SUM(A1)"])("prefixes %j with an apostrophe", (value) => {
    const field = csvField(value);
    const [[parsed]] = parseCsv(`${field}\r\n`) as [[string]];
    expect(parsed).toBe(`'${value}`);
  });

  it.each([
    ["\t=1+1", "\t'=1+1"],
    ["\r=1+1", "\r'=1+1"],
    [' "=1+1"', ' "\'=1+1"'],
  ])("puts the apostrophe after leading whitespace and quotes a spreadsheet may strip: %j", (value, expected) => {
    const [[parsed]] = parseCsv(`${csvField(value)}\r\n`) as [[string]];
    expect(parsed).toBe(expected);
  });

  it("neutralises a formula after every separator a spreadsheet may split on, not just at the start", () => {
    expect(csvField("x;=1+1;")).toBe(`"x;'=1+1;"`);
    expect(csvField("a,-1, +2")).toBe(`"a,'-1, '+2"`);
    expect(csvField("a\t@b")).toBe(`"a\t'@b"`);
    expect(csvField('x;"=1+1"')).toBe(`"x;""'=1+1"""`);
    expect(csvField("one\n=2")).toBe(`"one\n'=2"`);
    // The report's key name: with ";" as separator LibreOffice ran =1+1.
    const row = csvRow(["2026-11-30T10:00:00.000Z", "x;=1+1;", "api_key.created"]);
    expect(formulaCells(row)).toEqual([]);
    expect(formulaCells("2026-11-30T10:00:00.000Z,x;=1+1;,api_key.created\r\n")).toContain("=1+1");
  });

  it("leaves values that merely contain those characters, and numbers we write, alone", () => {
    expect(csvField("user@example.test")).toBe("user@example.test");
    expect(csvField("a-b=c")).toBe("a-b=c");
    expect(csvField("Mozilla/5.0 (X11; Linux x86_64)")).toBe('"Mozilla/5.0 (X11; Linux x86_64)"');
    expect(csvField(-1)).toBe("-1");
  });

  it("a combined case: a formula with a comma and quotes is prefixed, then quoted", () => {
    expect(csvField('=cmd|" /C calc"!A0,1')).toBe('"\'=cmd|"" /C calc""!A0,1"');
  });

  it("the spreadsheet model itself catches what the old guard let through", () => {
    // What lib/domain/audit/csv.ts wrote before: a leading apostrophe only, quotes for "," only.
    const old = (v: string) => {
      const t = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
      return /[",\r\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
    };
    expect(formulaCells(`a,${old("x;=1+1;")}\r\n`).length).toBeGreaterThan(0);
    expect(formulaCells(`a,${old("x,=1+1")}\r\n`).length).toBeGreaterThan(0);
    expect(formulaCells(`a,${old("x\t@A1")}\r\n`).length).toBeGreaterThan(0);
  });
});

// Strings rich in what matters here: separators, quotes, whitespace, formula characters.
const tricky = fc.string({ unit: fc.constantFrom(..."=+-@＝＋－＠,;\t\r\n \"'ab1é") });

describe("csvRow through an RFC 4180 reader and through spreadsheets", () => {
  it("round-trips any strings, changed only by inserted apostrophes, and only where a formula could start", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), tricky), { minLength: 1, maxLength: 6 }), (values) => {
        const [record] = parseCsv(csvRow(values));
        expect(record).toHaveLength(values.length);
        record!.forEach((cell, i) => {
          const value = values[i]!;
          expect(cell.replaceAll("'", "")).toBe(value.replaceAll("'", ""));
          if (!/(^|[,;\t\r\n])[\s"]*[=+\-@＝＋－＠]/.test(value)) expect(cell).toBe(value);
        });
      }),
    );
  });

  it("no cell starts a formula, whether the file is split on commas, semicolons or tabs", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), tricky), { minLength: 1, maxLength: 6 }), (values) => {
        const text = csvRow(values);
        for (const separator of [",", ";", "\t"] as const) {
          for (const cell of spreadsheetCells(text, separator)) expect(cell).not.toMatch(FORMULA_CELL);
        }
      }),
      { numRuns: 500 },
    );
  });
});
