/**
 * One form for a classifier's answer, whatever engine gave it. Watson ML and custom engines send a vector of class
 * probabilities; Azure ML Studio sends one score and SageMaker's linear learner a score and a class index. A single
 * score is the probability of the positive class (the last class label), never that of the predicted class, so it
 * becomes the vector `[1 - score, score]`; a class index becomes its label. The payload table then holds the same
 * prediction, probability vector and prediction_probability (the vector's largest value) for the same model on any
 * engine, which is what quality, fairness and drift read.
 */
import type { FieldsValues } from "../engines/adapter";
import type { AssetProperties } from "./resources";

type AnswerRoles = Pick<AssetProperties, "problem_type" | "prediction_field" | "probability_fields" | "class_labels">;

/** The answer with its prediction as a class label and its probability as a class-probability vector (a copy when changed). */
export function canonicalAnswer(answer: FieldsValues, roles: AnswerRoles): FieldsValues {
  if (roles.problem_type === "regression") return answer;
  const labels = roles.class_labels ?? answer.labels;
  const predictionIndex = roles.prediction_field === undefined ? -1 : answer.fields.indexOf(roles.prediction_field);
  const probabilityField = roles.probability_fields?.[0];
  const probabilityIndex = probabilityField === undefined ? -1 : answer.fields.indexOf(probabilityField);
  const mapsLabels = predictionIndex >= 0 && labels !== undefined && labels.length > 0;
  if (!mapsLabels && probabilityIndex < 0) return answer;
  let changed = false;
  const values = answer.values.map((row) => {
    let copy: unknown[] | undefined;
    if (mapsLabels) {
      const label = labelOf(row[predictionIndex], labels);
      if (label !== undefined) (copy ??= [...row])[predictionIndex] = label;
    }
    if (probabilityIndex >= 0) {
      const vector = binaryVector(row[probabilityIndex]);
      if (vector !== undefined) (copy ??= [...row])[probabilityIndex] = vector;
    }
    if (copy) changed = true;
    return copy ?? row;
  });
  return changed ? { ...answer, values } : answer;
}

/** A class index (a whole number, or its text as CSV and Azure's classic tables send it) as the label it stands for. */
function labelOf(value: unknown, labels: readonly string[]): string | undefined {
  const index = typeof value === "number" ? value : typeof value === "string" && /^\d+(\.0*)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(index) || index < 0 || index >= labels.length) return undefined;
  // A label that is itself the text of a number is kept as the engine wrote it only when it is not an index.
  return labels[index];
}

/** One score (or its text) as `[P(negative), P(positive)]`; anything else (a vector already, a bad value) is left alone. */
function binaryVector(value: unknown): number[] | undefined {
  const score = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isFinite(score) || score < 0 || score > 1) return undefined;
  // 15 significant digits drop the binary noise of 1 - score (1 - 0.085511 is 0.9144890000000001 in doubles).
  return [Number((1 - score).toPrecision(15)), score];
}
