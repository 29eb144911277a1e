/**
 * Data consistency, v1's `data_drift_magnitude`: the share of payload rows that break a constraint learnt from the
 * training data. One-column constraints: a numeric value outside the training range, a category never seen in
 * training. Two-column constraints, after OpenScale's: a numeric value outside the range it had for its row's
 * category (`catnum_range`), and a pair of categories never seen together though both are common enough that, were
 * the columns independent, the pair should have appeared at least MIN_EXPECTED times (`catcat_unseen`).
 */
import { numberOf } from "./column-summary";

/** Rows a category needs in training before its numeric ranges are trusted as a constraint. */
export const MIN_CATEGORY_ROWS = 30;
/**
 * Share of a numeric column's training range a category's own range must leave out (at its two ends together) to
 * count: narrower ranges are the structure of the data; the rest are chance extremes of a sample, which would
 * flag rows of an unchanged population (and cost a condition per row for nothing).
 */
export const MIN_TRIM = 0.1;
/** Expected count (under independence) above which a never-seen category pair counts as a constraint. */
export const MIN_EXPECTED = 20;

export type DataConstraint =
  | { kind: "numeric_range"; column: string; min: number; max: number }
  | { kind: "categorical_values"; column: string; values: string[] }
  | { kind: "catnum_range"; categorical: string; numeric: string; ranges: Record<string, [number, number]> }
  | { kind: "catcat_unseen"; first: string; second: string; pairs: [string, string][] };

export interface ConstraintColumn {
  name: string;
  kind: "numeric" | "categorical";
  values: ArrayLike<unknown>;
}

const isMissing = (v: unknown) => v === null || v === undefined || v === "" || (typeof v === "number" && Number.isNaN(v));

export function learnConstraints(columns: readonly ConstraintColumn[]): DataConstraint[] {
  const constraints: DataConstraint[] = [];
  const numeric = columns.filter((c) => c.kind === "numeric").map((c) => ({ name: c.name, values: Float64Array.from({ length: c.values.length }, (_, i) => numberOf(c.values[i])) }));
  const categorical = columns.filter((c) => c.kind === "categorical").map((c) => ({ name: c.name, values: Array.from(c.values, (v) => (isMissing(v) ? null : String(v))) }));
  for (const c of numeric) {
    let min = Infinity;
    let max = -Infinity;
    for (const v of c.values) if (!Number.isNaN(v)) (min = Math.min(min, v)), (max = Math.max(max, v));
    if (min <= max) constraints.push({ kind: "numeric_range", column: c.name, min, max });
  }
  const counts = categorical.map((c) => {
    const m = new Map<string, number>();
    for (const v of c.values) if (v !== null) m.set(v, (m.get(v) ?? 0) + 1);
    return m;
  });
  categorical.forEach((c, i) => {
    if (counts[i]!.size) constraints.push({ kind: "categorical_values", column: c.name, values: [...counts[i]!.keys()].sort() });
  });
  categorical.forEach((c, i) => {
    for (const n of numeric) {
      const ranges: Record<string, [number, number]> = {};
      for (let r = 0; r < c.values.length; r++) {
        const category = c.values[r];
        const v = n.values[r]!;
        if (category === null || Number.isNaN(v) || (counts[i]!.get(category) ?? 0) < MIN_CATEGORY_ROWS) continue;
        const range = (ranges[category] ??= [v, v]);
        if (v < range[0]) range[0] = v;
        if (v > range[1]) range[1] = v;
      }
      const overall = constraints.find((x): x is Extract<DataConstraint, { kind: "numeric_range" }> => x.kind === "numeric_range" && x.column === n.name);
      // Only ranges clearly narrower than the column's own say more than numeric_range does.
      const width = overall ? overall.max - overall.min : 0;
      const narrower = Object.fromEntries(Object.entries(ranges).filter(([, [lo, hi]]) => overall && width > 0 && lo - overall.min + (overall.max - hi) >= MIN_TRIM * width));
      if (Object.keys(narrower).length) constraints.push({ kind: "catnum_range", categorical: c.name, numeric: n.name, ranges: sortKeys(narrower) });
    }
  });
  const rows = categorical[0]?.values.length ?? 0;
  for (let i = 0; i < categorical.length; i++) {
    for (let j = i + 1; j < categorical.length; j++) {
      const seen = new Set<string>();
      for (let r = 0; r < rows; r++) {
        const a = categorical[i]!.values[r];
        const b = categorical[j]!.values[r];
        if (a !== null && b !== null) seen.add(`${a}\u0000${b}`);
      }
      const pairs: [string, string][] = [];
      for (const [a, na] of [...counts[i]!].sort()) {
        for (const [b, nb] of [...counts[j]!].sort()) {
          if (!seen.has(`${a}\u0000${b}`) && (na * nb) / rows >= MIN_EXPECTED) pairs.push([a, b]);
        }
      }
      if (pairs.length) constraints.push({ kind: "catcat_unseen", first: categorical[i]!.name, second: categorical[j]!.name, pairs });
    }
  }
  return constraints;
}

/** Whether row `r` of `columns` breaks `constraint` (a missing value breaks nothing: it is counted apart). */
export function breaks(constraint: DataConstraint, column: (name: string) => ArrayLike<unknown> | undefined, r: number): boolean {
  const cell = (name: string) => column(name)?.[r];
  switch (constraint.kind) {
    case "numeric_range": {
      const v = numberOf(cell(constraint.column));
      return !Number.isNaN(v) && (v < constraint.min || v > constraint.max);
    }
    case "categorical_values": {
      const v = cell(constraint.column);
      return !isMissing(v) && !constraint.values.includes(String(v));
    }
    case "catnum_range": {
      const category = cell(constraint.categorical);
      const range = isMissing(category) ? undefined : constraint.ranges[String(category)];
      const v = numberOf(cell(constraint.numeric));
      return range !== undefined && !Number.isNaN(v) && (v < range[0] || v > range[1]);
    }
    case "catcat_unseen": {
      const a = cell(constraint.first);
      const b = cell(constraint.second);
      return !isMissing(a) && !isMissing(b) && constraint.pairs.some(([x, y]) => x === String(a) && y === String(b));
    }
  }
}

/** Rows breaking at least one constraint, and per constraint how many rows break it (the reference for the SQL count). */
export function constraintViolations(constraints: readonly DataConstraint[], columns: Record<string, ArrayLike<unknown>>, rows: number): { rows: number; per_constraint: number[] } {
  const per = new Array<number>(constraints.length).fill(0);
  let broken = 0;
  for (let r = 0; r < rows; r++) {
    let any = false;
    constraints.forEach((c, k) => {
      if (breaks(c, (name) => columns[name], r)) {
        per[k]!++;
        any = true;
      }
    });
    if (any) broken++;
  }
  return { rows: broken, per_constraint: per };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
