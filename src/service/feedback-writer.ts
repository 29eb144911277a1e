/**
 * Stores feedback rows in the three v1 formats: WML (`fields` and `values`, values typed or as text), DICT (objects)
 * and CSV (text or a stream, parsed chunk by chunk with csv-parse, never held whole). Every value is checked against
 * its column; the rows go in chunks of one statement inside the caller's transaction, and any problem rejects the
 * whole batch (the transaction rolls back), naming the row and field.
 */
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { ValidationError, type ValidationIssue } from "../errors";
import type { Queryable } from "../store/store";
import { createFeedbackTable, feedbackFields, insertFeedbackColumns } from "./feedback-table";
import { ColumnMismatch, toColumnValue, type PayloadField } from "./payload-schema";
import type { SubscriptionRow } from "./subscription-rows";

/** Rows per insert statement. */
const CHUNK_ROWS = 5000;
const MAX_ISSUES = 20;

/**
 * POST /v1/data_marts/{dm}/feedback_payloads (WML: `{fields, values}`) and POST …/subscriptions/{s}/feedback_payloads
 * (a JSON array of objects, or `text/csv` with `header` and `delimiter`).
 */
export type FeedbackPayloadRequest =
  | { format: "wml"; fields?: string[]; values: unknown[][] }
  | { format: "dict"; records: Record<string, unknown>[] }
  | { format: "csv"; data: string | Buffer | AsyncIterable<string | Buffer> | Iterable<string | Buffer>; header?: boolean; delimiter?: string; fields?: string[] };

export interface FeedbackPayloadOutcome {
  stored_rows: number;
}

/** A source row: its values in the order of `fields`, or an object, and where it is for messages. */
type SourceRow = { path: string; values: unknown[] } | { path: string; object: Record<string, unknown> };

export async function writeFeedback(tx: Queryable, row: SubscriptionRow, request: FeedbackPayloadRequest): Promise<FeedbackPayloadOutcome> {
  const columns = feedbackFields(row);
  const names = columns.map((c) => c.name);
  const issues: ValidationIssue[] = [];
  let more = 0;
  const issue = (path: string, message: string) => (issues.length < MAX_ISSUES ? issues.push({ path, message }) : more++);
  const source = rowsOf(request, names, issue);
  if (issues.length) throw new ValidationError("feedback rows: nothing was stored", issues); // the fields are wrong: every row would be
  await createFeedbackTable(tx, row, columns);
  const buffer: unknown[][] = columns.map(() => []);
  let stored = 0;
  let seen = 0;
  // Where each column stands in a row of values; worked out again only when the field list changes (a CSV header).
  let positionsOf: string[] | undefined;
  let positions: number[] = [];
  for await (const item of source.rows) {
    seen++;
    const values = "values" in item ? item.values : undefined;
    if (positionsOf !== source.fields) {
      positionsOf = source.fields;
      positions = columns.map((column) => positionsOf!.indexOf(column.name));
    }
    if (values && values.length !== source.fields.length) {
      issue(item.path, `has ${values.length} value${values.length === 1 ? "" : "s"} for ${source.fields.length} fields (${source.fields.join(", ")})`);
      continue;
    }
    if ("object" in item) {
      if (item.object === null || typeof item.object !== "object" || Array.isArray(item.object)) {
        issue(item.path, "expected an object keyed by column name");
        continue;
      }
      for (const key of Object.keys(item.object)) if (!names.includes(key)) issue(`${item.path}.${key}`, unknownColumn(key, columns));
    }
    const converted = columns.map((column, c) => {
      const value = values ? values[positions[c]!] : (item as { object: Record<string, unknown> }).object[column.name];
      const out = toColumnValue(column, value === "" && column.type !== "string" ? null : value);
      if (out instanceof ColumnMismatch) {
        issue(`${item.path}.${column.name}`, c === columns.length - 1 && (value === null || value === undefined) ? "is missing: the label (the true answer) is required" : out.message);
        return undefined;
      }
      return out;
    });
    if (issues.length || more) continue; // keep checking the rest, store nothing more
    converted.forEach((v, c) => buffer[c]!.push(v));
    if (buffer[0]!.length >= CHUNK_ROWS) stored += await flush(tx, row, columns, buffer);
  }
  if (seen === 0 && !issues.length) issue("feedback_data", "is empty: give at least one row");
  if (issues.length || more) {
    throw new ValidationError(`feedback rows: nothing was stored`, [...issues, ...(more ? [{ path: "feedback_data", message: `… and ${more} more problem(s) like these` }] : [])]);
  }
  stored += await flush(tx, row, columns, buffer);
  return { stored_rows: stored };
}

