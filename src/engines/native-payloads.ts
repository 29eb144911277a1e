/**
 * Scoring bodies in each engine's own wire format, read as OpenScale's `{fields, values}`: what payload logging
 * stores whatever engine answered. Pure functions; the caller names the record when a body is not understood.
 */
import type { FieldsValues } from "./adapter";
import { studioOutputToFieldsValues } from "./azure-machine-learning-studio/adapter";
import { columnsToFieldsValues } from "./azure-machine-learning-service/adapter";

export type Normalised = { ok: FieldsValues } | { error: string };

const REQUEST_FORMS =
  "{fields, values}; Watson ML {input_data: [{fields, values}]}; Azure ML Studio {Inputs: {input1: [records]}}; " +
  "Azure ML {input_data: {columns, data}} or {data: [records]}; SageMaker CSV text or {instances: [...]}; or a list of records";

const RESPONSE_FORMS =
  "{fields, values}; Watson ML {predictions: [{fields, values}]}; Azure ML Studio {Results: {output1: [records]}}; " +
  "SageMaker {predictions: [{predicted_label, score}]}; Azure ML columns {name: [values]}; or a list of records";

/** A scoring request body as `{fields, values}`. CSV rows and bare value lists take their names from `featureColumns`. */
export function normaliseRequest(body: unknown, featureColumns?: readonly string[]): Normalised {
  if (typeof body === "string") return fromCsv(body, featureColumns);
  if (Array.isArray(body)) return fromRows(body, featureColumns);
  if (!isObject(body)) return { error: `expected a request body object, got ${describe(body)}. Accepted forms: ${REQUEST_FORMS}` };
  if ("fields" in body || "values" in body) return fieldsValues(body);
  const input = body.input_data;
  if (Array.isArray(input)) {
    const blocks = input.map((b) => fieldsValues(b));
    const failed = blocks.find((b) => "error" in b);
    if (failed || blocks.length === 0) return failed ?? { error: "input_data is an empty list: send at least one {fields, values} block" };
    const first = (blocks[0] as { ok: FieldsValues }).ok;
    const same = blocks.every((b) => (b as { ok: FieldsValues }).ok.fields.join("\u0000") === first.fields.join("\u0000"));
    if (!same) return { error: "input_data blocks have different fields: log one block per record" };
    return { ok: { fields: first.fields, values: blocks.flatMap((b) => (b as { ok: FieldsValues }).ok.values) } };
  }
  if (isObject(input) && Array.isArray(input.columns) && Array.isArray(input.data)) {
    return fieldsValues({ fields: input.columns, values: input.data });
  }
  if (Array.isArray(body.data)) return fromRows(body.data, featureColumns);
  if (isObject(body.Inputs)) {
    const first = Object.values(body.Inputs)[0];
    if (Array.isArray(first)) return fromRows(first, featureColumns);
    if (isObject(first) && Array.isArray(first.ColumnNames) && Array.isArray(first.Values)) {
      return fieldsValues({ fields: first.ColumnNames, values: first.Values });
    }
  }
  if (Array.isArray(body.instances)) {
    const rows = body.instances.map((i) => (isObject(i) && Array.isArray(i.features) ? i.features : i));
    return fromRows(rows, featureColumns);
  }
  return { error: `is not a scoring request this library knows. Accepted forms: ${REQUEST_FORMS}` };
}

/** A scoring answer (object or JSON text) as `{fields, values}`. */
export function normaliseResponse(body: unknown): Normalised {
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      return { error: "is text that is not JSON: pass the engine's answer as an object or its JSON text" };
    }
  }
  if (Array.isArray(body)) return fromColumnsOrRecords(body);
  if (!isObject(body)) return { error: `expected a scoring answer object, got ${describe(body)}. Accepted forms: ${RESPONSE_FORMS}` };
  if ("fields" in body || "values" in body) return fieldsValues(body);
  const predictions = body.predictions;
  if (Array.isArray(predictions)) {
    if (predictions.length > 0 && predictions.every((p) => isObject(p) && Array.isArray(p.fields))) {
      return normaliseRequest({ input_data: predictions });
    }
    return fromColumnsOrRecords(predictions);
  }
  if (isObject(body.Results)) {
    const normalised = studioOutputToFieldsValues(Object.values(body.Results)[0]);
    if (normalised) return { ok: normalised };
  }
  return fromColumnsOrRecords(body);
}

function fromColumnsOrRecords(body: unknown): Normalised {
  const normalised = columnsToFieldsValues(body);
  return normalised ? { ok: normalised } : { error: `is not a scoring answer this library knows. Accepted forms: ${RESPONSE_FORMS}` };
}

function fieldsValues(body: unknown): Normalised {
  if (!isObject(body)) return { error: `expected {fields, values}, got ${describe(body)}` };
  const { fields, values, labels } = body;
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === "string")) return { error: "fields: expected a list of column names (strings)" };
  if (!Array.isArray(values)) return { error: "values: expected a list of rows, each a list of values" };
  const bad = values.findIndex((row) => !Array.isArray(row) || row.length !== fields.length);
  if (bad >= 0) return { error: `values[${bad}]: expected a list of ${fields.length} values, one per field, got ${describe(values[bad])}` };
  return { ok: { fields, values: values as unknown[][], ...(Array.isArray(labels) ? { labels: labels.map(String) } : {}) } };
}

function fromRows(rows: unknown[], featureColumns?: readonly string[]): Normalised {
  if (rows.every((r) => isObject(r))) {
    const fields = [...new Set(rows.flatMap((r) => Object.keys(r as object)))];
    return { ok: { fields, values: rows.map((r) => fields.map((f) => (r as Record<string, unknown>)[f] ?? null)) } };
  }
  if (rows.every((r) => Array.isArray(r))) {
    if (!featureColumns?.length) return { error: "holds rows without column names: give the subscription feature_columns, or send {fields, values}" };
    return fieldsValues({ fields: [...featureColumns], values: rows });
  }
  return { error: "expected a list of records (objects) or of rows (lists)" };
}

/** SageMaker's `text/csv`: one row per line, no header; numbers where a cell reads as one. */
function fromCsv(text: string, featureColumns?: readonly string[]): Normalised {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  return fromRows(lines.map((line) => parseCsvLine(line).map(csvValue)), featureColumns);
}

/** One line of CSV as its cells (RFC 4180 quoting), as text. */
export function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") cells.push(cell), (cell = "");
    else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** A CSV cell as a value: empty is null, a number where it reads as one, text otherwise. */
function csvValue(cell: string): unknown {
  if (cell === "") return null;
  return cell.trim() !== "" && Number.isFinite(Number(cell)) ? Number(cell) : cell;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `text '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return typeof value;
}
