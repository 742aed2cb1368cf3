/**
 * A reader of RFC 4180 (quoted fields, doubled quotes, CRLF records), to check what we write
 * round-trips; `separator` reads it as a spreadsheet set to another separator would.
 */
export function parseCsv(text: string, separator: "," | ";" | "\t" = ","): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field || record.length) throw new Error("the last record is not CRLF-terminated");
  return records;
}

/**
 * Every cell a spreadsheet splitting on `separator` could make of `text`: read as RFC 4180 with
 * that separator, and cut at every separator and line break by a reader that ignores quotes.
 */
export function spreadsheetCells(text: string, separator: "," | ";" | "\t"): string[] {
  const rfc = parseCsv(text, separator).flat();
  const naive = text.split(/\r\n|\r|\n/).flatMap((line) => line.split(separator));
  return [...rfc, ...naive];
}

/** A cell a spreadsheet runs as a formula, once it has trimmed whitespace and unquoted it. */
export const FORMULA_CELL = /^[\s"]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The cells of `text` that some spreadsheet (split on ",", ";" or tab) would run as formulas. */
export function formulaCells(text: string): string[] {
  return ([",", ";", "\t"] as const).flatMap((separator) => spreadsheetCells(text, separator).filter((cell) => FORMULA_CELL.test(cell)));
}
