import type { Readable } from "node:stream";
import { ValidationError } from "../../errors";
import { buildTable } from "../../display/index";
import type { DataMartService } from "../../service/data-mart-service";
import type { FeedbackPayloadOutcome, FeedbackPayloadRequest } from "../../service/feedback-writer";
import type { PayloadTableSchema } from "../../service/resources";
import { DataDistribution } from "../data-distribution";
import type { Output } from "../output";
import type { TableContentFormat } from "../payload-logging";
import type { SubscriptionRef } from "../subscription-ref";
import { checkKeys, checkLimit, readPages, toObjects } from "../table-options";

const FORMATS = ["wml", "dict", "csv"] as const;

/** Options of `feedback_logging.store()`, as in v1. */
export interface FeedbackStoreOptions {
  /** Column names of the values, e.g. `[...feature_columns, "Risk"]` (WML and CSV formats). @default the features, then the label */
  fields?: string[];
  /** `FeedbackFormat.WML` (rows of values, default), `DICT` (objects) or `CSV` (text or a stream). */
  feedback_format?: "wml" | "dict" | "csv";
  /** CSV: the first line names the columns. @default false */
  data_header?: boolean;
  /** CSV: the field delimiter. @default "," */
  data_delimiter?: string;
}

/** The feedback data: rows of values (WML), objects (DICT), or CSV text, a Buffer, a file stream or chunks. */
export type FeedbackData = unknown[][] | Record<string, unknown>[] | string | Buffer | Readable | AsyncIterable<string | Buffer>;

/**
 * `subscription.feedback_logging`: labelled rows (the features and the true answer) in a typed table
 * `Feedback_<subscription uid>`, which the quality monitor re-scores and compares.
 */
