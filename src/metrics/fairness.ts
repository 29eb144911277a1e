/**
 * The fairness monitor's math (OpenScale's disparate impact): for one protected attribute, each row's group (a
 * reference value, a monitored value, or neither) and outcome (favourable, unfavourable, or another class) give the
 * favourable percentage of every group, and each monitored value's fairness value = its favourable % ÷ the whole
 * reference group's favourable %. Biased means below the threshold. A group with no rows has no percentage (null),
 * never a division by zero. Reference values: test/reference/fairness_metrics.py → test/reference/fairness-metrics.json.
 */
import { ValidationError } from "../errors";

/** Outcome codes of `outcomes`. */
export const FAVOURABLE = 1;
export const UNFAVOURABLE = 0;
/** A class that is neither favourable nor unfavourable: counted in the group's records, not in its percentage. */
export const OTHER_OUTCOME = -1;
/** Group code of a row that is in neither group. */
export const NO_GROUP = -1;

export interface FairnessInput {
  /** Per row: 0…majority-1 a reference (majority) value, majority…majority+minority-1 a monitored value, or NO_GROUP. */
  groups: ArrayLike<number>;
  /** Per row: FAVOURABLE, UNFAVOURABLE or OTHER_OUTCOME. */
  outcomes: ArrayLike<number>;
  majorityValues: number;
  minorityValues: number;
  /** Fairness values below it are biased: in (0, 1]. */
  threshold: number;
}

export interface GroupRate {
  /** Rows in the group. */
  records: number;
  favourable: number;
  unfavourable: number;
  /** 100 · favourable ÷ (favourable + unfavourable); null when the group has neither. */
  fav_class_percent: number | null;
  /** The group's share of the rows in either group, in percent; null when no row is in either. */
  rows_percent: number | null;
}

export interface MonitoredRate extends GroupRate {
  /** fav_class_percent ÷ the reference group's; null when either is unknown or the reference's is 0. */
  fairness_value: number | null;
  /** fairness_value < threshold; null when fairness_value is. */
  is_biased: boolean | null;
}

export interface FeatureFairness {
  majority: { values: GroupRate[]; total: GroupRate };
  minority: { values: MonitoredRate[]; total: MonitoredRate };
  /** The whole monitored group's favourable rate minus the reference group's (AIF360's statistical parity difference), as a fraction. */
  statistical_parity_difference: number | null;
}

/** Favourable rates, disparate impact and bias of one attribute's groups, in one pass over the rows. */
export function featureFairness(input: FairnessInput): FeatureFairness {
  const { groups, outcomes, majorityValues, minorityValues, threshold } = input;
  const issues: { path: string; message: string }[] = [];
  if (!groups || !outcomes || typeof groups.length !== "number" || typeof outcomes.length !== "number") issues.push({ path: "groups", message: "give one group code and one outcome per row" });
  else if (groups.length !== outcomes.length) issues.push({ path: "outcomes", message: `has ${outcomes.length} values but groups has ${groups.length}: give one outcome per row` });
  if (!Number.isInteger(majorityValues) || majorityValues < 1) issues.push({ path: "majorityValues", message: "expected the number of reference values, 1 or more" });
  if (!Number.isInteger(minorityValues) || minorityValues < 1) issues.push({ path: "minorityValues", message: "expected the number of monitored values, 1 or more" });
  if (!(threshold > 0 && threshold <= 1)) issues.push({ path: "threshold", message: `is ${String(threshold)}: expected a ratio in (0, 1], such as 0.8` });
  if (issues.length) throw new ValidationError("fairness input", issues);

  const k = majorityValues + minorityValues;
  const counts = new Float64Array(k * 3); // per group: records, favourable, unfavourable
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (g === NO_GROUP) continue;
    if (!Number.isInteger(g) || g < 0 || g >= k) throw new ValidationError("fairness input", [{ path: `groups[${i}]`, message: `is ${String(g)}: expected a group code 0…${k - 1} or ${NO_GROUP}` }]);
    const o = outcomes[i]!;
    counts[g * 3]!++;
    if (o === FAVOURABLE) counts[g * 3 + 1]!++;
    else if (o === UNFAVOURABLE) counts[g * 3 + 2]!++;
    else if (o !== OTHER_OUTCOME) throw new ValidationError("fairness input", [{ path: `outcomes[${i}]`, message: `is ${String(o)}: expected ${FAVOURABLE}, ${UNFAVOURABLE} or ${OTHER_OUTCOME}` }]);
  }
  let grouped = 0;
  for (let g = 0; g < k; g++) grouped += counts[g * 3]!;
  const rate = (records: number, favourable: number, unfavourable: number): GroupRate => ({
    records,
    favourable,
    unfavourable,
    fav_class_percent: favourable + unfavourable === 0 ? null : (100 * favourable) / (favourable + unfavourable),
    rows_percent: grouped === 0 ? null : (100 * records) / grouped,
  });
  const sum = (from: number, to: number): GroupRate => {
    let r = 0, f = 0, u = 0;
    for (let g = from; g < to; g++) (r += counts[g * 3]!), (f += counts[g * 3 + 1]!), (u += counts[g * 3 + 2]!);
    return rate(r, f, u);
  };
  const majorityTotal = sum(0, majorityValues);
  const reference = majorityTotal.fav_class_percent;
  const monitored = (r: GroupRate): MonitoredRate => {
    const fairness_value = r.fav_class_percent === null || reference === null || reference === 0 ? null : r.fav_class_percent / reference;
    return { ...r, fairness_value, is_biased: fairness_value === null ? null : fairness_value < threshold };
  };
  const majority = Array.from({ length: majorityValues }, (_, g) => sum(g, g + 1));
  const minority = Array.from({ length: minorityValues }, (_, j) => monitored(sum(majorityValues + j, majorityValues + j + 1)));
  const minorityTotal = monitored(sum(majorityValues, k));
  return {
    majority: { values: majority, total: majorityTotal },
    minority: { values: minority, total: minorityTotal },
    statistical_parity_difference: minorityTotal.fav_class_percent === null || reference === null ? null : (minorityTotal.fav_class_percent - reference) / 100,
  };
}
