/**
 * The payload table's debiased columns (v1 modeling roles `debiased-prediction`, `debiased-probability`): added when
 * fairness monitoring first needs them (the table's other columns are fixed by the first payload), then filled by
 * debiased scoring and by each fairness run for the rows of its window.
 */
import { quoteName, type Queryable } from "../store/store";
import { SQL_TYPES, type PayloadField } from "./payload-schema";
import type { SubscriptionRow } from "./subscription-rows";

export const DEBIASED_PREDICTION = "debiased_prediction";
export const DEBIASED_PROBABILITY = "debiased_probability";

/**
 * Adds the debiased columns to the payload table unless it has them, inside the caller's transaction (the
 * subscription row is locked, so two callers add them once). Returns the schema, or null while no payload is logged.
 */
export async function ensureDebiasedColumns(tx: Queryable, row: SubscriptionRow): Promise<PayloadField[] | null> {
  const [locked] = await tx.query<{ payload_schema: PayloadField[] | null }>("SELECT payload_schema FROM subscriptions WHERE guid = $1 FOR UPDATE", [row.guid]);
  const schema = locked?.payload_schema ?? null;
  if (!schema) return null;
  if (schema.some((f) => f.metadata.modeling_role === "debiased-prediction")) {
    row.payload_schema = schema;
    return schema;
  }
  const prediction = schema.find((f) => f.metadata.modeling_role === "prediction");
  const added: PayloadField[] = [
    { name: DEBIASED_PREDICTION, type: prediction?.type ?? "string", nullable: true, metadata: { modeling_role: "debiased-prediction" } },
    { name: DEBIASED_PROBABILITY, type: "array<double>", nullable: true, metadata: { modeling_role: "debiased-probability" } },
  ].filter((f) => !schema.some((s) => s.name === f.name)) as PayloadField[];
  for (const f of added) await tx.query(`ALTER TABLE ${quoteName(row.payload_table)} ADD COLUMN IF NOT EXISTS ${quoteName(f.name)} ${SQL_TYPES[f.type]}`);
  const next = [...schema, ...added];
  await tx.query("UPDATE subscriptions SET payload_schema = $2, modified_at = now() WHERE guid = $1", [row.guid, JSON.stringify(next)]);
  row.payload_schema = next;
  return next;
}

/** Sets the debiased prediction and probability of the given payload rows, in one statement. */
export async function fillDebiasedColumns(tx: Queryable, row: SubscriptionRow, scoringIds: readonly string[], predictions: readonly unknown[], probabilities: readonly (unknown[] | null)[]): Promise<void> {
  if (scoringIds.length === 0) return;
  const schema = (await ensureDebiasedColumns(tx, row))!;
  const type = SQL_TYPES[schema.find((f) => f.name === DEBIASED_PREDICTION)!.type];
  await tx.query(
    `UPDATE ${quoteName(row.payload_table)} AS p SET ${quoteName(DEBIASED_PREDICTION)} = u.prediction, ${quoteName(DEBIASED_PROBABILITY)} = u.probability::double precision[]
     FROM unnest($1::text[], $2::${type}[], $3::text[]) AS u(id, prediction, probability) WHERE p.scoring_id = u.id`,
    [scoringIds, predictions, probabilities.map((p) => (p ? `{${p.map(Number).join(",")}}` : null))],
  );
}
