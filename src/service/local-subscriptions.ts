/**
 * The subscription half of the local data mart service: subscriptions, monitor configurations, payload logging,
 * performance metrics and payload analytics, on the data mart's store.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { NotFoundError, StateError, ValidationError } from "../errors";
import { quoteName, type Queryable, type Store } from "../store/store";
import { parseOrThrow } from "../validation";
import { computeDistribution, planDistribution } from "./data-distribution";
import { countRows, describeTransactions, readTransactions } from "./payload-reader";
import { RESERVED_NAMES } from "./payload-schema";
import { PayloadIngestion } from "./payload-ingestion";
import { dropFeedbackTable, feedbackSchema, feedbackTableName } from "./feedback-table";
import { deploymentMetrics, performanceHours, performanceSamples } from "./performance-metrics";
import type {
  AssetProperties,
  DataDistributionRequest,
  DataDistributionRun,
  DeploymentMetrics,
  MetricsQuery,
  MonitorConfiguration,
  MonitorName,
  PayloadDescription,
  PayloadTableSchema,
  PerformanceHour,
  PerformanceSample,
  ScoringPayloadOutcome,
  ScoringPayloadRecord,
  ScoringTransactions,
  Subscription,
  SubscriptionConfiguration,
  SubscriptionCreateOutcome,
  SubscriptionCreateRequest,
  SubscriptionPatchOperation,
} from "./resources";
import {
  configurationRows,
  iso,
  knownPayloadSchema,
  MONITORS,
  payloadTableName,
  setConfiguration,
  subscriptionRows,
  subscriptionUrl,
  toSubscriptionResource,
  type SubscriptionRow,
} from "./subscription-rows";

/** What the subscription operations need from the service that owns the store. */
export interface SubscriptionContext {
  store(): Promise<Store>;
  dataMartId(): string;
  /** Throws NotFoundError when no such binding exists. */
  requireBinding(binding_uid: string): Promise<void>;
  /** Throws StateError when the subscription has no feedback rows yet. */
  requireFeedback(row: SubscriptionRow): Promise<void>;
}

const MAX_PAGE = 10_000;

const columnName = z
  .string()
  .min(1)
  .refine((n) => Buffer.byteLength(n) <= 63 && !n.includes("\u0000"), "is not usable as a column name: at most 63 bytes, no NUL")
  .refine((n) => !RESERVED_NAMES.has(n), { message: `is a column every payload table has already (${[...RESERVED_NAMES].join(", ")}): rename the model's column` });

export const assetPropertiesSchema = z.looseObject({
  problem_type: z.string().optional(),
  input_data_type: z.string().optional(),
  training_data_reference: z.record(z.string(), z.unknown()).optional(),
  label_column: z.string().min(1).optional(),
  prediction_field: columnName.optional(),
  probability_fields: z.array(columnName).optional(),
  transaction_id_field: z.string().optional(),
  class_probability_fields: z.array(columnName).optional(),
  class_labels: z.array(z.string().min(1)).min(2).optional(),
  feature_fields: z.array(columnName).optional(),
  categorical_fields: z.array(z.string()).optional(),
});

const deploymentSchema = z.looseObject({
  deployment_id: z.string().min(1),
  name: z.string(),
  created_at: z.string(),
  deployment_type: z.string(),
  deployment_rn: z.string(),
  url: z.string().optional(),
  scoring_endpoint: z.looseObject({ url: z.string(), request_headers: z.record(z.string(), z.string()) }),
});

export const createRequestSchema = z.looseObject({
  asset: z.looseObject({ asset_id: z.string().min(1), url: z.string(), name: z.string(), asset_type: z.string(), created_at: z.string() }),
  asset_properties: assetPropertiesSchema,
  deployments: z.array(deploymentSchema).min(1, "a subscription watches one deployment: give it"),
  configurations: z.record(z.string(), z.looseObject({ enabled: z.boolean().optional(), parameters: z.record(z.string(), z.unknown()).optional() })).optional(),
});

/** Asset properties a PATCH may change, and those fixed once payloads define the table's columns. */
const PATCHABLE = ["problem_type", "input_data_type", "training_data_reference", "label_column", "prediction_field", "probability_fields", "transaction_id_field", "class_probability_fields", "class_labels", "feature_fields", "categorical_fields"];
const FIXED_BY_PAYLOAD = new Set(["feature_fields", "categorical_fields", "prediction_field", "probability_fields"]);

export class LocalSubscriptions {
  /** Data distribution runs still computing: awaited on close. */
  private readonly running = new Set<Promise<void>>();

