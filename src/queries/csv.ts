/**
 * CSV and JSON renderings of export rows. CSV follows RFC 4180: CRLF line
 * ends, a field is quoted when it holds a comma, a quote, CR or LF (or starts
 * or ends with a space, which spreadsheets would trim), and quotes inside are
 * doubled. Lists are joined with ";" (the import reads them back that way);
 * objects are written as JSON; null and undefined as an empty field. A text
 * that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab
 * or CR) is written after a ' (OWASP's advice), which the import drops again.
 */

export type Row = Readonly<Record<string, unknown>>;

/** What a spreadsheet takes for the start of a formula. */
export const FORMULA = /^[=+\-@\t\r]/;

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return FORMULA.test(value) ? `'${value}` : value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value))
    return value.map((v) => (typeof v === "object" ? JSON.stringify(v) : cell(v))).join(";");
  return JSON.stringify(value);
}

function quote(field: string): string {
  return /[",\r\n]|^\s|\s$/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/**
 * The rows as CSV, with a header line. The columns are `columns` when given,
 * else the keys of the rows in order of first appearance; with no rows and no
 * columns the result is empty.
 */
export function toCsv(rows: readonly Row[], columns?: readonly string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (cols.length === 0) return "";
  const lines = [cols.map(quote).join(",")];
  for (const r of rows) lines.push(cols.map((c) => quote(cell(r[c]))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** The rows as a JSON array, one row per line block, ending with a newline. */
export function toJson(rows: readonly Row[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}
