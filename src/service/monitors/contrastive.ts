/** STUB until the contrastive search lands. */
import type { ScoredOutcomes } from "./batch-scoring";
import type { TrainingStatistics } from "../training-statistics";
export interface ContrastiveResult { scoring_ms?: number; [k: string]: unknown }
export async function contrastiveExplanation(_input: { fields: string[]; values: unknown[]; statistics: TrainingStatistics; predicted: unknown; probabilities: number[]; score: (values: unknown[][]) => Promise<ScoredOutcomes> }): Promise<ContrastiveResult> {
  throw new Error("contrastive explanations are not available yet");
}
