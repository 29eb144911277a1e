/**
 * The quality monitor: its configuration rules (v1 `quality_monitoring.enable`) and its evaluation, which re-scores
 * the feedback rows through the binding's engine in batches (one engine call per batch, never per row), computes the
 * metrics of the problem type (../../metrics) and the confusion matrix, and stores one measurement.
 */
import type { FieldsValues } from "../../engines/adapter";
import { StateError, ValidationError } from "../../errors";
import { BINARY_METRIC_IDS, binaryClassificationMetrics, MULTICLASS_METRIC_IDS, multiclassMetrics, REGRESSION_METRIC_IDS, regressionMetrics, type ConfusionMatrix } from "../../metrics/index";
import type { Queryable } from "../../store/store";
import { canonicalAnswer } from "../class-answers";
import { feedbackBatches, feedbackCount } from "../feedback-table";
import type { MeasurementSource } from "../monitor-resources";
import type { SubscriptionRow } from "../subscription-rows";
import { writeMeasurement, type MetricLimits } from "./measurements";
import { RunFailure, type RunResult } from "./runs";

export type ProblemType = "binary" | "multiclass" | "regression";

/** Feedback rows per engine call. */
export const QUALITY_SCORING_BATCH = 1000;
export const DEFAULT_QUALITY_THRESHOLD = 0.8;
export const DEFAULT_MIN_RECORDS = 100;

/** The metric the threshold is the lower limit of, per problem type (IBM: area under ROC, accuracy, R²). */
export const THRESHOLD_METRIC: Record<ProblemType, string> = { binary: "area_under_roc", multiclass: "accuracy", regression: "r2" };

export interface QualityParameters {
  evaluation_definition: { method: ProblemType; threshold: number };
  min_feedback_data_size: number;
}

/** Checks `PUT …/configurations/quality_monitoring`: the v1 rules, then the parameters as they are stored. */
export function checkQualityConfiguration(row: SubscriptionRow, enabled: boolean, parameters: Record<string, unknown>): Record<string, unknown> {
  if (!enabled) return parameters;
  const problem = row.asset_properties.problem_type;
  if (problem !== "binary" && problem !== "multiclass" && problem !== "regression") {
    throw new StateError(
      `Quality monitoring needs the model's problem type, and subscription '${row.guid}' has ${problem ? `'${problem}'` : "none"}: ` +
        "set it with `await subscription.update({ problem_type: ProblemType.BINARY_CLASSIFICATION })` (or MULTICLASS_CLASSIFICATION, REGRESSION).",
    );
  }
  if (!row.payload_schema) {
    throw new StateError(
      `Payload should be logged first to have output_data_schema populated (subscription '${row.guid}'): score some rows ` +
        "(`await subscription.score(rows)`) or store payload records (`subscription.payload_logging.store`), then enable quality monitoring.",
    );
  }
  if (!row.asset_properties.label_column) {
    throw new StateError(`Quality monitoring compares predictions with true labels: set the label column first, \`await subscription.update({ label_column: "Risk" })\`.`);
  }
  const definition = (parameters.evaluation_definition ?? {}) as { threshold?: unknown };
  const threshold = definition.threshold ?? DEFAULT_QUALITY_THRESHOLD;
  const minRecords = parameters.min_feedback_data_size ?? DEFAULT_MIN_RECORDS;
  const issues = [];
  if (typeof threshold !== "number" || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    issues.push({ path: "threshold", message: `expected a number from 0 to 1 (the lower limit of ${THRESHOLD_METRIC[problem]}), got ${JSON.stringify(threshold)}` });
  }
  if (typeof minRecords !== "number" || !Number.isInteger(minRecords) || minRecords < 1) {
    issues.push({ path: "min_records", message: `expected a whole number of feedback rows, 1 or more, got ${JSON.stringify(minRecords)}` });
  }
  if (issues.length) throw new ValidationError("quality_monitoring.enable() options", issues);
  const valid: QualityParameters = { evaluation_definition: { method: problem, threshold: threshold as number }, min_feedback_data_size: minRecords as number };
  return valid as unknown as Record<string, unknown>;
}

