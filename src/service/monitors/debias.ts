/**
 * Debiased scoring (v1 `POST …/subscriptions/{s}/deployments/{d}/online`): the rows are scored with their debiasing
 * twins (each row's monitored attributes moved to the reference group) in the same engine calls. Where the twin's
 * answer differs, the row's outcome depended on the monitored attribute alone (individual bias), and the twin's answer
 * is the debiased one; elsewhere the debiased answer is the model's own. The answer keeps every column the engine gave,
 * with `debiased_prediction` and `debiased_probability` beside them.
 */
import type { FieldsValues } from "../../engines/adapter";
import { ValidationError } from "../../errors";
import { canonicalAnswer } from "../class-answers";
import { DEBIASED_PREDICTION, DEBIASED_PROBABILITY } from "../payload-debiased-columns";
import type { AssetProperties } from "../resources";
import { MONITOR_SCORING_BATCH } from "./batch-scoring";
import type { FairnessParameters } from "./fairness-config";
import { debiasTwin, featureGroups } from "./fairness-perturbation";

export interface DebiasedAnswer extends FieldsValues {
  /** How many rows the monitored attributes alone changed. */
  debiased_rows: number;
  engine_calls: number;
}

/** The rows in the model's input order, or a ValidationError naming the missing columns. */
export function inModelOrder(payload: FieldsValues, features: readonly string[], subject: string): FieldsValues {
  if (!payload || !Array.isArray(payload.fields) || !Array.isArray(payload.values)) {
    throw new ValidationError(subject, [{ path: "payload", message: "expected the rows to score as {fields, values}" }]);
  }
  if (payload.values.length === 0) throw new ValidationError(subject, [{ path: "payload.values", message: "is empty: give at least one row to score" }]);
  const index = features.map((f) => payload.fields.indexOf(f));
  const missing = features.filter((_, i) => index[i]! < 0);
  if (missing.length) throw new ValidationError(subject, [{ path: "payload.fields", message: `lacks the feature column(s) ${missing.map((m) => `'${m}'`).join(", ")}` }]);
  const bad = payload.values.findIndex((r) => !Array.isArray(r) || r.length !== payload.fields.length);
  if (bad >= 0) throw new ValidationError(subject, [{ path: `payload.values[${bad}]`, message: `expected a row of ${payload.fields.length} values, one per field` }]);
  return { fields: [...features], values: payload.values.map((r) => index.map((i) => r[i])) };
}

export async function debiasedScoring(
  payload: FieldsValues,
  parameters: FairnessParameters,
  properties: AssetProperties,
  score: (payload: FieldsValues) => Promise<FieldsValues>,
): Promise<DebiasedAnswer> {
  const groups = featureGroups(parameters.features, payload.fields, parameters.training_data_distributions, payload.values);
  const twins: { source: number; values: unknown[] }[] = [];
  payload.values.forEach((r, source) => {
    const twin = debiasTwin(groups, r);
    if (twin) twins.push({ source, values: twin });
  });
  const all = [...payload.values, ...twins.map((t) => t.values)];
  let engine_calls = 0;
  let answer: FieldsValues | undefined;
  for (let start = 0; start < all.length; start += MONITOR_SCORING_BATCH) {
    engine_calls++;
    const values = all.slice(start, start + MONITOR_SCORING_BATCH);
    const part = canonicalAnswer(await score({ fields: payload.fields, values }), properties);
    if (part.values.length !== values.length) throw new Error(`the engine answered ${part.values.length} rows for ${values.length} rows sent`);
    answer = answer ? { ...answer, values: [...answer.values, ...part.values] } : part;
  }
  const fields = answer!.fields;
  const p = properties.prediction_field === undefined ? -1 : fields.indexOf(properties.prediction_field);
  const q = properties.probability_fields?.[0] === undefined ? -1 : fields.indexOf(properties.probability_fields[0]);
  if (p < 0) throw new Error(`the engine's answer has no prediction column '${properties.prediction_field}' (it has ${fields.join(", ")}): check the subscription's prediction_column`);
  const own = answer!.values.slice(0, payload.values.length);
  const twinOf = new Map(twins.map((t, k) => [t.source, answer!.values[payload.values.length + k]!]));
  let debiased_rows = 0;
  const values = own.map((r, i) => {
    const twin = twinOf.get(i);
    const changed = twin !== undefined && String(twin[p]) !== String(r[p]);
    if (changed) debiased_rows++;
    const chosen = changed ? twin : r;
    return [...r, chosen[p], q >= 0 ? chosen[q] : null];
  });
  return { ...answer!, fields: [...fields, DEBIASED_PREDICTION, DEBIASED_PROBABILITY], values, debiased_rows, engine_calls };
}
