import { ValidationError } from "../errors";

/** Checks a `limit` option: a whole number of rows, 1 or more, or absent. */
export function checkLimit(limit: unknown, subject: string): number | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1) {
    throw new ValidationError(subject, [{ path: "limit", message: "expected a whole number of rows, 1 or more" }]);
  }
  return limit;
}

/** Checks an options object's keys against the documented ones, so a misspelt option fails instead of being ignored. */
export function checkKeys(options: unknown, allowed: readonly string[], subject: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ValidationError(subject, [{ path: "options", message: `expected an options object with: ${allowed.join(", ")}` }]);
  }
  const unknown = Object.keys(options).filter((k) => !allowed.includes(k));
  if (unknown.length) {
    throw new ValidationError(subject, unknown.map((k) => ({ path: k, message: `is not an option here; the options are: ${allowed.join(", ")}` })));
  }
  return options as Record<string, unknown>;
}

/** `{fields, values}` as one object per row. */
export function toObjects(fields: readonly string[], values: readonly unknown[][]): Record<string, unknown>[] {
  return values.map((row) => Object.fromEntries(fields.map((f, i) => [f, row[i]])));
}

/** Rows per read when a table is read in pages. */
const PAGE = 5000;

/** Up to `limit` rows read in pages, as the v1 SDK did, so any limit works within the service's page size. */
export async function readPages(limit: number, read: (page: { limit: number; offset: number }) => Promise<{ fields: string[]; values: unknown[][] }>): Promise<{ fields: string[]; values: unknown[][] }> {
  const page = { fields: [] as string[], values: [] as unknown[][] };
  while (page.values.length < limit) {
    const next = await read({ limit: Math.min(PAGE, limit - page.values.length), offset: page.values.length });
    page.fields = next.fields;
    page.values.push(...next.values);
    if (next.values.length < PAGE) break;
  }
  return page;
}
