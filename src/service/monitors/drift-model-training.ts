/**
 * The drift model's life in the service: trained from the training rows scored by the engine in batches (the
 * monitored model's answers are what it learns to judge), and applied to a payload window in SQL, where the rows are:
 * the model is linear in its inputs, so the window's predicted accuracy is one AVG over the table.
 */
import type { FieldsValues } from "../../engines/adapter";
import { CLIP, trainDriftModel, type DriftModel } from "../../metrics/drift-model";
import { quoteName, type Queryable } from "../../store/store";
import type { SubscriptionRow } from "../subscription-rows";
import { scoreInBatches, type ScoringTally } from "./batch-scoring";
import { trainingColumns, type TrainingRows } from "../training-rows";
import { sqlString, windowSelect, type PayloadWindowSpec } from "./payload-histograms";

/** Scores the training rows through the engine (1,000 per call) and trains the drift model on the answers. */
export async function trainOnEngine(row: SubscriptionRow, rows: TrainingRows, score: (payload: FieldsValues) => Promise<FieldsValues>): Promise<{ model: DriftModel; tally: ScoringTally }> {
  const p = row.asset_properties;
  const features = p.feature_fields ?? [];
  const label = p.label_column!;
  const table = trainingColumns(rows, [...features, label], "drift_monitoring.enable()");
  const columns = features.map((name) => ({ name, values: table.column(name) }));
  const tally: ScoringTally = { engine_calls: 0, scored_rows: 0 };
  const scored = await scoreInBatches(features, table.count, (i) => columns.map((c) => c.values[i]), score, p, tally);
  const categorical = new Set(p.categorical_fields ?? []);
  const model = trainDriftModel({
    columns: columns.map((c) => ({ name: c.name, kind: categorical.has(c.name) ? "categorical" : "numeric", values: c.values })),
    probabilities: scored.probabilities,
    predictions: scored.predictions,
    labels: table.column(label),
  });
  return { model, tally };
}

function sqlNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`the drift model holds a non-finite weight (${x})`);
  return String(x);
}

/** Where the model's confidence comes from in the payload table: the stored top probability (two classes), or the vector. */
type Confidence = { kind: "top"; column: string } | { kind: "vector"; column: string } | undefined;

/** The drift model's logit for the window's row `w`, as a SQL expression. */
function logitSql(model: DriftModel, confidence: Confidence): string {
  const terms = [sqlNumber(model.intercept)];
  for (const input of model.inputs) {
    const col = `w.${quoteName(input.name)}`;
    if (input.kind === "numeric") {
      if (input.std === 0 || input.weight === 0) continue;
      terms.push(`${sqlNumber(input.weight)} * coalesce(least(greatest((${col}::float8 - ${sqlNumber(input.mean)}) / ${sqlNumber(input.std)}, -${CLIP}), ${CLIP}), 0)`);
    } else if (input.categories.length) {
      terms.push(`(CASE ${col}::text ${input.categories.map((c, k) => `WHEN ${sqlString(c)} THEN ${sqlNumber(input.weights[k]!)}`).join(" ")} ELSE 0 END)`);
    }
  }
  if (confidence) {
    let max: string;
    let margin: string;
    if (confidence.kind === "top") {
      // Two classes: the second probability is 1 − the top one, so the margin is 2·top − 1.
      max = `w.${quoteName(confidence.column)}`;
      margin = `(2 * ${max} - 1)`;
    } else {
      const p = `w.${quoteName(confidence.column)}`;
      max = `(SELECT max(v) FROM unnest(${p}) v)`;
      margin = `(SELECT a[1] - coalesce(a[2], 0) FROM (SELECT array_agg(v ORDER BY v DESC) AS a FROM unnest(${p}) v) s)`;
    }
    terms.push(`${sqlNumber(model.confidence.max_probability)} * coalesce(${max}, 0)`, `${sqlNumber(model.confidence.margin)} * coalesce(${margin}, 0)`);
  }
  return terms.join(" + ");
}

/** The window's predicted accuracy: the mean of P(the model is right) over its rows, computed in the database. */
export async function predictedAccuracy(db: Queryable, row: SubscriptionRow, spec: PayloadWindowSpec, model: DriftModel): Promise<number> {
  const schema = row.payload_schema ?? [];
  const vector = schema.find((f) => f.name === row.asset_properties.probability_fields?.[0] && f.type === "array<double>")?.name;
  const top = schema.find((f) => f.name === "prediction_probability")?.name;
  const classes = row.asset_properties.class_labels?.length ?? 0;
  const confidence: Confidence = twoClasses(classes, model) && top ? { kind: "top", column: top } : vector ? { kind: "vector", column: vector } : undefined;
  const columns = [...new Set([...model.inputs.map((i) => i.name), ...(confidence ? [confidence.column] : [])])].filter((c) => schema.some((f) => f.name === c));
  const window = windowSelect(spec, columns);
  const known = new Set(columns);
  const usable: DriftModel = { ...model, inputs: model.inputs.filter((i) => known.has(i.name)) };
  const [found] = await db.query<{ accuracy: number | string | null }>(
    `SELECT avg(1 / (1 + exp(least(-(${logitSql(usable, confidence)}), 700)))) AS accuracy
     FROM (${window.select}) AS w`,
    window.params,
  );
  return Number(found?.accuracy ?? NaN);
}

/** Whether the monitored model has two classes: the subscription says so, or the drift model learnt from binary answers. */
function twoClasses(declared: number, model: DriftModel): boolean {
  return declared === 2 || (declared === 0 && model.binary === true);
}
