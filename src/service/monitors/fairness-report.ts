/**
 * The stored form of a fairness measurement (v1 §7.2 `value`): per feature, the reference and monitored groups with
 * their favourable percentages and label distributions, on the payload alone and on payload + perturbed rows
 * (OpenScale's headline figures are the latter: with every row seen in both groups, what differs is the model's
 * doing, not the data's). Also the measurement's flat values: one fairness value per monitored group value.
 */
import { FAVOURABLE, featureFairness, OTHER_OUTCOME, UNFAVOURABLE, type FeatureFairness, type GroupRate, type MonitoredRate } from "../../metrics/index";
import { valueLabel, type GroupValue } from "./fairness-groups";
import type { FeatureGroups } from "./fairness-perturbation";

/** One row's label per group code (payload or perturbed), for the distributions. */
export interface GroupedLabels {
  codes: ArrayLike<number>;
  labels: readonly string[];
}

export interface FairnessClasses {
  favourable: ReadonlySet<string>;
  unfavourable: ReadonlySet<string>;
}

export function outcomeCodes(labels: readonly string[], classes: FairnessClasses): Int8Array {
  return Int8Array.from(labels, (l) => (classes.favourable.has(l) ? FAVOURABLE : classes.unfavourable.has(l) ? UNFAVOURABLE : OTHER_OUTCOME));
}

type Distribution = Record<string, { count: number; label: string; is_favourable: boolean }[]>;

/** Label counts of one group code, as v1 writes them: `{<value>: [{count, label, is_favourable}]}`. */
function distributions(parts: readonly GroupedLabels[], groupCount: number, names: readonly string[], classes: FairnessClasses): Distribution[] {
  const counts = Array.from({ length: groupCount }, () => new Map<string, number>());
  for (const part of parts) {
    for (let i = 0; i < part.labels.length; i++) {
      const c = part.codes[i]!;
      if (c >= 0) counts[c]!.set(part.labels[i]!, (counts[c]!.get(part.labels[i]!) ?? 0) + 1);
    }
  }
  return counts.map((m, g) => ({
    [names[g]!]: [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([label, count]) => ({ count, label, is_favourable: classes.favourable.has(label) })),
  }));
}

function concat(parts: readonly GroupedLabels[]): { codes: Int32Array; labels: string[] } {
  const codes = new Int32Array(parts.reduce((n, p) => n + p.labels.length, 0));
  const labels: string[] = [];
  let at = 0;
  for (const p of parts) {
    for (let i = 0; i < p.labels.length; i++) codes[at++] = p.codes[i]!;
    labels.push(...p.labels);
  }
  return { codes, labels };
}

export interface FeatureReport {
  /** The v1 metrics entry of the feature. */
  metric: Record<string, unknown>;
  payload: FeatureFairness;
  balanced: FeatureFairness;
  /** The monitored values, as shown. */
  names: string[];
}

