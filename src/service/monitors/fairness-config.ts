/**
 * The fairness monitor's configuration (v1 `POST /v1/fairness_monitoring`): the protected attributes (`Feature`s) with
 * their reference (majority) and monitored (minority) groups, the favourable and unfavourable classes, the window
 * size, and where the training data's figures come from. Everything is checked here, against the subscription's
 * columns and the labels the model is known to return, so the embedded client and a server refuse the same input.
 */
import { z } from "zod";
import { StateError, ValidationError, type ValidationIssue } from "../../errors";
import { parseOrThrow } from "../../validation";
import { knownPayloadSchema, type SubscriptionRow } from "../subscription-rows";
import { featureSchema, isRangeFeature, type FairnessFeature } from "./fairness-groups";
import { fairnessTrainingDistributions, trainingDistributionsSchema, type TrainingDistributions } from "./fairness-training";
import type { TrainingRows } from "../training-rows";

export const DEFAULT_FAIRNESS_MIN_RECORDS = 100;

const classList = z.array(z.union([z.string(), z.number(), z.boolean()]).transform(String), { error: "expected a list of class labels" }).min(1, "is empty: name at least one class");

const parametersSchema = z.strictObject({
  features: z.array(featureSchema, { error: "expected a list of Feature objects" }).min(1, "is empty: give at least one Feature"),
  favourable_class: classList,
  unfavourable_class: classList,
  min_records: z.number({ error: "expected a whole number of payload rows" }).int("expected a whole number of payload rows").min(1, "expected 1 or more payload rows").optional(),
  deployment_id: z.string().optional(),
  training_data_distributions: trainingDistributionsSchema.optional(),
  /** Training rows: their figures are computed here, once the features are known to be right, and only those are kept. */
  training_data: z.unknown().optional(),
});

export type FairnessRequest = z.input<typeof parametersSchema>;

/** The configuration as stored (and shown by `get_details().parameters`). */
export interface FairnessParameters {
  class_label: string;
  features: (FairnessFeature & { type: "categorical" | "numeric" })[];
  favourable_class: string[];
  unfavourable_class: string[];
  min_records: number;
  deployment_id: string;
  perform_debias: true;
  training_data_distributions?: TrainingDistributions;
}

const SUBJECT = "fairness_monitoring.enable() options";

/**
 * Checks an enable request against the subscription: structured classification data, the features are feature
 * columns of the right kind, the classes are disjoint and among `knownLabels` (when any are known), the deployment is
 * the subscription's, and training figures exist (given, or a training_data_reference to read them from).
 */
