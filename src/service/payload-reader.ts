/** Reads a subscription's payload table: pages of rows, the row count, and summary statistics computed in SQL. */
import { quoteName, type Queryable } from "../store/store";
import type { PayloadField } from "./payload-schema";
import type { PayloadDescription, ScoringTransactions } from "./resources";
import type { SubscriptionRow } from "./subscription-rows";

/**
 * Newest first; a request's rows (`<scoring_id>-<row>`) in row order, so `-2` comes before `-10`. The last key makes
 * the order total, so pages never overlap.
 */
const NEWEST_FIRST = "scoring_timestamp DESC, regexp_replace(scoring_id, '[0-9]+$', ''), coalesce(substring(scoring_id from '[0-9]+$'), '0')::numeric, scoring_id";

/** Newest rows first, `limit` at most from `offset`. */
export async function readTransactions(
  db: Queryable,
  row: SubscriptionRow,
  options: { limit: number; offset: number; include_total_count?: boolean },
): Promise<ScoringTransactions> {
  const schema = row.payload_schema;
  if (!schema) return { fields: [], values: [], ...(options.include_total_count ? { total_count: 0 } : {}) };
  const table = quoteName(row.payload_table);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT * FROM ${table} ORDER BY ${NEWEST_FIRST} LIMIT $1 OFFSET $2`,
    [options.limit, options.offset],
  );
  const fields = schema.map((f) => f.name);
  const result: ScoringTransactions = { fields, values: rows.map((r) => schema.map((f) => fromDatabase(f, r[f.name]))) };
  if (options.include_total_count) result.total_count = await countRows(db, row);
  return result;
}

export async function countRows(db: Queryable, row: SubscriptionRow): Promise<number> {
  if (!row.payload_schema) return 0;
  const [result] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quoteName(row.payload_table)}`);
  return result?.n ?? 0;
}

const STATISTICS = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"];

/** pandas `describe()` of the numeric columns, over the newest `limit` rows (all rows when no limit), in one query. */
export async function describeTransactions(db: Queryable, row: SubscriptionRow, limit?: number): Promise<PayloadDescription> {
  const numeric = (row.payload_schema ?? []).filter((f) => (f.type === "double" || f.type === "integer") && f.name !== "response_time");
  if (numeric.length === 0) return { columns: [], statistics: STATISTICS.map((name) => ({ name, values: [] })) };
  const source =
    limit === undefined
      ? quoteName(row.payload_table)
      : `(SELECT * FROM ${quoteName(row.payload_table)} ORDER BY ${NEWEST_FIRST} LIMIT ${Math.trunc(limit)}) AS newest`;
  return describeNumericColumns(db, source, numeric);
}

/** pandas `describe()` of the given numeric columns of a table (or subquery), in one query. */
export async function describeNumericColumns(db: Queryable, source: string, numeric: readonly PayloadField[]): Promise<PayloadDescription> {
  if (numeric.length === 0) return { columns: [], statistics: STATISTICS.map((name) => ({ name, values: [] })) };
  const select = numeric.flatMap((f, i) => {
    const c = `${quoteName(f.name)}::double precision`;
    return [
      `count(${c})::double precision AS s${i}_0`,
      `avg(${c}) AS s${i}_1`,
      `stddev_samp(${c}) AS s${i}_2`,
      `min(${c}) AS s${i}_3`,
      `percentile_cont(0.25) WITHIN GROUP (ORDER BY ${c}) AS s${i}_4`,
      `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${c}) AS s${i}_5`,
      `percentile_cont(0.75) WITHIN GROUP (ORDER BY ${c}) AS s${i}_6`,
      `max(${c}) AS s${i}_7`,
    ];
  });
  const [stats] = await db.query<Record<string, number | null>>(`SELECT ${select.join(", ")} FROM ${source}`);
  return {
    columns: numeric.map((f) => f.name),
    statistics: STATISTICS.map((name, s) => ({ name, values: numeric.map((_, i) => toNumber(stats?.[`s${i}_${s}`])) })),
  };
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Database values as JSON-friendly values: times as ISO strings, bigints as numbers. */
export function fromDatabase(field: PayloadField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (field.type === "integer" || field.type === "double") return Number(value);
  if (field.type === "timestamp") return new Date(value as string).toISOString();
  return value;
}