/** The fairness of one feature on the payload window, and on the window with its perturbed copies. */
export function featureReport(groups: FeatureGroups, payload: GroupedLabels, perturbed: GroupedLabels, classes: FairnessClasses, window: { newest: string; oldest: string }): FeatureReport {
  const { feature } = groups;
  const m = groups.majority.length;
  const k = m + groups.minority.length;
  const names = [...feature.majority, ...feature.minority].map((v) => valueLabel(v as GroupValue));
  const input = { majorityValues: m, minorityValues: groups.minority.length, threshold: feature.threshold };
  const onPayload = featureFairness({ ...input, groups: payload.codes, outcomes: outcomeCodes(payload.labels, classes) });
  const all = concat([payload, perturbed]);
  const balanced = featureFairness({ ...input, groups: all.codes, outcomes: outcomeCodes(all.labels, classes) });
  const payloadDistribution = distributions([payload], k, names, classes);
  const combinedDistribution = distributions([payload, perturbed], k, names, classes);
  const perturbedCount = (g: number) => {
    let n = 0;
    for (let i = 0; i < perturbed.labels.length; i++) if (perturbed.codes[i] === g) n++;
    return n;
  };
  const entry = (side: "majority" | "minority", j: number, shown: GroupRate, own: GroupRate) => {
    const g = side === "majority" ? j : m + j;
    return {
      value: feature[side][j],
      ...(side === "minority" ? { is_biased: (shown as MonitoredRate).is_biased, fairness_value: (shown as MonitoredRate).fairness_value } : {}),
      fav_class_percent: shown.fav_class_percent,
      records: own.records,
      perturbed_records: perturbedCount(g),
      payload_fav_class_percent: own.fav_class_percent,
      ...(side === "minority" ? { payload_fairness_value: (own as MonitoredRate).fairness_value, payload_is_biased: (own as MonitoredRate).is_biased } : {}),
      distribution: payloadDistribution[g],
      payload_perturb_distribution: combinedDistribution[g],
    };
  };
  const side = (name: "majority" | "minority") => ({
    values: balanced[name].values.map((shown, j) => entry(name, j, shown, onPayload[name].values[j]!)),
    total_fav_percent: balanced[name].total.fav_class_percent,
    total_rows_percent: onPayload[name].total.rows_percent,
    payload_total_fav_percent: onPayload[name].total.fav_class_percent,
  });
  return {
    metric: {
      feature: feature.feature,
      fairness_threshold: feature.threshold,
      majority: side("majority"),
      minority: side("minority"),
      statistical_parity_difference: balanced.statistical_parity_difference,
      payload_statistical_parity_difference: onPayload.statistical_parity_difference,
      records_evaluated: {
        number_of_records: payload.labels.length,
        perturbed_records: perturbed.labels.length,
        additional_records: 0,
        newest_timestamp: window.newest,
        oldest_timestamp: window.oldest,
      },
    },
    payload: onPayload,
    balanced,
    names: names.slice(m),
  };
}

/** Fairness of the debiased outcomes of the payload window (no perturbation: these are the answers debiasing gives). */
export function debiasedFeatureReport(groups: FeatureGroups, payload: GroupedLabels, classes: FairnessClasses): { metric: Record<string, unknown>; fairness: FeatureFairness; names: string[] } {
  const { feature } = groups;
  const m = groups.majority.length;
  const names = [...feature.majority, ...feature.minority].map((v) => valueLabel(v as GroupValue));
  const fairness = featureFairness({ majorityValues: m, minorityValues: groups.minority.length, threshold: feature.threshold, groups: payload.codes, outcomes: outcomeCodes(payload.labels, classes) });
  const distribution = distributions([payload], m + groups.minority.length, names, classes);
  const side = (name: "majority" | "minority") => ({
    values: fairness[name].values.map((r, j) => ({
      value: feature[name][j],
      ...(name === "minority" ? { is_biased: (r as MonitoredRate).is_biased, fairness_value: (r as MonitoredRate).fairness_value } : {}),
      fav_class_percent: r.fav_class_percent,
      records: r.records,
      distribution: distribution[name === "majority" ? j : m + j],
    })),
    total_fav_percent: fairness[name].total.fav_class_percent,
    total_rows_percent: fairness[name].total.rows_percent,
  });
  return {
    metric: { feature: feature.feature, fairness_threshold: feature.threshold, majority: side("majority"), minority: side("minority"), statistical_parity_difference: fairness.statistical_parity_difference },
    fairness,
    names: names.slice(m),
  };
}

/** The measurement's flat values: `<feature>=<monitored value>` → fairness value, held to the feature's threshold. */
export function fairnessValues(features: readonly { feature: string; threshold: number; names: string[]; minority: (MonitoredRate | { fairness_value: number | null })[] }[]): {
  values: { id: string; value: number | null }[];
  limits: Map<string, { lower_limit: number }>;
} {
  const values: { id: string; value: number | null }[] = [];
  const limits = new Map<string, { lower_limit: number }>();
  for (const f of features) {
    f.names.forEach((name, j) => {
      const id = `${f.feature}=${name}`;
      values.push({ id, value: f.minority[j]!.fairness_value });
      limits.set(id, { lower_limit: f.threshold });
    });
  }
  return { values, limits };
}