  /** Payload batches, written in group commits. */
  private readonly ingestion: PayloadIngestion;

  constructor(private readonly context: SubscriptionContext) {
    this.ingestion = new PayloadIngestion(() => context.store());
  }

  async create(binding_uid: string, request: SubscriptionCreateRequest & { configurations?: SubscriptionConfiguration["configurations"] }): Promise<SubscriptionCreateOutcome> {
    const valid = parseOrThrow(createRequestSchema, request, "subscription") as SubscriptionCreateRequest & { configurations?: SubscriptionConfiguration["configurations"] };
    await this.context.requireBinding(binding_uid);
    const store = await this.context.store();
    return store.transaction(async (tx) => {
      const [existing] = await tx.query<SubscriptionRow>("SELECT * FROM subscriptions WHERE binding_guid = $1 AND asset ->> 'asset_id' = $2", [binding_uid, valid.asset.asset_id]);
      if (existing) return { created: false, subscription: toSubscriptionResource(existing, await configurationRows(tx, [existing.guid]), this.context.dataMartId()) };
      const guid = randomUUID();
      const [row] = await tx.query<SubscriptionRow>(
        `INSERT INTO subscriptions (guid, binding_guid, asset, asset_properties, deployments, payload_table)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [guid, binding_uid, JSON.stringify(valid.asset), JSON.stringify(stripSchemas(valid.asset_properties)), JSON.stringify(valid.deployments), payloadTableName(guid)],
      );
      for (const monitor of MONITORS) {
        // A fairness configuration names columns and classes checked when it is enabled: it is not imported unchecked.
        const given = monitor === "fairness_monitoring" ? undefined : valid.configurations?.[monitor];
        await setConfiguration(tx, guid, monitor, given?.enabled ?? false, given?.parameters ?? {});
      }
      return { created: true, subscription: toSubscriptionResource(row!, await configurationRows(tx, [guid]), this.context.dataMartId()) };
    });
  }

  async list(binding_uid?: string): Promise<{ subscriptions: Subscription[] }> {
    if (binding_uid !== undefined) await this.context.requireBinding(binding_uid);
    const store = await this.context.store();
    const rows = await subscriptionRows(store, binding_uid === undefined ? {} : { binding_guid: binding_uid });
    const configurations = await configurationRows(store, rows.map((r) => r.guid));
    return { subscriptions: rows.map((r) => toSubscriptionResource(r, configurations, this.context.dataMartId())) };
  }

  async get(subscription_uid: string): Promise<Subscription> {
    const row = await this.row(subscription_uid);
    const store = await this.context.store();
    return toSubscriptionResource(row, await configurationRows(store, [row.guid]), this.context.dataMartId());
  }

  async update(subscription_uid: string, operations: SubscriptionPatchOperation[]): Promise<Subscription> {
    const row = await this.row(subscription_uid);
    if (!Array.isArray(operations)) throw new ValidationError("subscription patch", [{ path: "operations", message: "expected a list of JSON-Patch operations" }]);
    const properties: Record<string, unknown> = { ...row.asset_properties };
    const issues = operations.flatMap((op, i) => {
      const key = /^\/asset_properties\/([a-z_]+)$/.exec(op?.path ?? "")?.[1];
      if (!key || !PATCHABLE.includes(key)) return [{ path: `operations[${i}].path`, message: `'${op?.path}' cannot be changed; patch one of ${PATCHABLE.map((k) => `/asset_properties/${k}`).join(", ")}` }];
      if (row.payload_schema && FIXED_BY_PAYLOAD.has(key)) return [{ path: `operations[${i}].path`, message: `${key} is fixed: payloads are logged in a table with these columns already. Subscribe again to change them.` }];
      if (op.op === "remove") delete properties[key];
      else properties[key] = op.value;
      return [];
    });
    if (issues.length) throw new ValidationError("subscription update", issues);
    const valid = parseOrThrow(assetPropertiesSchema, properties, "subscription update", "asset_properties");
    const store = await this.context.store();
    await store.query("UPDATE subscriptions SET asset_properties = $2, modified_at = now() WHERE guid = $1", [row.guid, JSON.stringify(valid)]);
    return this.get(row.guid);
  }

  async delete(subscription_uid: string): Promise<void> {
    const row = await this.row(subscription_uid);
    const store = await this.context.store();
    await store.transaction(async (tx) => {
      await tx.query(`DROP TABLE IF EXISTS ${quoteName(row.payload_table)}`);
      await dropFeedbackTable(tx, row.guid);
      await tx.query("DELETE FROM subscriptions WHERE guid = $1", [row.guid]);
    });
  }

  /** Drops the payload tables of a binding's subscriptions; the rows go with the binding (ON DELETE CASCADE). */
  async dropPayloadTablesOf(binding_uid: string): Promise<void> {
    const store = await this.context.store();
    for (const row of await subscriptionRows(store, { binding_guid: binding_uid })) {
      await store.query(`DROP TABLE IF EXISTS ${quoteName(row.payload_table)}`);
      await dropFeedbackTable(store, row.guid);
    }
  }

  async exportConfiguration(subscription_uid: string): Promise<SubscriptionConfiguration> {
    const subscription = await this.get(subscription_uid);
    const { entity } = subscription;
    return {
      asset: entity.asset,
      asset_properties: entity.asset_properties,
      configurations: Object.fromEntries(entity.configurations.map((c) => [c.type, { enabled: c.enabled, parameters: c.parameters }])),
      deployments: entity.deployments,
      export_info: { timestamp: new Date().toISOString(), origin: subscription.metadata.url, api_version: "v1" },
    };
  }

  async importConfiguration(binding_uid: string, configuration: SubscriptionConfiguration): Promise<SubscriptionCreateOutcome> {
    if (configuration === null || typeof configuration !== "object") {
      throw new ValidationError("subscription configuration", [{ path: "configuration_data", message: "expected the object export_configuration() returned" }]);
    }
    const { export_info: _, ...request } = configuration;
    return this.create(binding_uid, request);
  }

  /** The configuration of a built-in monitor, or of a custom one once configured (undefined before). */
  async getConfiguration(subscription_uid: string, monitor: string): Promise<MonitorConfiguration | undefined> {
    const subscription = await this.get(subscription_uid);
    return subscription.entity.configurations.find((c) => c.type === monitor);
  }

  async setConfiguration(subscription_uid: string, monitor: MonitorName, configuration: { enabled: boolean; parameters?: Record<string, unknown> }): Promise<MonitorConfiguration> {
    if (!MONITORS.includes(monitor)) throw new ValidationError("monitor configuration", [{ path: "monitor", message: `expected one of ${MONITORS.join(", ")}` }]);
    const row = await this.row(subscription_uid);
    const store = await this.context.store();
    await setConfiguration(store, row.guid, monitor, configuration.enabled === true, configuration.parameters ?? {});
    return (await this.getConfiguration(row.guid, monitor))!;
  }

  storePayloads(records: Iterable<ScoringPayloadRecord> | AsyncIterable<ScoringPayloadRecord>): Promise<ScoringPayloadOutcome> {
    return this.ingestion.store(records);
  }

  async transactions(query: { subscription_id: string; limit?: number; offset?: number; include_total_count?: boolean }): Promise<ScoringTransactions> {
    const row = await this.row(query?.subscription_id);
    const limit = query.limit ?? 1000;
    const offset = query.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE) throw new ValidationError("scoring transactions query", [{ path: "limit", message: `expected a whole number from 0 to ${MAX_PAGE}` }]);
    if (!Number.isInteger(offset) || offset < 0) throw new ValidationError("scoring transactions query", [{ path: "offset", message: "expected a whole number, 0 or more" }]);
    return readTransactions(await this.context.store(), row, { limit, offset, include_total_count: query.include_total_count });
  }

  async payloadSchema(subscription_uid: string): Promise<PayloadTableSchema> {
    const row = await this.row(subscription_uid);
    const schema = knownPayloadSchema(row);
    return { table_name: row.payload_table, complete: schema.complete, table_schema: { fields: schema.fields } };
  }

  async describe(subscription_uid: string, limit?: number): Promise<PayloadDescription> {
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new ValidationError("describe_table options", [{ path: "limit", message: "expected a whole number of rows, 1 or more" }]);
    const row = await this.row(subscription_uid);
    return describeTransactions(await this.context.store(), row, limit);
  }

  async recordCount(subscription_uid: string): Promise<number> {
    return countRows(await this.context.store(), await this.row(subscription_uid));
  }

  async metrics(query: MetricsQuery): Promise<{ metrics: (PerformanceSample | PerformanceHour)[] }> {
    if (query?.metric_type !== "performance") throw new ValidationError("metrics query", [{ path: "metric_type", message: "only 'performance' metrics are kept so far" }]);
    const format = query.format ?? "samples";
    if (format !== "samples" && format !== "time_series") throw new ValidationError("metrics query", [{ path: "format", message: "expected 'samples' or 'time_series'" }]);
    const store = await this.context.store();
    const rows = query.subscription_id !== undefined ? [await this.row(query.subscription_id)] : await subscriptionRows(store, query.binding_id ? { binding_guid: query.binding_id } : {});
    const read = format === "samples" ? performanceSamples : performanceHours;
    const metrics = (await Promise.all(rows.map((r) => read(store, r, query)))).flat() as (PerformanceSample | PerformanceHour)[];
    return { metrics };
  }

  async deploymentMetrics(query: { subscription_id?: string; deployment_id?: string } = {}): Promise<{ deployment_metrics: DeploymentMetrics[] }> {
    const store = await this.context.store();
    const rows = query.subscription_id !== undefined ? [await this.row(query.subscription_id)] : await subscriptionRows(store);
    const all = await deploymentMetrics(store, rows);
    return { deployment_metrics: query.deployment_id ? all.filter((m) => m.deployment.deployment_id === query.deployment_id) : all };
  }

  async createDistribution(subscription_uid: string, request: DataDistributionRequest): Promise<{ id: string; status: DataDistributionRun["status"] }> {
    const row = await this.row(subscription_uid);
    if (request?.dataset !== "payload" && request?.dataset !== "feedback") {
      throw new ValidationError("data distribution request", [{ path: "dataset", message: "expected 'payload' or 'feedback'" }]);
    }
    if (!row.payload_schema) {
      throw new StateError(`Subscription '${row.guid}' has no payload yet: store or score some records first (subscription.payload_logging.store, subscription.score).`);
    }
    const feedback = request.dataset === "feedback";
    if (feedback) await this.context.requireFeedback(row);
    const plan = planDistribution(feedback ? feedbackSchema(row) : row.payload_schema, request);
    const store = await this.context.store();
    const id = randomUUID();
    await store.query("INSERT INTO data_distribution_runs (id, subscription_guid, dataset, request, status) VALUES ($1, $2, $3, $4, 'running')", [
      id,
      row.guid,
      request.dataset,
      JSON.stringify({ ...request, start: plan.start, end: plan.end, agg: plan.aggs.map((a) => a.label) }),
    ]);
    const run = computeDistribution(store, feedback ? feedbackTableName(row.guid) : row.payload_table, plan, feedback ? "record_timestamp" : "scoring_timestamp").then(
      (distribution) => store.query("UPDATE data_distribution_runs SET status = 'completed', distribution = $2, finished_at = now() WHERE id = $1", [id, JSON.stringify(distribution)]),
      (error: Error) => store.query("UPDATE data_distribution_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1", [id, JSON.stringify({ message: error.message })]),
    );
    const tracked = run.then(() => undefined, () => undefined);
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
    return { id, status: "running" };
  }

  async getDistribution(subscription_uid: string, run_id: string): Promise<DataDistributionRun> {
    const row = await this.row(subscription_uid);
    const store = await this.context.store();
    const [run] = await store.query<{ id: string; status: DataDistributionRun["status"]; dataset: string; request: DataDistributionRequest; distribution: DataDistributionRun["distribution"] | null; error: { message: string } | null }>(
      "SELECT * FROM data_distribution_runs WHERE id = $1 AND subscription_guid = $2",
      [run_id, row.guid],
    );
    if (!run) throw new NotFoundError("data distribution run", String(run_id), `of subscription '${row.guid}'; run() returns the id.`);
    return {
      id: run.id,
      status: run.status,
      dataset: run.dataset,
      group: run.request.group,
      agg: run.request.agg ?? ["count"],
      start: run.request.start,
      end: run.request.end,
      ...(run.distribution ? { distribution: run.distribution } : {}),
      ...(run.error ? { error: run.error } : {}),
    };
  }

  /** Waits for runs still computing (before the store closes). */
  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  async row(subscription_uid: string): Promise<SubscriptionRow> {
    if (typeof subscription_uid !== "string" || subscription_uid.trim() === "") {
      throw new ValidationError("subscription uid", [{ path: "subscription_uid", message: "expected the uid string of a subscription (see subscriptions.list())" }]);
    }
    const [row] = await subscriptionRows(await this.context.store(), { guid: subscription_uid });
    if (!row) throw new NotFoundError("subscription", subscription_uid, "See the existing ones with `client.data_mart.subscriptions.list()`.");
    return row;
  }

  url(row: SubscriptionRow): string {
    return subscriptionUrl(this.context.dataMartId(), row);
  }
}

/** The schemas in asset properties are the server's to fill: an imported configuration's copies are dropped. */
function stripSchemas(properties: AssetProperties): AssetProperties {
  const { input_data_schema: _i, output_data_schema: _o, ...rest } = properties;
  return rest;
}

export { iso };
