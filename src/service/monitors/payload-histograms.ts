/**
 * What the drift monitor reads of the payload, computed in SQL where the rows are: the window's bounds, one
 * histogram per feature (numeric: the training column's buckets, via `width_bucket`; categorical: a count per
 * value) in a single pass over the table for every column, and how many rows break each data constraint. Only
 * these counts leave the database, so the same code serves PGlite and a PostgreSQL server with millions of rows.
 */
import type { DataConstraint } from "../../metrics/data-constraints";
import { quoteName, type Queryable } from "../../store/store";

/** The rows a drift run looks at. */
export interface PayloadWindowSpec {
  table: string;
  deployment_id: string;
  /** Rows scored after this instant (exclusive); all rows when undefined. */
  after?: string;
  /** Else the newest `newest` rows. */
  newest?: number;
}

export interface WindowBounds {
  rows: number;
  oldest: string | null;
  newest: string | null;
}

/** A numeric column's buckets (width_bucket over `edges`), or a categorical column's values. */
export type HistogramColumn = { name: string; kind: "numeric"; edges: readonly number[] } | { name: string; kind: "categorical" };

export interface NumericHistogram {
  kind: "numeric";
  /** counts[k]: rows in width_bucket k (edges.length + 1 buckets). */
  counts: number[];
  /** Sum of the values per bucket, so each bucket's mean is known. */
  sums: number[];
  min: number | null;
  max: number | null;
  missing: number;
}

export interface CategoricalHistogram {
  kind: "categorical";
  counts: Map<string, number>;
  missing: number;
}

export type PayloadHistogram = NumericHistogram | CategoricalHistogram;

/** A SQL string literal. */
export function sqlString(value: string): string {
  if (value.includes("\u0000")) throw new Error("a NUL character cannot be compared in SQL");
  return `'${value.replace(/'/g, "''")}'`;
}

function sqlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

function float8Array(values: readonly number[]): string {
  return `'{${values.map(sqlNumber).join(",")}}'::float8[]`;
}

/** The window as a FROM source with the given columns (a subquery: the newest rows, or rows after an instant). */
function windowSource(spec: PayloadWindowSpec, columns: readonly string[]): { sql: string; params: unknown[] } {
  const select = columns.length ? columns.map(quoteName).join(", ") : "1 AS one";
  const params: unknown[] = [spec.deployment_id];
  let where = "deployment_id = $1";
  if (spec.after !== undefined) {
    params.push(spec.after);
    where += " AND scoring_timestamp > $2";
  }
  const limit = spec.newest !== undefined ? ` ORDER BY scoring_timestamp DESC, scoring_id DESC LIMIT ${Math.trunc(spec.newest)}` : "";
  return { sql: `(SELECT ${select} FROM ${quoteName(spec.table)} WHERE ${where}${limit}) AS w`, params };
}

export async function windowBounds(db: Queryable, spec: PayloadWindowSpec): Promise<WindowBounds> {
  const source = windowSource(spec, ["scoring_timestamp"]);
  const [found] = await db.query<{ rows: number | string; oldest: Date | string | null; newest: Date | string | null }>(
    `SELECT count(*) AS rows, min(scoring_timestamp) AS oldest, max(scoring_timestamp) AS newest FROM ${source.sql}`,
    source.params,
  );
  const iso = (v: Date | string | null | undefined) => (v === null || v === undefined ? null : new Date(v).toISOString());
  return { rows: Number(found?.rows ?? 0), oldest: iso(found?.oldest), newest: iso(found?.newest) };
}

