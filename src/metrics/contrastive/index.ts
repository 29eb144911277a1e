/**
 * OpenScale's contrastive explanation of one scored row (after IBM's CEM), as a bounded, deterministic,
 * model-agnostic search through the engine:
 * - the pertinent negative: the smallest change to the features that flips the prediction (./negative);
 * - the pertinent positive: a minimal set of the features that alone, the others at their base value, keeps it (./positive).
 * Both searches share each engine call: one call scores the next round of the one and the next step of the other,
 * at most `batchSize` rows, at most `maxEngineCalls` calls. Never one call per row. A scorer that throws ends the
 * explanation with its error, untouched.
 */
import { OpenScaleError } from "../../errors";
import { checkContrastiveInput, sameValue, type CheckedInput, type ContrastiveInput, type ScoredRow } from "./input";
import { NegativeSearch, type PertinentNegative } from "./negative";
import { PositiveSearch, type PertinentPositive } from "./positive";

export { candidateValues, checkContrastiveInput, CONTRASTIVE_BATCH_SIZE, CONTRASTIVE_MAX_ENGINE_CALLS, CONTRASTIVE_STEPS } from "./input";
export type { Candidate, CategoricalContrastiveFeature, ContrastiveFeature, ContrastiveInput, ContrastiveScorer, NumericContrastiveFeature } from "./input";
export type { FeatureChange, PertinentNegative, PertinentNegativeFound, PertinentNegativeMissing } from "./negative";
export type { KeptFeature, PertinentPositive, PertinentPositiveFound, PertinentPositiveMissing } from "./positive";

export interface ContrastiveExplanation {
  predicted_class: unknown;
  /** What the engine predicts for the instance now (it may differ from predicted_class: see notes). */
  instance_prediction: unknown;
  /** The probability of predicted_class at the instance (null without probabilities). */
  probability: number | null;
  pertinent_negative: PertinentNegative;
  pertinent_positive: PertinentPositive;
  engine_calls: number;
  rows_scored: number;
  notes: string[];
}

type Answer = { predictions: unknown[]; probabilities: (number[] | null)[] | undefined };

function checkAnswer(answer: unknown, rows: number, call: number): Answer {
  const a = answer as { predictions?: unknown; probabilities?: unknown } | null;
  const where = `Engine call ${call} of the contrastive explanation`;
  if (a === null || typeof a !== "object" || !Array.isArray(a.predictions)) throw new OpenScaleError(`${where} returned no predictions array: the scorer must resolve to { predictions, probabilities? }`);
  if (a.predictions.length !== rows) throw new OpenScaleError(`${where} returned ${a.predictions.length} predictions for ${rows} rows: the scorer must return one prediction per row, in order`);
  if (a.probabilities !== undefined && a.probabilities !== null && (!Array.isArray(a.probabilities) || a.probabilities.length !== rows)) {
    throw new OpenScaleError(`${where} returned probabilities for ${Array.isArray(a.probabilities) ? a.probabilities.length : "no"} rows of ${rows}: give one vector (or null) per row, or leave probabilities out`);
  }
  return { predictions: a.predictions, probabilities: (a.probabilities ?? undefined) as (number[] | null)[] | undefined };
}

function vectorOf(answer: Answer, i: number): number[] | null {
  const v = answer.probabilities?.[i];
  return Array.isArray(v) && v.length > 0 && v.every((p) => typeof p === "number" && Number.isFinite(p)) ? v : null;
}

function argmax(v: number[]): number {
  let m = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[m]!) m = i;
  return m;
}

/** The explained class's index in the probability vectors: from `classes`, else the argmax of the first row that gets it. */
function classIndexOf(spec: CheckedInput, answer: Answer): number | null {
  if (spec.classes) return spec.classes.findIndex((c) => sameValue(c, spec.predictedClass));
  for (let i = 0; i < answer.predictions.length; i++) {
    const v = vectorOf(answer, i);
    if (v !== null && sameValue(answer.predictions[i], spec.predictedClass)) return argmax(v);
  }
  return null;
}

function scoredRows(spec: CheckedInput, answer: Answer, classIndex: number | null): ScoredRow[] {
  return answer.predictions.map((prediction, i) => {
    const v = vectorOf(answer, i);
    if (v === null) return { prediction, probability: null, ownProbability: null };
    const own = spec.classes ? spec.classes.findIndex((c) => sameValue(c, prediction)) : argmax(v);
    return { prediction, probability: classIndex === null ? null : (v[classIndex] ?? null), ownProbability: own < 0 ? null : (v[own] ?? null) };
  });
}

/** The pertinent negative and positive of one scored row, in at most `maxEngineCalls` batched engine calls. */
export async function contrastiveExplanation(input: ContrastiveInput): Promise<ContrastiveExplanation> {
  const spec = checkContrastiveInput(input);
  const negative = new NegativeSearch(spec);
  const positive = new PositiveSearch(spec);
  const notes: string[] = [];
  let calls = 0;
  let rowsScored = 0;
  let classIndex: number | null = null;
  let instance: ScoredRow | null = null;
  while (calls < spec.maxEngineCalls && !(negative.done && positive.done)) {
    const rows: unknown[][] = calls === 0 ? [[...spec.instance]] : [];
    const positiveRows = positive.next(spec.batchSize - rows.length - (negative.done ? 0 : 1));
    rows.push(...positiveRows);
    const negativeRows = negative.next(spec.batchSize - rows.length);
    rows.push(...negativeRows);
    if (rows.length === 0) break;
    const answer = checkAnswer(await spec.score(rows), rows.length, calls + 1);
    calls++;
    rowsScored += rows.length;
    if (calls === 1) classIndex = classIndexOf(spec, answer);
    const scored = scoredRows(spec, answer, classIndex);
    const offset = calls === 1 ? 1 : 0;
    instance ??= scored[0]!;
    positive.absorb(scored.slice(offset, offset + positiveRows.length));
    negative.absorb(scored.slice(offset + positiveRows.length), instance);
  }
  if (instance !== null && !sameValue(instance.prediction, spec.predictedClass)) {
    notes.push(`The engine now predicts ${String(instance.prediction)} for the instance, not ${String(spec.predictedClass)}: both searches explain ${String(spec.predictedClass)}.`);
  }
  if (instance !== null && classIndex === null) {
    notes.push("The engine gave no usable probabilities: the searches ranked features by order and distance alone, and report no probabilities.");
  }
  return {
    predicted_class: spec.predictedClass,
    instance_prediction: instance?.prediction ?? null,
    probability: instance?.probability ?? null,
    pertinent_negative: negative.result(calls),
    pertinent_positive: positive.result(calls),
    engine_calls: calls,
    rows_scored: rowsScored,
    notes,
  };
}
