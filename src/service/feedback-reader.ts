/** Placeholder until the feedback branch lands (same signatures). */
import type { Queryable } from "../store/store";
import type { SubscriptionRow } from "./subscription-rows";

export async function feedbackCount(_db: Queryable, _row: SubscriptionRow): Promise<number> {
  return 0;
}

export async function* feedbackBatches(_db: Queryable, _row: SubscriptionRow, _options: { batchSize: number }): AsyncGenerator<{ fields: string[]; values: unknown[][]; labels: unknown[] }> {
  yield* [];
}
