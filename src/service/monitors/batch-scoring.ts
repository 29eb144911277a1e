/**
 * Re-scoring rows through the subscription's engine for a monitor: rows are built on demand and sent `batchSize` at a
 * time (one engine call per batch, never per row); each answer is put in its canonical form (class labels,
 * probability vectors), so every engine gives the monitor the same predictions.
 */
import type { FieldsValues } from "../../engines/adapter";
import { canonicalAnswer } from "../class-answers";
import type { AssetProperties } from "../resources";

/** Rows per engine call. */
export const MONITOR_SCORING_BATCH = 1000;

export interface ScoringTally {
  engine_calls: number;
  scored_rows: number;
}

export interface ScoredOutcomes {
  predictions: unknown[];
  /** The class-probability vector of each row, when the answer has one. */
  probabilities: (unknown[] | null)[];
}

export async function scoreInBatches(
  fields: readonly string[],
  count: number,
  rowAt: (i: number) => unknown[],
  score: (payload: FieldsValues) => Promise<FieldsValues>,
  properties: AssetProperties,
  tally: ScoringTally,
  batchSize = MONITOR_SCORING_BATCH,
): Promise<ScoredOutcomes> {
  const predictions: unknown[] = new Array(count);
  const probabilities: (unknown[] | null)[] = new Array(count);
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    const values: unknown[][] = [];
    for (let i = start; i < end; i++) values.push(rowAt(i));
    tally.engine_calls++;
    const answer = canonicalAnswer(await score({ fields: [...fields], values }), properties);
    const p = properties.prediction_field === undefined ? -1 : answer.fields.indexOf(properties.prediction_field);
    const q = properties.probability_fields?.[0] === undefined ? -1 : answer.fields.indexOf(properties.probability_fields[0]);
    if (p < 0) throw new Error(`the engine's answer has no prediction column '${properties.prediction_field}' (it has ${answer.fields.join(", ")}): check the subscription's prediction_column`);
    if (answer.values.length !== values.length) throw new Error(`the engine answered ${answer.values.length} rows for ${values.length} rows sent`);
    answer.values.forEach((r, k) => {
      predictions[start + k] = r[p];
      probabilities[start + k] = q >= 0 && Array.isArray(r[q]) ? (r[q] as unknown[]) : null;
    });
    tally.scored_rows += values.length;
  }
  return { predictions, probabilities };
}
