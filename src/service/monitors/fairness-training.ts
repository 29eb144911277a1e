/**
 * What the fairness monitor keeps of the training data (v1 computed it client-side with `TrainingStats` and sent
 * `distributions`): the label values, each group's rows and label counts (how biased the training data itself was),
 * and for numeric attributes a sorted sample of the training values, from which perturbed values are drawn. Once
 * stored, runs never need the training rows again.
 */
import { z } from "zod";
import { ValidationError } from "../../errors";
import { groupOf, type FairnessFeature } from "./fairness-groups";
import { trainingColumns, type TrainingRows } from "../training-rows";

/** Training values kept per numeric attribute: enough quantiles to draw from, bounded whatever the row count. */
export const KEPT_VALUES = 1001;

export const trainingDistributionsSchema = z.strictObject(
  {
    class_label: z.string(),
    rows: z.number().int().min(1),
    labels: z.array(z.string()).min(1),
    features: z.record(
      z.string(),
      z.strictObject({
        type: z.enum(["categorical", "numeric"]),
        groups: z.array(
          z.strictObject({
            side: z.enum(["majority", "minority"]),
            value: z.union([z.string(), z.number(), z.tuple([z.number(), z.number()])]),
            records: z.number().int().min(0),
            labels: z.record(z.string(), z.number().int().min(0)),
          }),
        ),
        values: z.array(z.number()).optional(),
      }),
    ),
  },
  { error: "expected training data statistics as fairness_monitoring computes them (get_details().parameters.training_data_distributions)" },
);

export type TrainingDistributions = z.output<typeof trainingDistributionsSchema>;

/** The training figures of each feature's groups, from the training rows (features and label columns). */
export function fairnessTrainingDistributions(rows: TrainingRows, features: readonly (FairnessFeature & { type?: string })[], classLabel: string, subject: string): TrainingDistributions {
  const table = trainingColumns(rows, [classLabel], subject);
  // A feature missing from the rows gets no figures: enable then names it, with the subscription's columns in view.
  features = features.filter((f) => table.has(f.feature));
  const labels = table.column(classLabel).map((l, i) => {
    if (l === null || l === undefined || l === "") throw new ValidationError(subject, [{ path: `training_data[${i}].${classLabel}`, message: "is missing: every training row needs its label" }]);
    return String(l);
  });
  const out: TrainingDistributions = { class_label: classLabel, rows: table.count, labels: [...new Set(labels)].sort(), features: {} };
  for (const feature of features) {
    const values = table.column(feature.feature);
    const numeric = Array.isArray(feature.majority[0]);
    const groups = [...feature.majority.map((value) => ({ side: "majority" as const, value })), ...feature.minority.map((value) => ({ side: "minority" as const, value }))].map((g) => ({
      ...g,
      records: 0,
      labels: {} as Record<string, number>,
    }));
    const offset = feature.majority.length;
    const kept: number[] = [];
    values.forEach((v, i) => {
      if (numeric) {
        const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
        if (!Number.isFinite(n)) throw new ValidationError(subject, [{ path: `training_data[${i}].${feature.feature}`, message: `is ${JSON.stringify(v)}: '${feature.feature}' has [lo, hi] ranges, so its values must be numbers` }]);
        kept.push(n);
      }
      const found = groupOf(feature, v);
      if (!found) return;
      const g = groups[found.side === "majority" ? found.index : offset + found.index]!;
      g.records++;
      g.labels[labels[i]!] = (g.labels[labels[i]!] ?? 0) + 1;
    });
    out.features[feature.feature] = { type: numeric ? "numeric" : "categorical", groups, ...(numeric ? { values: quantiles(kept, KEPT_VALUES) } : {}) };
  }
  return out;
}

/** `count` evenly spaced order statistics of `values` (all of them, sorted, when there are fewer). */
function quantiles(values: number[], count: number): number[] {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length <= count) return Array.from(sorted);
  return Array.from({ length: count }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (count - 1))]!);
}
