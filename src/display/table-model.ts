import { ValidationError } from "../errors";

/** A table ready to show: what resources hand to the display layer. */
export interface TableModel {
  title: string;
  columns: string[];
  rows: unknown[][];
  /** A line shown under the table (the v1 "Note: …" when rows were cut). */
  note?: string;
}

export interface BuildTableInput {
  title: string;
  columns: string[];
  records: Record<string, unknown>[];
  /** Exact-match filter on columns; a non-empty filter is named in the title, as in v1. */
  filter?: Record<string, unknown>;
  /** Column to sort by, newest/largest first. @default "created" (when that column exists) */
  sort_by?: string;
  /** Largest first when true. @default true */
  sort_reverse?: boolean;
  /** Rows to show at most, as the user asked. */
  limit?: number;
  /** Rows to show at most when the user gave no limit. */
  default_limit?: number;
}

/** The v1 SDK's `Table.list`: filter, sort (newest first), cut, and say so in a note. */
export function buildTable(input: BuildTableInput): TableModel {
  const filter = Object.entries(input.filter ?? {}).filter(([, v]) => v !== undefined);
  for (const [key] of filter) {
    if (!input.columns.includes(key)) {
      throw new ValidationError(`filter of '${input.title}'`, [
        { path: key, message: `is not a column; filter on one of: ${input.columns.join(", ")}` },
      ]);
    }
  }
  let records = input.records.filter((r) => filter.every(([k, v]) => r[k] === v));
  const sortBy = input.sort_by ?? "created";
  if (input.columns.includes(sortBy)) {
    const reverse = input.sort_reverse ?? true;
    records = [...records].sort((a, b) => compare(a[sortBy], b[sortBy]) * (reverse ? -1 : 1));
  }
  const title = filter.length ? `${input.title} (${filter.map(([k, v]) => `${k}=${pyRepr(v)}`).join(", ")})` : input.title;
  const max = input.limit ?? input.default_limit;
  let note: string | undefined;
  if (max !== undefined && records.length > max) {
    note =
      input.limit === undefined
        ? `Note: Only first ${max} records were displayed. To display more use 'limit' parameter.`
        : `Note: First ${max} records were displayed.`;
    records = records.slice(0, max);
  }
  return { title, columns: input.columns, rows: records.map((r) => input.columns.map((c) => r[c])), ...(note ? { note } : {}) };
}

function compare(a: unknown, b: unknown): number {
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  if (x === y) return 0;
  if (x === undefined || x === null) return -1;
  if (y === undefined || y === null) return 1;
  return (x as number | string) < (y as number | string) ? -1 : 1;
}

/** Python's repr of a filter value, as v1 titles show it: `'text'`, `3`, `True`. */
function pyRepr(value: unknown): string {
  if (typeof value === "string") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (typeof value === "boolean") return value ? "True" : "False";
  return String(value);
}

/** What {@link tableOf} turns into a table: a table model, a list of records, or `{fields, values}`. */
export type TableData = TableModel | readonly Record<string, unknown>[] | { fields: readonly string[]; values: readonly unknown[][] };

/**
 * A table model from records (one column per key, in first-seen order, as a DataFrame built from them), from
 * `{fields, values}`, or a model as it is; `title` and `note`, when given, replace the model's.
 */
export function tableOf(data: TableData, overrides: { title?: string | undefined; note?: string | undefined } = {}): TableModel {
  let model: TableModel;
  if (Array.isArray(data)) {
    const records = data as readonly Record<string, unknown>[];
    const bad = records.findIndex((r) => r === null || typeof r !== "object" || Array.isArray(r));
    if (bad >= 0) throw new ValidationError("showTable() data", [{ path: `[${bad}]`, message: "is not a record: pass a list of objects, {fields, values} or a table model" }]);
    const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
    model = { title: "", columns, rows: records.map((r) => columns.map((c) => r[c])) };
  } else if (isFieldsValues(data)) {
    model = { title: "", columns: [...data.fields], rows: data.values.map((row) => [...row]) };
  } else if (data && Array.isArray((data as TableModel).columns) && Array.isArray((data as TableModel).rows)) {
    model = data as TableModel;
  } else {
    throw new ValidationError("showTable() data", [{ path: "data", message: "expected a list of records, {fields, values} or a table model {title, columns, rows}" }]);
  }
  return {
    ...model,
    title: overrides.title ?? model.title ?? "",
    ...(overrides.note !== undefined ? { note: overrides.note } : {}),
  };
}

function isFieldsValues(data: unknown): data is { fields: readonly string[]; values: readonly unknown[][] } {
  const d = data as { fields?: unknown; values?: unknown } | null;
  return !!d && Array.isArray(d.fields) && Array.isArray(d.values);
}