async function flush(tx: Queryable, row: SubscriptionRow, columns: PayloadField[], buffer: unknown[][]): Promise<number> {
  const n = buffer[0]!.length;
  if (n === 0) return 0;
  await insertFeedbackColumns(tx, row, columns, buffer);
  for (const column of buffer) column.length = 0;
  return n;
}

function unknownColumn(name: string, columns: PayloadField[]): string {
  return `is not a feedback column: the columns are the features and the label '${columns.at(-1)!.name}' (${columns.map((c) => c.name).join(", ")})`;
}

/** The given field names checked against the table's columns. */
function checkFields(fields: unknown, names: string[], issue: (path: string, message: string) => void, columns: string): string[] {
  if (!Array.isArray(fields) || fields.some((f) => typeof f !== "string")) {
    issue("fields", "expected a list of column names, e.g. [...feature_columns, \"Risk\"]");
    return names;
  }
  fields.forEach((f, i) => {
    if (!names.includes(f as string)) issue(`fields[${i}]`, `'${String(f)}' is not a feedback column (${columns})`);
    else if (fields.indexOf(f) !== i) issue(`fields[${i}]`, `'${String(f)}' is named twice`);
  });
  const missing = names.filter((n) => !fields.includes(n));
  if (missing.length) issue("fields", `lacks ${missing.map((m) => `'${m}'`).join(", ")}: every feature and the label '${names.at(-1)}' are needed`);
  return fields as string[];
}

function rowsOf(request: FeedbackPayloadRequest, names: string[], issue: (path: string, message: string) => void): { fields: string[]; rows: AsyncIterable<SourceRow> | Iterable<SourceRow> } {
  const listed = names.join(", ");
  if (request.format === "wml") {
    const fields = request.fields === undefined ? names : checkFields(request.fields, names, issue, listed);
    if (!Array.isArray(request.values)) {
      issue("feedback_data", "expected a list of rows (lists of values in the order of fields)");
      return { fields, rows: [] };
    }
    return {
      fields,
      rows: (function* () {
        for (const [i, values] of request.values.entries()) {
          if (!Array.isArray(values)) issue(`feedback_data[${i}]`, "expected a list of values in the order of fields");
          else yield { path: `feedback_data[${i}]`, values };
        }
      })(),
    };
  }
  if (request.format === "dict") {
    if (!Array.isArray(request.records)) {
      issue("feedback_data", "expected a list of objects keyed by column name");
      return { fields: names, rows: [] };
    }
    return { fields: names, rows: request.records.map((object, i) => ({ path: `feedback_data[${i}]`, object })) };
  }
  const delimiter = request.delimiter ?? ",";
  let fields = request.fields === undefined ? names : checkFields(request.fields, names, issue, listed);
  const header = request.header === true;
  return {
    get fields() {
      return fields;
    },
    rows: (async function* () {
      const input = typeof request.data === "string" || Buffer.isBuffer(request.data) ? Readable.from([request.data]) : Readable.from(request.data as AsyncIterable<string | Buffer>);
      const parser = input.pipe(parse({ delimiter, skip_empty_lines: true, relax_column_count: true, bom: true, max_record_size: 10 * 1024 * 1024 }));
      input.on("error", (error) => parser.destroy(error));
      let line = 0;
      for await (const record of parser as AsyncIterable<string[]>) {
        line++;
        if (header && line === 1) {
          const extra = record.filter((h) => !fields.includes(h));
          const lacking = fields.filter((f) => !record.includes(f));
          if (extra.length || lacking.length) {
            issue("csv header", `differs from the fields: ${extra.length ? `unknown ${extra.map((e) => `'${e}'`).join(", ")}` : ""}${extra.length && lacking.length ? "; " : ""}${lacking.length ? `missing ${lacking.map((e) => `'${e}'`).join(", ")}` : ""} (expected ${fields.join(delimiter)})`);
            return;
          }
          fields = record;
          continue;
        }
        yield { path: `csv line ${line}`, values: record };
      }
    })(),
  };
}
