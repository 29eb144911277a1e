/** A table of labelled rows, in OpenScale's `{fields, values}` form, with what a model needs to know about it. */
export interface Dataset {
  name: string;
  fields: string[];
  values: (string | number)[][];
  feature_columns: string[];
  categorical_columns: string[];
  label_column: string;
  /** The label's classes. */
  labels: string[];
}

/** The rows as objects keyed by field name. */
export function rowsOf(dataset: Pick<Dataset, "fields" | "values">): Record<string, string | number>[] {
  return dataset.values.map((row) => Object.fromEntries(dataset.fields.map((f, i) => [f, row[i]!])));
}
