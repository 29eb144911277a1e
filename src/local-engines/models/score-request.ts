import type { TrainedModel, Prediction } from "./trained-model";

/**
 * Checks `{fields, values}` rows against a model's features (any order, extra fields ignored) and scores them,
 * or says exactly what is wrong, as a local engine answers a bad request.
 */
export function scoreRows(model: TrainedModel, fields: unknown, values: unknown): { predictions: Prediction[] } | { error: string } {
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === "string")) return { error: "'fields' must be an array of column names." };
  if (!Array.isArray(values) || !values.every(Array.isArray)) return { error: "'values' must be an array of rows (arrays)." };
  const missing = model.feature_columns.filter((c) => !fields.includes(c));
  if (missing.length) return { error: `Missing feature column(s): ${missing.join(", ")}.` };
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < values.length; i++) {
    const row = values[i] as unknown[];
    if (row.length !== fields.length) return { error: `Row ${i} has ${row.length} values for ${fields.length} fields.` };
    const record: Record<string, unknown> = {};
    fields.forEach((f, j) => (record[f as string] = row[j]));
    for (const column of model.feature_columns) {
      const value = record[column];
      if (model.categorical_columns.includes(column)) {
        if (typeof value !== "string") return { error: `Row ${i}: '${column}' must be a string, got ${JSON.stringify(value)}.` };
      } else if (typeof value !== "number" || !Number.isFinite(value)) {
        return { error: `Row ${i}: '${column}' must be a number, got ${JSON.stringify(value)}.` };
      }
    }
    rows.push(record);
  }
  return { predictions: model.predict(rows) };
}

/** Parses a JSON request body, or says it is not JSON. */
export function parseJson(text: string): { body: unknown } | { error: string } {
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { error: "The body is not JSON." };
  }
}
