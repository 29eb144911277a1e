/**
 * Training rows as a monitor's enable() takes them (`{fields, values}` or objects keyed by column), read by column:
 * shared by fairness, drift, explainability and the training statistics.
 */
import { ValidationError } from "../errors";

/** Training rows as `{fields, values}` or objects keyed by column. */
export type TrainingRows = { fields: string[]; values: unknown[][] } | Record<string, unknown>[];

/** Columns of `rows`, by name, or a ValidationError naming what is missing. */
export function trainingColumns(rows: TrainingRows, needed: readonly string[], subject: string): { count: number; has(name: string): boolean; column(name: string): unknown[] } {
  const isTable = !Array.isArray(rows) && rows !== null && typeof rows === "object" && Array.isArray(rows.fields) && Array.isArray(rows.values);
  if (!isTable && !Array.isArray(rows)) throw new ValidationError(subject, [{ path: "training_data", message: "expected the training rows: a list of row objects, or {fields, values}" }]);
  const count = isTable ? (rows as { values: unknown[][] }).values.length : (rows as unknown[]).length;
  if (count === 0) throw new ValidationError(subject, [{ path: "training_data", message: "is empty: give the rows the model was trained on" }]);
  const fields = isTable ? (rows as { fields: string[] }).fields : Object.keys((rows as Record<string, unknown>[])[0] ?? {});
  const missing = needed.filter((n) => !fields.includes(n));
  if (missing.length) {
    throw new ValidationError(subject, [{ path: "training_data", message: `lacks the column(s) ${missing.map((m) => `'${m}'`).join(", ")} (it has ${fields.slice(0, 30).join(", ")})` }]);
  }
  return {
    count,
    has: (name) => fields.includes(name),
    column(name) {
      if (isTable) {
        const i = (rows as { fields: string[] }).fields.indexOf(name);
        return (rows as { values: unknown[][] }).values.map((r) => r[i]);
      }
      return (rows as Record<string, unknown>[]).map((r) => r[name]);
    },
  };
}

