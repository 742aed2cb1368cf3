// CSV as RFC 4180 writes it (fields separated by commas, records by CRLF, a field holding a comma,
// a double quote, CR or LF enclosed in double quotes with its quotes doubled), made safe to open in
// a spreadsheet: the audit log's values come from users (key names, user agents), and Excel,
// LibreOffice and Google Sheets run a cell that starts with = + - @ (or a tab or CR before one) as
// a formula (OWASP "CSV Injection"). Such a value gets a leading apostrophe, which the spreadsheet
// shows as text and a reader recognises.

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export type CsvValue = string | number | boolean | null | undefined;

/** One field: empty for null/undefined, formula-neutralised, quoted when RFC 4180 requires it. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  // Numbers and booleans we write ourselves are data, not formulas ("-1" stays a number).
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
