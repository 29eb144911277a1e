/**
 * Perturbation, as OpenScale measures fairness: each payload row in a monitored group is copied with the attribute
 * set to every reference value (and each reference row to every monitored value), the copies are re-scored, and the
 * copies' outcomes are counted with the group they were moved into. A value drawn from a numeric range comes from
 * the training values in that range (or evenly spread over it without training data), by a fixed low-discrepancy
 * sequence: the same window always gives the same copies. The debiasing twin of a row moves every attribute it has in
 * a monitored group to the reference group's typical value; where that twin is one of the perturbed copies already
 * (a row monitored on one categorical attribute), the copy's answer serves for both, so it is scored once.
 */
import type { TrainingDistributions } from "./fairness-training";
import { groupOf, type FairnessFeature, type GroupValue } from "./fairness-groups";

/** The golden ratio's fractional part: k·φ mod 1 spreads draws evenly over [0, 1) for any count. */
const PHI = 0.6180339887498949;

/** Draws values for one group value: the value itself for a category, a value in the range for [lo, hi]. */
export class ValueDrawer {
  private drawn = 0;
  private readonly pool: number[] | undefined;

  constructor(
    private readonly value: GroupValue,
    trainingValues: readonly number[] | undefined,
    private readonly integral: boolean,
  ) {
    if (Array.isArray(value)) {
      const inRange = trainingValues?.filter((v) => v >= value[0] && v <= value[1]);
      if (inRange?.length) this.pool = inRange;
    }
  }

  next(): unknown {
    const value = this.value;
    if (!Array.isArray(value)) return value;
    const u = (this.drawn++ * PHI + 0.5) % 1;
    if (this.pool) return this.pool[Math.min(this.pool.length - 1, Math.floor(u * this.pool.length))];
    const x = value[0] + u * (value[1] - value[0]);
    return this.integral ? Math.min(value[1], Math.max(value[0], Math.round(x))) : x;
  }

  /** The group's typical value: the category, or the training median in the range (its middle without training data). */
  typical(): unknown {
    const value = this.value;
    if (!Array.isArray(value)) return value;
    if (this.pool) return this.pool[Math.floor((this.pool.length - 1) / 2)];
    const middle = (value[0] + value[1]) / 2;
    return this.integral ? Math.round(middle) : middle;
  }
}

/** A feature's groups with their drawers; codes are featureFairness's (majority values first, then minority). */
export interface FeatureGroups {
  feature: FairnessFeature;
  /** Index of the attribute in the scored rows' fields. */
  column: number;
  majority: ValueDrawer[];
  minority: ValueDrawer[];
}

export function featureGroups(features: readonly FairnessFeature[], fields: readonly string[], distributions: TrainingDistributions | undefined, rows: readonly unknown[][]): FeatureGroups[] {
  return features.map((feature) => {
    const column = fields.indexOf(feature.feature);
    const training = distributions?.features[feature.feature]?.values;
    const integral = (training ?? rows.map((r) => r[column])).every((v) => typeof v !== "number" || Number.isInteger(v));
    const drawers = (values: GroupValue[]) => values.map((v) => new ValueDrawer(v, training, integral && (!Array.isArray(v) || (Number.isInteger(v[0]) && Number.isInteger(v[1])))));
    return { feature, column, majority: drawers(feature.majority), minority: drawers(feature.minority) };
  });
}

/** A row's group code for featureFairness: majority index, majority count + minority index, or -1. */
export function groupCode(groups: FeatureGroups, value: unknown): number {
  const found = groupOf(groups.feature, value);
  if (!found) return -1;
  return found.side === "majority" ? found.index : groups.majority.length + found.index;
}

/** One perturbed copy: which payload row, which feature, the group it was moved into, and the value given. */
export interface PerturbedCopy {
  source: number;
  feature: number;
  target: number;
  value: unknown;
}

/** The perturbed copies of a window: rows of each group moved into every value of the other group. */
export function perturbedCopies(groups: readonly FeatureGroups[], codes: readonly Int32Array[]): PerturbedCopy[] {
  const copies: PerturbedCopy[] = [];
  groups.forEach((g, feature) => {
    const m = g.majority.length;
    const code = codes[feature]!;
    for (let source = 0; source < code.length; source++) {
      const c = code[source]!;
      if (c < 0) continue;
      if (c < m) g.minority.forEach((drawer, j) => copies.push({ source, feature, target: m + j, value: drawer.next() }));
      else g.majority.forEach((drawer, i) => copies.push({ source, feature, target: i, value: drawer.next() }));
    }
  });
  return copies;
}

/** The row with every attribute it has in a monitored group set to the first reference group's typical value; undefined when it is in none. */
export function debiasTwin(groups: readonly FeatureGroups[], values: readonly unknown[]): unknown[] | undefined {
  let twin: unknown[] | undefined;
  for (const g of groups) {
    const code = groupCode(g, values[g.column]);
    if (code < g.majority.length) continue;
    twin ??= [...values];
    twin[g.column] = g.majority[0]!.typical();
  }
  return twin;
}

/** A window row's debiasing twin: the perturbed copy that is the same row (`copy`), or values of its own to score. */
export type DebiasTwin = { source: number; copy: number } | { source: number; values: unknown[] };

/** The debiasing twins of a window's rows (rows in no monitored group have none), reusing identical perturbed copies. */
export function debiasTwins(groups: readonly FeatureGroups[], rows: readonly unknown[][], copies: readonly PerturbedCopy[]): DebiasTwin[] {
  // The copy of each row moved into the first reference value of each feature, keyed by feature then row.
  const toFirstReference = groups.map(() => new Map<number, number>());
  copies.forEach((c, i) => {
    if (c.target === 0) toFirstReference[c.feature]!.set(c.source, i);
  });
  const twins: DebiasTwin[] = [];
  rows.forEach((row, source) => {
    const values = debiasTwin(groups, row);
    if (!values) return;
    const moved = groups.flatMap((g, f) => (values[g.column] !== row[g.column] ? [f] : []));
    const copy = moved.length === 1 ? toFirstReference[moved[0]!]!.get(source) : undefined;
    if (copy !== undefined && copies[copy]!.value === values[groups[moved[0]!]!.column]) twins.push({ source, copy });
    else twins.push({ source, values });
  });
  return twins;
}