export class FeedbackLogging {
  /** Distributions of feedback columns, computed in the database. */
  readonly data_distribution: DataDistribution;

  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
    private readonly subscription: SubscriptionRef,
  ) {
    this.data_distribution = new DataDistribution(service, output, subscription, "feedback");
  }

  /**
   * Stores feedback rows: all of them, in one transaction, or none (the error names each row and field that does not
   * fit). Values may be typed or text (`"24"` for a number column). A CSV stream is read chunk by chunk.
   */
  async store(feedback_data: FeedbackData, options: FeedbackStoreOptions = {}): Promise<FeedbackPayloadOutcome> {
    const o = checkKeys(options, ["fields", "feedback_format", "data_header", "data_delimiter"], "feedback_logging.store() options");
    const format = (o.feedback_format ?? "wml") as (typeof FORMATS)[number];
    const subject = "feedback_logging.store() options";
    if (!FORMATS.includes(format)) throw new ValidationError(subject, [{ path: "feedback_format", message: `expected FeedbackFormat.WML ('wml'), DICT ('dict') or CSV ('csv'), got ${JSON.stringify(o.feedback_format)}` }]);
    if (o.data_header !== undefined && typeof o.data_header !== "boolean") throw new ValidationError(subject, [{ path: "data_header", message: "expected true or false" }]);
    if (o.data_delimiter !== undefined && (typeof o.data_delimiter !== "string" || o.data_delimiter.length !== 1)) {
      throw new ValidationError(subject, [{ path: "data_delimiter", message: "expected one character, e.g. ',' or ';'" }]);
    }
    if (format !== "csv" && (o.data_header !== undefined || o.data_delimiter !== undefined)) {
      throw new ValidationError(subject, [{ path: o.data_header !== undefined ? "data_header" : "data_delimiter", message: "applies to feedback_format: FeedbackFormat.CSV only" }]);
    }
    const fields = o.fields as string[] | undefined;
    let request: FeedbackPayloadRequest;
    if (format === "wml") {
      if (!Array.isArray(feedback_data)) throw new ValidationError("feedback_logging.store()", [{ path: "feedback_data", message: "expected a list of rows (lists of values in the order of fields); for objects use feedback_format: FeedbackFormat.DICT, for CSV text FeedbackFormat.CSV" }]);
      request = { format, values: feedback_data as unknown[][], ...(fields ? { fields } : {}) };
    } else if (format === "dict") {
      if (fields) throw new ValidationError(subject, [{ path: "fields", message: "the objects name their columns: leave fields out with FeedbackFormat.DICT" }]);
      if (!Array.isArray(feedback_data)) throw new ValidationError("feedback_logging.store()", [{ path: "feedback_data", message: "expected a list of objects keyed by column name" }]);
      request = { format, records: feedback_data as Record<string, unknown>[] };
    } else {
      const data = feedback_data as string | Buffer | AsyncIterable<string | Buffer>;
      if (!(typeof data === "string" || Buffer.isBuffer(data) || (data !== null && typeof data === "object" && Symbol.asyncIterator in data))) {
        throw new ValidationError("feedback_logging.store()", [{ path: "feedback_data", message: "expected CSV text, a Buffer or a readable stream (fs.createReadStream(path))" }]);
      }
      request = { format, data, header: o.data_header === true, delimiter: (o.data_delimiter as string | undefined) ?? ",", ...(fields ? { fields } : {}) };
    }
    return this.service.storeFeedbackPayloads(this.subscription.uid, request);
  }

  /** Shows the newest feedback rows (10 unless `limit` says otherwise). */
  async show_table(options: { limit?: number } = {}): Promise<void> {
    const o = checkKeys(options, ["limit"], "feedback_logging.show_table() options");
    const limit = checkLimit(o.limit, "feedback_logging.show_table() options") ?? 10;
    const page = await this.service.getFeedbackPayloads(this.subscription.uid, { limit: limit + 1 });
    const title = `${(await this.schema()).table_name} (binding_id=${this.subscription.binding_uid}, subscription_id=${this.subscription.uid})`;
    this.output.table(buildTable({ title, columns: page.fields, records: toObjects(page.fields, page.values), limit, sort_by: "none" }));
  }

  /** The newest rows: objects (default; `"pandas"` means the same), or `{fields, values}` with `format: "python"`. */
  async get_table_content(options: { format: "python"; limit?: number }): Promise<{ fields: string[]; values: unknown[][] }>;
  async get_table_content(options?: { format?: "objects" | "pandas"; limit?: number }): Promise<Record<string, unknown>[]>;
  async get_table_content(options: { format?: TableContentFormat; limit?: number } = {}): Promise<Record<string, unknown>[] | { fields: string[]; values: unknown[][] }> {
    const o = checkKeys(options, ["format", "limit"], "feedback_logging.get_table_content() options");
    const format = (o.format ?? "objects") as TableContentFormat;
    if (!["objects", "pandas", "python"].includes(format)) {
      throw new ValidationError("feedback_logging.get_table_content() options", [{ path: "format", message: `Unsupported format chosen: '${String(format)}'. Use 'objects' (rows as objects; 'pandas' is the same) or 'python' ({fields, values})` }]);
    }
    const limit = checkLimit(o.limit, "feedback_logging.get_table_content() options") ?? 1000;
    const page = await readPages(limit, (p) => this.service.getFeedbackPayloads(this.subscription.uid, p));
    return format === "python" ? page : toObjects(page.fields, page.values);
  }

  /** count, mean, std, min, quartiles and max of every numeric feedback column, computed in the database. */
  async describe_table(): Promise<void> {
    const description = await this.service.describeFeedbackPayloads(this.subscription.uid);
    const columns = ["statistic", ...description.columns];
    const records = description.statistics.map((s) => Object.fromEntries([["statistic", s.name], ...s.values.map((v, i) => [description.columns[i]!, v])]));
    this.output.table(buildTable({ title: `Description of ${(await this.schema()).table_name}`, columns, records }));
  }

  /** Shows the feedback table's columns: name, type, nullable. */
  async print_table_schema(): Promise<void> {
    const schema = await this.schema();
    const records = schema.table_schema.fields.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable }));
    this.output.table(buildTable({ title: `Schema of ${schema.table_name}`, columns: ["name", "type", "nullable"], records }));
  }

  async get_records_count(): Promise<number> {
    return (await this.service.getFeedbackPayloads(this.subscription.uid, { limit: 0, include_total_count: true })).total_count ?? 0;
  }

  private schema(): Promise<PayloadTableSchema> {
    return this.service.getFeedbackTableSchema(this.subscription.uid);
  }
}
