/**
 * A checked record's rows as column values, appended to a chunk's column arrays: where each column's value comes
 * from (the record itself, the request or the answer), and the check of each value against its column.
 */
import type { ValidationIssue } from "../errors";
import type { ChunkBuffer } from "./payload-chunks";
import { ColumnMismatch, predictionProbability, SUSPECT_TEXT, toColumnValue, type PayloadField } from "./payload-schema";
import type { ScoringPayloadRecord } from "./resources";

/** A record whose own fields (id, time, response time) are checked and in their stored form. */
export interface CheckedRecord {
  record: ScoringPayloadRecord;
  scoring_id: string;
  scoring_timestamp: string;
  response_time: number | null;
}

/** A record's request and answer as `{fields, values}`, checked against the subscription. */
export interface PreparedRecord {
  request: { fields: string[]; values: unknown[][] };
  response: { fields: string[]; values: unknown[][] };
  deployment_id: string;
}

/** Where a column's value comes from. */
const enum From {
  ScoringId,
  Timestamp,
  Deployment,
  Nothing,
  PredictionProbability,
  ResponseTime,
  Request,
  Response,
}

const FIXED: Record<string, From> = {
  scoring_id: From.ScoringId,
  scoring_timestamp: From.Timestamp,
  deployment_id: From.Deployment,
  asset_revision: From.Nothing,
  prediction_probability: From.PredictionProbability,
  response_time: From.ResponseTime,
};

/** Where each column's values come from, for one pair of request and answer fields (records usually share theirs). */
export interface Layout {
  schema: PayloadField[];
  requestFields: readonly string[];
  responseFields: readonly string[];
  sources: From[];
  /** The column's place in the request or answer row. */
  indexes: number[];
  probabilityIndex: number;
}

export function layoutFor(cache: { layout?: Layout }, schema: PayloadField[], prepared: PreparedRecord, probabilityField: string | undefined): Layout {
  const last = cache.layout;
  if (last && last.schema === schema && sameFields(last.requestFields, prepared.request.fields) && sameFields(last.responseFields, prepared.response.fields)) return last;
  const requestIndex = new Map(prepared.request.fields.map((f, i) => [f, i]));
  const responseIndex = new Map(prepared.response.fields.map((f, i) => [f, i]));
  const sources = schema.map((f) => FIXED[f.name] ?? (f.metadata.modeling_role === "feature" ? From.Request : From.Response));
  cache.layout = {
    schema,
    requestFields: [...prepared.request.fields],
    responseFields: [...prepared.response.fields],
    sources,
    indexes: schema.map((f, c) => (sources[c] === From.Request ? requestIndex : responseIndex).get(f.name) ?? -1),
    probabilityIndex: probabilityField === undefined ? -1 : (responseIndex.get(probabilityField) ?? -1),
  };
  return cache.layout;
}

/** Compared by content: a caller may reuse one fields array for records with other fields, so none is kept as given. */
export function sameFields(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Converts one record's rows to column values and appends them to the buffer. When a value does not fit, the record's
 * rows are taken out again and the issues (record, row and field named) are returned.
 */
export function appendRows(buffer: ChunkBuffer, layout: Layout, checked: CheckedRecord, prepared: PreparedRecord, path: string): ValidationIssue[] {
  const { schema, columns } = buffer;
  const { sources, indexes, probabilityIndex } = layout;
  const issues: ValidationIssue[] = [];
  const start = buffer.rows;
  const requestValues = prepared.request.values;
  const responseValues = prepared.response.values;
  const { scoring_id, scoring_timestamp, response_time } = checked;
  const { deployment_id } = prepared;
  // The record's own values were checked once (checkRecord); the deployment, when the subscription names one, here.
  const suspect = SUSPECT_TEXT;
  const deploymentFits = typeof deployment_id === "string" && !suspect.test(deployment_id);
  for (let r = 0; r < requestValues.length; r++) {
    const values = requestValues[r]!;
    const answer = responseValues[r]!;
    for (let c = 0; c < schema.length; c++) {
      let value: unknown;
      switch (sources[c]) {
        case From.ScoringId:
          columns[c]!.push(`${scoring_id}-${r + 1}`);
          continue;
        case From.Timestamp:
          columns[c]!.push(scoring_timestamp);
          continue;
        case From.Nothing:
          columns[c]!.push(null);
          continue;
        case From.ResponseTime:
          columns[c]!.push(response_time);
          continue;
        case From.Deployment:
          if (deploymentFits) {
            columns[c]!.push(deployment_id);
            continue;
          }
          value = deployment_id;
          break;
        case From.PredictionProbability:
          value = probabilityIndex < 0 ? null : predictionProbability(answer[probabilityIndex]);
          break;
        case From.Request:
          value = values[indexes[c]!];
          break;
        default:
          value = answer[indexes[c]!];
      }
      const field = schema[c]!;
      const type = field.type;
      // The common cases need no conversion; everything else goes through toColumnValue.
      if (type === "double" ? typeof value === "number" && Number.isFinite(value) : type === "string" && typeof value === "string" && !suspect.test(value)) {
        columns[c]!.push(value);
        continue;
      }
      if (type === "array<double>" && isDoubles(value)) {
        columns[c]!.push((value as number[]).slice()); // a copy: the caller may reuse its array for the next record
        continue;
      }
      const cell = toColumnValue(field, value);
      if (cell instanceof ColumnMismatch) {
        const where = sources[c] === From.Request ? `request.values[${r}] field '${field.name}'` : sources[c] === From.Response ? `response.values[${r}] field '${field.name}'` : field.name;
        issues.push({ path: `${path}.${where}`, message: cell.message });
        columns[c]!.push(null);
      } else columns[c]!.push(cell);
    }
  }
  if (issues.length) {
    for (const column of columns) column.length = start;
    return issues;
  }
  buffer.rows += requestValues.length;
  const p = buffer.performance;
  const request = p[0]!.length + 1;
  for (let r = 0; r < requestValues.length; r++) buffer.requestOfRow.push(request);
  p[0]!.push(scoring_id), p[1]!.push(scoring_timestamp), p[2]!.push(deployment_id), p[3]!.push(response_time), p[4]!.push(requestValues.length);
  return [];
}

/** A double precision[] value as the buffer keeps it: a list of finite numbers (toColumnValue refuses anything else). */
function isDoubles(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== "number" || !Number.isFinite(value[i])) return false;
  return true;
}

