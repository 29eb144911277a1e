/**
 * One cell value as text, the same in HTML and terminal tables: empty for null/undefined, ISO 8601 for dates,
 * arrays as `[0.507839, 0.492161]` (strings in them quoted), `true`/`false`, numbers with at most 6 decimals,
 * compact JSON for objects.
 */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return `[${value.map(formatElement).join(", ")}]`;
  return JSON.stringify(value);
}

/** An array element: `null` and quoted strings, so `["a", null]` does not read as `[a, ]`. */
function formatElement(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value) || value instanceof Date || typeof value !== "object") return formatCell(value);
  return JSON.stringify(value);
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n) || Number.isInteger(n)) return String(n);
  return String(Number(n.toFixed(6)));
}

/** Numbers (and numeric strings) align right. */
export function isNumeric(value: unknown): boolean {
  return typeof value === "number" || typeof value === "bigint";
}

/** uid-like columns are never wrapped: a broken uid cannot be copied. */
export function isUidColumn(column: string): boolean {
  return /(^|_)(uid|id|guid)$/.test(column);
}

/** Time columns by name: `created`, `ts`, `timestamp`, `hour`, `date`, `*_at`, `*_timestamp`, `*_date`. */
function isTimeColumn(column: string): boolean {
  return /^(created|ts|timestamp|hour|date)$|_(at|timestamp|date)$/.test(column);
}

/** An ISO 8601 date or date-time as text (`2026-01-15`, `2026-01-15T09:30:00.000Z`, `2019-04-04 10:30:25+00:00`). */
function isTimestampText(value: unknown): boolean {
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?Z|[+-]\d{2}(?::?\d{2})?)?)?$/.test(value);
}

/**
 * Cells read wrongly when broken, so never wrapped: ids (to copy), timestamps and dates (a hyphen is no place to
 * break `2026-01-15`), numbers.
 */
export function keepOnOneLine(column: string, value: unknown): boolean {
  return isUidColumn(column) || isTimeColumn(column) || value instanceof Date || isTimestampText(value) || isNumeric(value);
}