export interface QualityEvaluationContext {
  db: Queryable;
  row: SubscriptionRow;
  parameters: QualityParameters;
  model_type: string;
  /** Scores rows on the subscription's deployment through the binding's engine. */
  score(deployment_id: string, payload: FieldsValues): Promise<FieldsValues>;
}

/** Reads and re-scores the feedback, computes the metrics; the returned result stores the measurement. */
export async function evaluateQuality(context: QualityEvaluationContext): Promise<RunResult> {
  const { db, row, parameters } = context;
  const statistics = { feedback_rows: 0, scored_rows: 0, engine_calls: 0 };
  const available = await feedbackCount(db, row);
  const needed = parameters.min_feedback_data_size;
  if (available < needed) {
    throw new RunFailure(
      `not enough feedback: ${available} of ${needed} rows (min_records). Store more with subscription.feedback_logging.store(), ` +
        "or enable quality monitoring with a smaller min_records. Nothing was stored.",
      { ...statistics, feedback_rows: available },
    );
  }
  const deployment = row.deployments[0]!;
  const properties = row.asset_properties;
  const labels: unknown[] = [];
  const predictions: unknown[] = [];
  const probabilities: (unknown[] | undefined)[] = [];
  let answerLabels: string[] | undefined;
  try {
    for await (const batch of feedbackBatches(db, row, { batchSize: QUALITY_SCORING_BATCH })) {
      if (batch.values.length === 0) continue;
      statistics.feedback_rows += batch.values.length;
      statistics.engine_calls++;
      const answer = canonicalAnswer(await context.score(deployment.deployment_id, { fields: batch.fields, values: batch.values }), properties);
      answerLabels ??= answer.labels;
      const p = properties.prediction_field === undefined ? -1 : answer.fields.indexOf(properties.prediction_field);
      const q = properties.probability_fields?.[0] === undefined ? -1 : answer.fields.indexOf(properties.probability_fields[0]);
      if (p < 0) throw new Error(`the engine's answer has no prediction column '${properties.prediction_field}' (it has ${answer.fields.join(", ")}): check the subscription's prediction_column`);
      if (answer.values.length !== batch.values.length) throw new Error(`the engine answered ${answer.values.length} rows for ${batch.values.length} feedback rows`);
      statistics.scored_rows += answer.values.length;
      labels.push(...batch.labels);
      for (const r of answer.values) {
        predictions.push(r[p]);
        probabilities.push(q >= 0 && Array.isArray(r[q]) ? (r[q] as unknown[]) : undefined);
      }
    }
  } catch (error) {
    throw new RunFailure(`quality evaluation failed after ${statistics.scored_rows} of ${available} feedback rows: ${error instanceof Error ? error.message : String(error)}`, statistics, { cause: error });
  }
  const method = parameters.evaluation_definition.method;
  let computed: { values: { id: string; value: number | null }[]; matrix?: ConfusionMatrix };
  try {
    computed = method === "regression" ? regression(labels, predictions) : classification(method, labels, predictions, probabilities, properties.class_labels ?? answerLabels);
  } catch (error) {
    throw new RunFailure(error instanceof Error ? error.message : String(error), statistics, { cause: error });
  }
  const limits: MetricLimits = new Map([[THRESHOLD_METRIC[method], { lower_limit: parameters.evaluation_definition.threshold }]]);
  const sources: MeasurementSource[] = computed.matrix ? [{ id: "confusion_matrix_1", type: "confusion_matrix", data: { ...computed.matrix } }] : [];
  return {
    statistics,
    store: (tx, run_id) =>
      writeMeasurement(tx, {
        monitor_definition_id: "quality",
        subscription: row,
        deployment_id: deployment.deployment_id,
        run_id,
        process: `Quality run for subscription_${row.guid}`,
        values: computed.values,
        tags: [{ id: "model_type", value: context.model_type }],
        sources,
        limits,
      }),
  };
}

function regression(labels: unknown[], predictions: unknown[]): { values: { id: string; value: number | null }[] } {
  const actual = Float64Array.from(labels, (v, i) => numberOf(v, `feedback row ${i + 1}: the label`));
  const predicted = Float64Array.from(predictions, (v, i) => numberOf(v, `the engine's prediction for feedback row ${i + 1}`));
  const { metrics } = regressionMetrics({ actual, predicted });
  return { values: REGRESSION_METRIC_IDS.map((id) => ({ id, value: metrics[id] })) };
}