/** Every column's histogram over the window, in one pass over the table. */
export async function payloadHistograms(db: Queryable, spec: PayloadWindowSpec, columns: readonly HistogramColumn[]): Promise<PayloadHistogram[]> {
  if (columns.length === 0) return [];
  const source = windowSource(spec, columns.map((c) => c.name));
  const values = columns.map((c, i) => {
    const col = `w.${quoteName(c.name)}`;
    return c.kind === "numeric"
      ? `(${i}, width_bucket(${col}::float8, ${float8Array(c.edges)}), NULL::text, ${col}::float8)`
      : `(${i}, NULL::int, ${col}::text, NULL::float8)`;
  });
  const rows = await db.query<{ c: number; b: number | null; s: string | null; n: number | string; sum: number | null; lo: number | null; hi: number | null }>(
    `SELECT v.c, v.b, v.s, count(*) AS n, sum(v.x) AS sum, min(v.x) AS lo, max(v.x) AS hi
     FROM ${source.sql} CROSS JOIN LATERAL (VALUES ${values.join(", ")}) AS v(c, b, s, x)
     GROUP BY v.c, v.b, v.s`,
    source.params,
  );
  const out: PayloadHistogram[] = columns.map((c) =>
    c.kind === "numeric"
      ? { kind: "numeric", counts: new Array<number>(c.edges.length + 1).fill(0), sums: new Array<number>(c.edges.length + 1).fill(0), min: null, max: null, missing: 0 }
      : { kind: "categorical", counts: new Map<string, number>(), missing: 0 },
  );
  for (const r of rows) {
    const h = out[Number(r.c)]!;
    const n = Number(r.n);
    if (h.kind === "numeric") {
      if (r.b === null) {
        h.missing += n;
        continue;
      }
      const b = Number(r.b);
      h.counts[b]! += n;
      h.sums[b]! += Number(r.sum);
      const lo = Number(r.lo);
      const hi = Number(r.hi);
      h.min = h.min === null ? lo : Math.min(h.min, lo);
      h.max = h.max === null ? hi : Math.max(h.max, hi);
    } else if (r.s === null) h.missing += n;
    else h.counts.set(r.s, (h.counts.get(r.s) ?? 0) + n);
  }
  return out;
}

/** A constraint as a SQL condition on the window's row `w` (NULL where a value is missing: not a violation). */
export function constraintCondition(c: DataConstraint): string {
  const col = (name: string) => `w.${quoteName(name)}`;
  switch (c.kind) {
    case "numeric_range":
      return `(${col(c.column)}::float8 < ${sqlNumber(c.min)} OR ${col(c.column)}::float8 > ${sqlNumber(c.max)})`;
    case "categorical_values":
      return `(${col(c.column)}::text <> ALL (ARRAY[${c.values.map(sqlString).join(", ")}]::text[]))`;
    case "catnum_range": {
      const cases = Object.entries(c.ranges).map(([category, [lo, hi]]) => `WHEN ${sqlString(category)} THEN (${col(c.numeric)}::float8 < ${sqlNumber(lo)} OR ${col(c.numeric)}::float8 > ${sqlNumber(hi)})`);
      return `(CASE ${col(c.categorical)}::text ${cases.join(" ")} ELSE false END)`;
    }
    case "catcat_unseen":
      return `((${col(c.first)}::text, ${col(c.second)}::text) IN (${c.pairs.map(([a, b]) => `(${sqlString(a)}, ${sqlString(b)})`).join(", ")}))`;
  }
}

/** Rows of the window that break any constraint, and per constraint how many break it. */
export async function constraintViolationCounts(db: Queryable, spec: PayloadWindowSpec, constraints: readonly DataConstraint[]): Promise<{ rows: number; per_constraint: number[] }> {
  if (constraints.length === 0) return { rows: 0, per_constraint: [] };
  const names = [...new Set(constraints.flatMap((c) => (c.kind === "numeric_range" || c.kind === "categorical_values" ? [c.column] : c.kind === "catnum_range" ? [c.categorical, c.numeric] : [c.first, c.second])))];
  const source = windowSource(spec, names);
  const conditions = constraints.map(constraintCondition);
  const [found] = await db.query<Record<string, number | string>>(
    `SELECT count(*) FILTER (WHERE ${conditions.join(" OR ")}) AS broken, ${conditions.map((c, k) => `count(*) FILTER (WHERE ${c}) AS c${k}`).join(", ")} FROM ${source.sql}`,
    source.params,
  );
  return { rows: Number(found?.broken ?? 0), per_constraint: conditions.map((_, k) => Number(found?.[`c${k}`] ?? 0)) };
}
