/**
 * The contrastive explanation of one payload row (`cem`), over the training statistics: each feature's candidate
 * values and neutral base come from its summary (numeric: range, deciles, median; categorical: categories by
 * frequency, the most frequent as base), and the search (../../metrics/contrastive) scores its rows through the
 * engine in at most CONTRASTIVE_MAX_ENGINE_CALLS batched calls.
 */
import { contrastiveExplanation as search, type ContrastiveExplanation, type ContrastiveFeature } from "../../metrics/contrastive/index";
import { sortedQuantile } from "../../metrics/column-summary";
import type { TrainingStatistics } from "../training-statistics";
import type { ScoredOutcomes } from "./batch-scoring";

export type ContrastiveResult = ContrastiveExplanation;

/** The search's features for the explained row's fields, from the training statistics. */
export function contrastiveFeatures(fields: readonly string[], statistics: TrainingStatistics): ContrastiveFeature[] {
  return fields.map((name): ContrastiveFeature => {
    const s = statistics.features[name];
    if (!s) throw new Error(`the training statistics have no figures for '${name}': enable explainability again with training rows holding it`);
    if (s.kind === "categorical") return { name, kind: "categorical", base: s.categories[0]?.value ?? null, categorical: { categories: s.categories.map((c) => c.value) } };
    // Deciles of the training values, read off the quantile edges.
    const deciles = Array.from({ length: 9 }, (_, i) => sortedQuantile(s.edges, (i + 1) / 10));
    return { name, kind: "numeric", base: s.quartiles[1], numeric: { min: s.min, max: s.max, quantiles: deciles, integer: s.integral } };
  });
}

export async function contrastiveExplanation(input: { fields: string[]; values: unknown[]; statistics: TrainingStatistics; predicted: unknown; probabilities: number[]; score: (values: unknown[][]) => Promise<ScoredOutcomes> }): Promise<ContrastiveResult> {
  return search({
    instance: input.values,
    features: contrastiveFeatures(input.fields, input.statistics),
    predictedClass: input.predicted,
    score: async (rows) => {
      const scored = await input.score(rows);
      return { predictions: scored.predictions, probabilities: scored.probabilities.map((p) => (p ? p.map(Number) : null)) };
    },
  });
}