export function checkFairnessConfiguration(row: SubscriptionRow, input: Record<string, unknown>, knownLabels: ReadonlySet<string>): FairnessParameters {
  const p = parseOrThrow(parametersSchema, input, SUBJECT);
  const properties = row.asset_properties;
  if (properties.input_data_type && properties.input_data_type !== "structured") {
    throw new StateError(`Fairness monitoring works on structured (tabular) data; subscription '${row.guid}' has input_data_type '${properties.input_data_type}'.`);
  }
  if (properties.problem_type === "regression") {
    throw new StateError(`Fairness monitoring compares favourable and unfavourable classes, and subscription '${row.guid}' is a regression model: it needs a classification model.`);
  }
  const label = properties.label_column;
  if (!label) throw new StateError("Fairness monitoring needs the subscription's label column: set it first, `await subscription.update({ label_column: \"Risk\" })`.");
  const issues: ValidationIssue[] = [];
  const columns = new Map(knownPayloadSchema(row).fields.filter((f) => f.metadata.modeling_role === "feature").map((f) => [f.name, f]));
  const categorical = new Set(properties.categorical_fields ?? []);
  const features = p.features.map((f, i) => {
    const column = columns.get(f.feature);
    const numericColumn = column ? (column.type === "double" || column.type === "integer") && !categorical.has(f.feature) : false;
    if (!column) {
      issues.push({ path: `features[${i}].feature`, message: `'${f.feature}' is not a feature column of the subscription (its features: ${[...columns.keys()].join(", ") || "none declared"})` });
    } else if (numericColumn && !isRangeFeature(f)) {
      issues.push({ path: `features[${i}].majority`, message: `'${f.feature}' holds numbers: give its groups as [lo, hi] ranges, such as majority: [[26, 75]], minority: [[18, 25]]` });
    } else if (!numericColumn && isRangeFeature(f)) {
      issues.push({ path: `features[${i}].majority`, message: `'${f.feature}' holds categories: give its groups as values, such as majority: ["male"], minority: ["female"]` });
    }
    return { ...f, type: numericColumn ? ("numeric" as const) : ("categorical" as const) };
  });
  const repeated = features.findIndex((f, i) => features.findIndex((g) => g.feature === f.feature) !== i);
  if (repeated >= 0) issues.push({ path: `features[${repeated}].feature`, message: `'${features[repeated]!.feature}' is given twice: one Feature per column` });
  const both = p.favourable_class.filter((c) => p.unfavourable_class.includes(c));
  if (both.length) issues.push({ path: "unfavourable_classes", message: `${both.map((c) => `'${c}'`).join(", ")} ${both.length > 1 ? "are" : "is"} also favourable: a class is one or the other` });
  const labels = new Set([...knownLabels, ...(p.training_data_distributions?.labels ?? []), ...trainingLabels(p.training_data, label)]);
  if (labels.size) {
    for (const key of ["favourable_class", "unfavourable_class"] as const) {
      p[key].forEach((c, i) => {
        if (!labels.has(c)) issues.push({ path: `${key === "favourable_class" ? "favourable_classes" : "unfavourable_classes"}[${i}]`, message: `'${c}' is not a label the model returns (its labels: ${[...labels].sort().join(", ")})` });
      });
    }
  }
  const deployments = row.deployments.map((d) => d.deployment_id);
  if (p.deployment_id !== undefined && !deployments.includes(p.deployment_id)) {
    issues.push({ path: "deployment_uid", message: `'${p.deployment_id}' is not a deployment of this subscription; its deployments: ${deployments.join(", ")}` });
  } else if (p.deployment_id === undefined && deployments.length !== 1) {
    issues.push({ path: "deployment_uid", message: `the subscription has ${deployments.length} deployments (${deployments.join(", ")}): name the one to monitor` });
  }
  if (p.training_data !== undefined && p.training_data_distributions !== undefined) {
    issues.push({ path: "training_data_statistics", message: "give training_data or training_data_statistics, not both" });
  }
  if (p.training_data === undefined && !p.training_data_distributions && !properties.training_data_reference) {
    issues.push({
      path: "training_data",
      message: "is needed: give training_data (the training rows), training_data_statistics, or subscribe with a training_data_reference",
    });
  }
  if (issues.length) throw new ValidationError(SUBJECT, issues);
  const distributions = p.training_data !== undefined ? fairnessTrainingDistributions(p.training_data as TrainingRows, features, label, SUBJECT) : p.training_data_distributions;
  if (distributions) {
    features.forEach((f, i) => {
      if (!distributions.features[f.feature] && columns.has(f.feature)) issues.push({ path: `features[${i}].feature`, message: `'${f.feature}' is not in the training data: give training rows (or statistics computed from rows) with this column` });
    });
  }
  if (issues.length) throw new ValidationError(SUBJECT, issues);
  return {
    class_label: label,
    features,
    favourable_class: p.favourable_class,
    unfavourable_class: p.unfavourable_class,
    min_records: p.min_records ?? DEFAULT_FAIRNESS_MIN_RECORDS,
    deployment_id: p.deployment_id ?? deployments[0]!,
    perform_debias: true,
    ...(distributions ? { training_data_distributions: distributions } : {}),
  };
}

/** The label values of training rows, when they hold the label column (their other problems are reported later). */
function trainingLabels(rows: unknown, label: string): string[] {
  if (Array.isArray(rows)) return rows.flatMap((r) => (r && typeof r === "object" && label in r ? [String((r as Record<string, unknown>)[label])] : []));
  const table = rows as { fields?: unknown; values?: unknown } | undefined;
  if (!table || !Array.isArray(table.fields) || !Array.isArray(table.values)) return [];
  const i = table.fields.indexOf(label);
  return i < 0 ? [] : table.values.flatMap((r) => (Array.isArray(r) ? [String(r[i])] : []));
}
