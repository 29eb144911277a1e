import { ValidationError } from "../errors";
import type { DataMartService } from "../service/data-mart-service";
import type { MonitorConfiguration, PayloadTableSchema, ScoringPayloadOutcome, ScoringPayloadRecord } from "../service/resources";
import { buildTable } from "../display/index";
import { DataDistribution } from "./data-distribution";
import type { Output } from "./output";
import { PayloadRecord } from "./payload-record";
import type { SubscriptionRef } from "./subscription-ref";
import { checkKeys, checkLimit, readPages, toObjects } from "./table-options";


/** Rows as objects (a dataframe's rows), or the v1 `python` format `{fields, values}`. */
export type TableContentFormat = "objects" | "pandas" | "python";

/** `subscription.payload_logging`: the scoring requests and answers of the deployment, in a typed table. */
export class PayloadLogging {
  /** Payload analytics: distributions of logged columns, computed in the database. */
  readonly data_distribution: DataDistribution;

  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
    private readonly subscription: SubscriptionRef,
  ) {
    this.data_distribution = new DataDistribution(service, output, subscription);
  }

  /** Turns payload logging on (`subscriptions.add` does this already). */
  async enable(options: { dynamic_schema_update?: boolean } = {}): Promise<void> {
    const o = checkKeys(options, ["dynamic_schema_update"], "payload_logging.enable() options");
    await this.service.setMonitorConfiguration(this.subscription.uid, "payload_logging", {
      enabled: true,
      parameters: o.dynamic_schema_update === undefined ? {} : { dynamic_schema_update: o.dynamic_schema_update === true },
    });
  }

  async disable(): Promise<void> {
    const current = await this.service.getMonitorConfiguration(this.subscription.uid, "payload_logging");
    if (!current.enabled) throw new ValidationError("payload_logging.disable()", [{ path: "payload_logging", message: "is not enabled: nothing to disable" }]);
    await this.service.setMonitorConfiguration(this.subscription.uid, "payload_logging", { enabled: false, parameters: current.parameters });
  }

  /** `{enabled, parameters: {table_name, output_data_schema, …}}`. */
  async get_details(): Promise<Omit<MonitorConfiguration, "parameters"> & { parameters: Record<string, unknown> }> {
    const [configuration, schema] = await Promise.all([
      this.service.getMonitorConfiguration(this.subscription.uid, "payload_logging"),
      this.service.getPayloadTableSchema(this.subscription.uid),
    ]);
    return {
      ...configuration,
      parameters: {
        dynamic_schema_update: true,
        ...configuration.parameters,
        table_name: schema.table_name,
        output_data_schema: { type: "struct", fields: schema.table_schema.fields },
      },
    };
  }

  /**
   * Logs scoring requests and answers. All records are stored, or none (the error names every record and field
   * that does not fit). Records stored before under the same scoring_id are kept once. Any iterable works, so a
   * large batch can be streamed; it is written in chunks.
   */
  async store(records: Iterable<PayloadRecord> | AsyncIterable<PayloadRecord>, options: { deployment_id?: string } = {}): Promise<ScoringPayloadOutcome> {
    const o = checkKeys(options, ["deployment_id"], "payload_logging.store() options");
    if (records === null || typeof records !== "object" || !(Symbol.iterator in records || Symbol.asyncIterator in records)) {
      throw new ValidationError("payload_logging.store()", [{ path: "records", message: "expected a list of PayloadRecord objects: [new PayloadRecord({ request, response })]" }]);
    }
    const { uid, binding_uid } = this.subscription;
    const deployment_id = o.deployment_id as string | undefined;
    const wire = (record: unknown, i: number): ScoringPayloadRecord => {
      if (!(record instanceof PayloadRecord)) {
        throw new ValidationError("payload_logging.store()", [{ path: `records[${i}]`, message: "expected a PayloadRecord: new PayloadRecord({ request, response, response_time })" }]);
      }
      return {
        subscription_id: uid,
        binding_id: binding_uid,
        ...(deployment_id ? { deployment_id } : {}),
        request: record.request,
        response: record.response,
        ...(record.scoring_id ? { scoring_id: record.scoring_id } : {}),
        ...(record.scoring_timestamp ? { scoring_timestamp: record.scoring_timestamp } : {}),
        ...(record.response_time !== undefined ? { response_time: record.response_time } : {}),
      };
    };
    // Records are converted one at a time as the service reads them: a large batch is never copied whole.
    async function* fromAsync(source: AsyncIterable<unknown>): AsyncGenerator<ScoringPayloadRecord> {
      let i = 0;
      for await (const record of source) yield wire(record, i++);
    }
    function* fromSync(source: Iterable<unknown>): Generator<ScoringPayloadRecord> {
      let i = 0;
      for (const record of source) yield wire(record, i++);
    }
    return this.service.storeScoringPayloads(Symbol.asyncIterator in records ? fromAsync(records as AsyncIterable<unknown>) : fromSync(records as Iterable<unknown>));
  }

  /** Shows the newest logged rows (10 unless `limit` says otherwise). */
  async show_table(options: { limit?: number } = {}): Promise<void> {
    const o = checkKeys(options, ["limit"], "payload_logging.show_table() options");
    const limit = checkLimit(o.limit, "payload_logging.show_table() options") ?? 10;
    const page = await this.service.getScoringTransactions({ subscription_id: this.subscription.uid, limit: limit + 1 });
    const schema = page.fields.length ? page.fields : (await this.schema()).table_schema.fields.map((f) => f.name);
    this.output.table(
      buildTable({ title: await this.title(), columns: schema, records: toObjects(page.fields, page.values), limit, sort_by: "scoring_timestamp" }),
    );
  }

  /** The newest rows: objects (default; `"pandas"` means the same), or `{fields, values}` with `format: "python"`. */
  async get_table_content(options: { format?: "objects" | "pandas"; limit?: number }): Promise<Record<string, unknown>[]>;
  async get_table_content(options: { format: "python"; limit?: number }): Promise<{ fields: string[]; values: unknown[][] }>;
  async get_table_content(): Promise<Record<string, unknown>[]>;
  async get_table_content(options: { format?: TableContentFormat; limit?: number } = {}): Promise<Record<string, unknown>[] | { fields: string[]; values: unknown[][] }> {
    const o = checkKeys(options, ["format", "limit"], "payload_logging.get_table_content() options");
    const format = (o.format ?? "objects") as TableContentFormat;
    if (!["objects", "pandas", "python"].includes(format)) {
      throw new ValidationError("payload_logging.get_table_content() options", [{ path: "format", message: `Unsupported format chosen: '${String(format)}'. Use 'objects' (rows as objects; 'pandas' is the same) or 'python' ({fields, values})` }]);
    }
    const limit = checkLimit(o.limit, "payload_logging.get_table_content() options") ?? 1000;
    const page = await readPages(limit, (p) => this.service.getScoringTransactions({ subscription_id: this.subscription.uid, ...p }));
    return format === "python" ? page : toObjects(page.fields, page.values);
  }

  /** count, mean, std, min, quartiles and max of every numeric column (pandas `describe()`), computed in the database. */
  async describe_table(options: { limit?: number } = {}): Promise<void> {
    const o = checkKeys(options, ["limit"], "payload_logging.describe_table() options");
    const description = await this.service.describeScoringTransactions(this.subscription.uid, checkLimit(o.limit, "payload_logging.describe_table() options"));
    const columns = ["statistic", ...description.columns];
    const records = description.statistics.map((s) => Object.fromEntries([["statistic", s.name], ...s.values.map((v, i) => [description.columns[i]!, v])]));
    this.output.table(buildTable({ title: `Description of ${(await this.schema()).table_name}`, columns, records }));
  }

  /** Shows the payload table's columns: name, type, nullable (and modeling role). */
  async print_table_schema(): Promise<void> {
    const schema = await this.schema();
    const records = schema.table_schema.fields.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable, modeling_role: f.metadata.modeling_role }));
    const note = schema.complete ? undefined : "Note: the answer columns are added, with their types, by the first logged payload.";
    const table = buildTable({ title: `Schema of ${schema.table_name}`, columns: ["name", "type", "nullable", "modeling_role"], records });
    this.output.table(note ? { ...table, note } : table);
  }

  /** Number of rows logged. */
  async get_records_count(): Promise<number> {
    const page = await this.service.getScoringTransactions({ subscription_id: this.subscription.uid, limit: 0, include_total_count: true });
    return page.total_count ?? 0;
  }

  private schema(): Promise<PayloadTableSchema> {
    return this.service.getPayloadTableSchema(this.subscription.uid);
  }

  private async title(): Promise<string> {
    return `${(await this.schema()).table_name} (binding_id=${this.subscription.binding_uid}, subscription_id=${this.subscription.uid})`;
  }
}
