/**
 * A subscription's feedback table, `Feedback_<subscription uid>`: the model's features, typed as the payload table
 * types them, the label column, and `record_timestamp`. Rows are written in chunks of one statement each (unnest of
 * column arrays) inside the caller's transaction, and read in record order or newest first.
 */
import { StateError } from "../errors";
import { quoteName, type Queryable } from "../store/store";
import { describeNumericColumns, fromDatabase } from "./payload-reader";
import { SQL_TYPES, type PayloadField } from "./payload-schema";
import type { PayloadDescription } from "./resources";
import type { SubscriptionRow } from "./subscription-rows";

export function feedbackTableName(subscriptionUid: string): string {
  return `Feedback_${subscriptionUid}`;
}

export const RECORD_TIMESTAMP: PayloadField = { name: "record_timestamp", type: "timestamp", nullable: false, metadata: { modeling_role: "record-timestamp" } };

/**
 * The columns a feedback row gives (features in the model's order, then the label), or a StateError saying what the
 * subscription lacks: the features' types come from the first logged payload.
 */
export function feedbackFields(row: SubscriptionRow): PayloadField[] {
  const label = row.asset_properties.label_column;
  if (!label) {
    throw new StateError(`Feedback rows need the subscription's label column: set it first, \`await subscription.update({ label_column: "Risk" })\`. Nothing was stored.`);
  }
  if (!row.payload_schema) {
    throw new StateError(
      `Log a payload first (subscription.score or payload_logging.store) so the feature types of subscription '${row.guid}' are known; nothing was stored.`,
    );
  }
  const features = row.payload_schema.filter((f) => f.metadata.modeling_role === "feature");
  const prediction = row.payload_schema.find((f) => f.metadata.modeling_role === "prediction");
  const labelType = row.asset_properties.problem_type === "regression" ? "double" : prediction?.type === "double" || prediction?.type === "integer" ? prediction.type : "string";
  return [
    ...features.map((f) => ({ ...f, nullable: false })),
    { name: label, type: labelType, nullable: false, metadata: { modeling_role: "label" } },
  ];
}

/** The whole table: the given columns and record_timestamp. */
export function feedbackSchema(row: SubscriptionRow): PayloadField[] {
  return [...feedbackFields(row), RECORD_TIMESTAMP];
}

export async function createFeedbackTable(tx: Queryable, row: SubscriptionRow, fields: readonly PayloadField[]): Promise<void> {
  const columns = fields.map((f) => `${quoteName(f.name)} ${SQL_TYPES[f.type]} NOT NULL`);
  await tx.query(
    `CREATE TABLE IF NOT EXISTS ${quoteName(feedbackTableName(row.guid))} (record_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ${columns.join(", ")},
       record_timestamp timestamptz NOT NULL DEFAULT now())`,
  );
}

const passedAsText = (f: PayloadField) => f.type === "array<double>" || f.type === "json";

/** Inserts rows given as column arrays (values ready to bind), in one statement. */
export async function insertFeedbackColumns(tx: Queryable, row: SubscriptionRow, fields: readonly PayloadField[], columns: unknown[][]): Promise<void> {
  if ((columns[0]?.length ?? 0) === 0) return;
  const names = fields.map((f) => quoteName(f.name)).join(", ");
  const aliases = fields.map((_, i) => `c${i}`);
  const select = fields.map((f, i) => (passedAsText(f) ? `c${i}::${SQL_TYPES[f.type]}` : `c${i}`)).join(", ");
  const unnest = fields.map((f, i) => `$${i + 1}::${passedAsText(f) ? "text" : SQL_TYPES[f.type]}[]`).join(", ");
  await tx.query(`INSERT INTO ${quoteName(feedbackTableName(row.guid))} (${names}) SELECT ${select} FROM unnest(${unnest}) AS t(${aliases.join(", ")})`, columns);
}

async function exists(db: Queryable, row: SubscriptionRow): Promise<boolean> {
  const [r] = await db.query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [quoteName(feedbackTableName(row.guid))]);
  return r?.present === true;
}

export async function feedbackCount(db: Queryable, row: SubscriptionRow): Promise<number> {
  return (await exists(db, row)) ? countRows(db, row) : 0;
}

async function countRows(db: Queryable, row: SubscriptionRow): Promise<number> {
  const [r] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quoteName(feedbackTableName(row.guid))}`);
  return r?.n ?? 0;
}

/** Feedback rows in record order, `batchSize` at a time: features in the model's input order, and the labels. */
export async function* feedbackBatches(db: Queryable, row: SubscriptionRow, options: { batchSize: number }): AsyncGenerator<{ fields: string[]; values: unknown[][]; labels: unknown[] }> {
  if (!(await exists(db, row))) return;
  const fields = feedbackFields(row);
  const features = fields.slice(0, -1);
  const label = fields.at(-1)!;
  const order = row.asset_properties.feature_fields?.length ? row.asset_properties.feature_fields.map((n) => features.find((f) => f.name === n)!).filter(Boolean) : features;
  const select = [...order, label].map((f) => quoteName(f.name)).join(", ");
  let after = 0;
  for (;;) {
    const rows = await db.query<Record<string, unknown>>(
      `SELECT record_id, ${select} FROM ${quoteName(feedbackTableName(row.guid))} WHERE record_id > $1 ORDER BY record_id LIMIT ${Math.trunc(options.batchSize)}`,
      [after],
    );
    if (rows.length === 0) return;
    after = Number(rows.at(-1)!.record_id);
    yield {
      fields: order.map((f) => f.name),
      values: rows.map((r) => order.map((f) => fromDatabase(f, r[f.name]))),
      labels: rows.map((r) => fromDatabase(label, r[label.name])),
    };
    if (rows.length < options.batchSize) return;
  }
}

/** Newest rows first (the last stored first), `limit` from `offset`. */
export async function readFeedback(db: Queryable, row: SubscriptionRow, options: { limit: number; offset: number; include_total_count?: boolean }): Promise<{ fields: string[]; values: unknown[][]; total_count?: number }> {
  const present = await exists(db, row);
  const total = options.include_total_count ? { total_count: present ? await countRows(db, row) : 0 } : {};
  if (!present) return { fields: row.payload_schema && row.asset_properties.label_column ? feedbackSchema(row).map((f) => f.name) : [], values: [], ...total };
  const schema = feedbackSchema(row);
  const fields = schema.map((f) => f.name);
  const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${quoteName(feedbackTableName(row.guid))} ORDER BY record_id DESC LIMIT $1 OFFSET $2`, [options.limit, options.offset]);
  return { fields, values: rows.map((r) => schema.map((f) => fromDatabase(f, r[f.name]))), ...total };
}

/** pandas `describe()` of the numeric feedback columns, in one query. */
export async function describeFeedback(db: Queryable, row: SubscriptionRow): Promise<PayloadDescription> {
  const numeric = feedbackFields(row).filter((f) => f.type === "double" || f.type === "integer");
  if (!(await exists(db, row))) return describeNumericColumns(db, `(SELECT ${numeric.map((f) => `NULL::double precision AS ${quoteName(f.name)}`).join(", ") || "1"} WHERE false) AS empty`, numeric);
  return describeNumericColumns(db, quoteName(feedbackTableName(row.guid)), numeric);
}

export async function dropFeedbackTable(db: Queryable, subscriptionUid: string): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS ${quoteName(feedbackTableName(subscriptionUid))}`);
}
