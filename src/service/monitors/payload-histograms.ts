/**
 * What the drift monitor reads of the payload, computed in SQL where the rows are: the window's bounds, one
 * histogram per feature (numeric: the training column's buckets, via `width_bucket`; categorical: a count per
 * value) for every column in one statement, and how many rows break each data constraint (one pass). Only
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
  const { select, params } = windowSelect(spec, columns);
  return { sql: `(${select}) AS w`, params };
}

/** The window's rows with the given columns, as a SELECT and its parameters. */
export function windowSelect(spec: PayloadWindowSpec, columns: readonly string[]): { select: string; params: unknown[] } {
  const list = columns.length ? columns.map(quoteName).join(", ") : "1 AS one";
  const params: unknown[] = [spec.deployment_id];
  let where = "deployment_id = $1";
  if (spec.after !== undefined) {
    params.push(spec.after);
    where += " AND scoring_timestamp > $2";
  }
  const limit = spec.newest !== undefined ? ` ORDER BY scoring_timestamp DESC, scoring_id DESC LIMIT ${Math.trunc(spec.newest)}` : "";
  return { select: `SELECT ${list} FROM ${quoteName(spec.table)} WHERE ${where}${limit}`, params };
}

/**
 * The window as a common table expression `w`: the newest rows are picked once (MATERIALIZED), a time range is
 * left to the planner (NOT MATERIALIZED), so each column's aggregate below scans the table itself, in parallel
 * workers on PostgreSQL.
 */
function windowCte(spec: PayloadWindowSpec, columns: readonly string[]): { sql: string; params: unknown[] } {
  const { select, params } = windowSelect(spec, columns);
  return { sql: `WITH w AS ${spec.newest !== undefined ? "" : "NOT "}MATERIALIZED (${select})`, params };
}

/**
 * Brings the planner's statistics of the payload table up to date when they are missing or stale (a fifth of the
 * table changed since the last ANALYZE): without them PostgreSQL plans the aggregates below for a small table and
 * takes twice as long on a large one. Autovacuum would do it too, but only minutes after a bulk load.
 */
export async function refreshPlannerStatistics(db: Queryable, table: string): Promise<boolean> {
  const [found] = await db.query<{ reltuples: number | string; modified: number | string | null }>(
    `SELECT c.reltuples, s.n_mod_since_analyze AS modified FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = to_regclass($1)`,
    [quoteName(table)],
  );
  if (!found) return false;
  const tuples = Number(found.reltuples);
  const modified = Number(found.modified ?? 0);
  if (tuples >= 0 && modified <= 0.2 * Math.max(tuples, 1000)) return false;
  await db.query(`ANALYZE ${quoteName(table)}`);
  return true;
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

/**
 * Every column's histogram over the window, in one statement: one GROUP BY per column over a single bucket or
 * value, joined by UNION ALL. Measured against a single pass that turns each row into one row per column
 * (LATERAL VALUES) and groups those, this is 2.0× (PostgreSQL) to 2.5× (PGlite) faster: each aggregate hashes one
 * narrow key, and PostgreSQL runs the branches in parallel.
 */
export async function payloadHistograms(db: Queryable, spec: PayloadWindowSpec, columns: readonly HistogramColumn[]): Promise<PayloadHistogram[]> {
  if (columns.length === 0) return [];
  const cte = windowCte(spec, columns.map((c) => c.name));
  const branches = columns.map((c, i) => {
    const col = `w.${quoteName(c.name)}`;
    return c.kind === "numeric"
      ? `SELECT ${i} AS c, width_bucket(${col}::float8, ${float8Array(c.edges)}) AS b, NULL::text AS s, count(*) AS n, sum(${col}::float8) AS sum, min(${col}::float8) AS lo, max(${col}::float8) AS hi FROM w GROUP BY 2`
      : `SELECT ${i} AS c, NULL::int AS b, ${col}::text AS s, count(*) AS n, NULL::float8 AS sum, NULL::float8 AS lo, NULL::float8 AS hi FROM w GROUP BY 3`;
  });
  const rows = await db.query<{ c: number; b: number | null; s: string | null; n: number | string; sum: number | null; lo: number | null; hi: number | null }>(`${cte.sql} ${branches.join(" UNION ALL ")}`, cte.params);
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
  // Each condition is evaluated once per row (coalesced: a missing value breaks nothing), then counted.
  const flags = conditions.map((c, k) => `coalesce(${c}, false) AS f${k}`).join(", ");
  const [found] = await db.query<Record<string, number | string>>(
    `SELECT count(*) FILTER (WHERE ${conditions.map((_, k) => `f${k}`).join(" OR ")}) AS broken, ${conditions.map((_, k) => `count(*) FILTER (WHERE f${k}) AS c${k}`).join(", ")}
     FROM (SELECT ${flags} FROM ${source.sql}) AS flags`,
    source.params,
  );
  return { rows: Number(found?.broken ?? 0), per_constraint: conditions.map((_, k) => Number(found?.[`c${k}`] ?? 0)) };
}