function numberOf(value: unknown, what: string): number {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new Error(`${what} is ${JSON.stringify(value)}, not a number: a regression model's labels and predictions are numbers`);
  return n;
}

/**
 * The model's classes in the order of its probability vectors: the subscription's class_labels or the engine's
 * labels when known, else read from the answers (each row's predicted class is its vector's largest entry).
 */
function classOrder(known: readonly string[] | undefined, predictions: unknown[], probabilities: (unknown[] | undefined)[], labels: unknown[]): string[] {
  if (known?.length) return [...known];
  const width = probabilities.find((p) => p)?.length;
  const order: (string | undefined)[] = width ? new Array<string | undefined>(width).fill(undefined) : [];
  if (width) {
    probabilities.forEach((p, i) => {
      if (!p) return;
      let best = 0;
      for (let j = 1; j < p.length; j++) if (Number(p[j]) > Number(p[best])) best = j;
      order[best] ??= String(predictions[i]);
    });
  }
  const seen = new Set(order.filter((l): l is string => l !== undefined));
  const rest = [...new Set([...predictions, ...labels].map(String))].filter((l) => !seen.has(l)).sort();
  for (let j = 0; j < order.length && rest.length; j++) if (order[j] === undefined) order[j] = rest.shift();
  return [...order.filter((l): l is string => l !== undefined), ...(width ? [] : rest)];
}

function classification(method: "binary" | "multiclass", labels: unknown[], predictions: unknown[], probabilities: (unknown[] | undefined)[], known: readonly string[] | undefined): { values: { id: string; value: number | null }[]; matrix: ConfusionMatrix } {
  const classes = classOrder(known, predictions, probabilities, labels);
  const index = new Map(classes.map((c, i) => [c, i]));
  const unknownLabels = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const label = String(l);
    if (index.has(label)) return;
    const rows = unknownLabels.get(label);
    if (rows) rows.push(i + 1);
    else unknownLabels.set(label, [i + 1]);
  });
  if (unknownLabels.size) {
    const listed = [...unknownLabels].slice(0, 5).map(([l, rows]) => `'${l}' (feedback row${rows.length > 1 ? "s" : ""} ${rows.slice(0, 5).join(", ")}${rows.length > 5 ? ", …" : ""})`);
    throw new Error(`the feedback holds label${unknownLabels.size > 1 ? "s" : ""} the model never predicts: ${listed.join(", ")}; the model's classes are ${classes.map((c) => `'${c}'`).join(", ")}. Correct those feedback rows.`);
  }
  const unknownPrediction = predictions.findIndex((p) => !index.has(String(p)));
  if (unknownPrediction >= 0) throw new Error(`the engine predicted '${String(predictions[unknownPrediction])}', which is not one of the classes ${classes.join(", ")}: set the subscription's class_labels`);
  if (method === "binary" && classes.length !== 2) {
    throw new Error(`a binary model has two classes, but the feedback and predictions hold ${classes.length} (${classes.join(", ")}): check the labels, or set problem_type to multiclass`);
  }
  const actual = Int32Array.from(labels, (l) => index.get(String(l))!);
  const predicted = Int32Array.from(predictions, (p) => index.get(String(p))!);
  const k = classes.length;
  const complete = probabilities.every((p) => p && p.length === k);
  if (method === "binary") {
    const scores = Float64Array.from(probabilities, (p, i) => (complete ? Number(p![1]) : predicted[i]!));
    const result = binaryClassificationMetrics({ labels: actual, predictions: predicted, scores, classLabels: [classes[0]!, classes[1]!] });
    return { values: BINARY_METRIC_IDS.map((id) => ({ id, value: id === "log_loss" && !complete ? null : result.metrics[id] })), matrix: result.confusion_matrix };
  }
  const flat = complete ? Float64Array.from(probabilities.flatMap((p) => p!.map(Number))) : undefined;
  const result = multiclassMetrics({ actual, predicted, classCount: k, classLabels: classes, ...(flat ? { probabilities: flat } : {}) });
  return { values: MULTICLASS_METRIC_IDS.map((id) => ({ id, value: result.metrics[id] })), matrix: result.confusion_matrix };
}
