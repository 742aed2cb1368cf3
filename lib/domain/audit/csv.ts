// CSV as RFC 4180 writes it (fields separated by commas, records by CRLF, a field holding a
// separator, a double quote, CR or LF enclosed in double quotes with its quotes doubled), made safe
// to open in a spreadsheet: the audit log's values come from users (key names, user agents), and
// Excel, LibreOffice and Google Sheets run a cell that starts with = + - @ (or their full-width
// forms, or a tab or CR before one) as a formula (OWASP "CSV Injection").
//
// Where a cell starts is not ours to decide: a spreadsheet set to split on ";" (Excel's default in
// much of Europe) or on tabs, or one that ignores quotes that don't open its own cells, starts a
// cell after any ",", ";", tab, CR or LF of our text, quoted or not; one that trims spaces or
// unquotes a cell sees past leading whitespace and double quotes. So the rule: wherever a formula
// character follows the start of a field or one of those separators, with nothing but whitespace
// and double quotes between, an apostrophe goes right before it. Every cell any of those readings
// can make then starts with text (a spreadsheet shows the apostrophe, or takes it as "text"), and
// a value without such a character is written as it is ("a-b=c", "user@example.test").

const FORMULA = "=+\\-@\\uFF1D\\uFF0B\\uFF0D\\uFF20";
/** A formula character at a cell start some spreadsheet could make (see above). */
const FORMULA_AT_CELL_START = new RegExp(`(^|[,;\\t\\r\\n])([\\s"]*)(?=[${FORMULA}])`, "g");
const NEEDS_QUOTES = /[",;\t\r\n]/;

/** Starts a CSV file: without it Excel reads UTF-8 as the locale's code page (names turn into mojibake). */
export const CSV_BYTE_ORDER_MARK = "\uFEFF";

export type CsvValue = string | number | boolean | null | undefined;

/** One field: empty for null/undefined, formula-neutralised, quoted when it holds a separator, quote or line break. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  // Numbers and booleans we write ourselves are data, not formulas ("-1" stays a number).
  if (typeof value === "string") text = text.replace(FORMULA_AT_CELL_START, "$1$2'");
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
