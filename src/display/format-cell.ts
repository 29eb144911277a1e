/**
 * One cell value as text, the same in HTML and terminal tables: empty for null/undefined, ISO 8601 for dates,
 * comma-joined arrays, `true`/`false`, numbers with at most 6 decimals, compact JSON for objects.
 */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return value.map((v) => (v !== null && typeof v === "object" ? JSON.stringify(v) : formatCell(v))).join(",");
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
