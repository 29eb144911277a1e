import { inspect } from "node:util";
import { randomUUID } from "node:crypto";
import type { AdapterOptions, EngineAdapter, EngineDeployment, FieldsValues } from "../engines/adapter";
import { createAdapter } from "../engines/registry";
import { NotFoundError, StateError, ValidationError } from "../errors";
import { redact, redactUrl } from "../secrets";
import type { SecretBox } from "../store/secret-box";
import type { DataMartLocation, DataMartPointer, DatabaseChoice } from "../store/data-mart-location";
import { dropAll } from "../store/migrations";
import { openStore } from "../store/open-store";
import { resolvePostgresCredentials } from "../store/postgres-credentials";
import type { Queryable, Store } from "../store/store";
import { iso, openBindingSecrets, sealBindingSecrets, sealClearBindings, toBindingResource as toResource, type BindingRow } from "./binding-credentials";
import type { DataMartService } from "./data-mart-service";
import type {
  DataMartDetails,
  DataMartSetupOutcome,
  DataMartSetupRequest,
  MlInstanceDeployments,
  ServiceBinding,
  ServiceBindingCreateOutcome,
  ServiceBindingCreateRequest,
} from "./resources";
import { validateBindingRequest, validateSetupRequest } from "./validate-requests";
import { LocalSubscriptions } from "./local-subscriptions";
import type {
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

/** Schema used on PostgreSQL when setup() names none. */
export const DEFAULT_SCHEMA = "openscale";

export interface LocalDataMartServiceOptions {
  location: DataMartLocation;
  engine?: AdapterOptions;
  /** The data mart's key for engine secrets at rest, asked for on first use (see ../store/secret-box.ts). */
  secrets: () => SecretBox;
}

const NOT_SET_UP =
  "The data mart is not set up yet: call `await client.data_mart.setup()` (embedded database) or " +
  "`await client.data_mart.setup({ db_credentials, schema })` (PostgreSQL) first.";

/**
 * The data mart service run in-process, on the store the data mart's pointer names. The pointer (which may hold
 * database credentials), the store and the engine adapters are true private fields: printing the client at any
 * depth shows none of them.
 */
export class LocalDataMartService implements DataMartService {
  #opened: Promise<{ store: Store; pointer: DataMartPointer }> | undefined;
  readonly #adapters = new Map<string, EngineAdapter>();
  readonly #deployments = new Map<string, Promise<EngineDeployment[]>>();
  readonly #subscriptions: LocalSubscriptions;
  readonly #options: LocalDataMartServiceOptions;

  constructor(options: LocalDataMartServiceOptions) {
    this.#options = options;
    this.#subscriptions = new LocalSubscriptions({
      store: async () => (await this.open()).store,
      dataMartId: () => this.pointerId(),
      requireBinding: async (uid) => void (await this.bindingRow(uid)),
    });
  }

  // ---- data mart -------------------------------------------------------------------------------------------

  async setupDataMart(request: DataMartSetupRequest): Promise<DataMartSetupOutcome> {
    validateSetupRequest(request);
    const database = toDatabaseChoice(request);
    const existing = this.#options.location.read();
    if (existing) {
      if (!sameDatabase(existing.database, database)) {
        throw new StateError(
          `This data mart is already set up on ${describeChoice(existing.database)}. ` +
            "Call `await client.data_mart.delete()` first to set it up elsewhere, or open another folder with `new APIClient({ data_dir })`.",
        );
      }
      return { created: false, details: await this.getDataMart() };
    }
    const store = await openStore(database, this.#options.location);
    try {
      const pointer: DataMartPointer = { data_mart_id: randomUUID(), created_at: new Date().toISOString(), database };
      const rows = await store.query<{ id: string; created_at: Date }>("SELECT id, created_at FROM data_mart LIMIT 1");
      if (rows[0]) {
        // The schema already holds a data mart (another client set it up): join it.
        pointer.data_mart_id = rows[0].id;
        pointer.created_at = iso(rows[0].created_at);
      } else {
        await store.query(
          "INSERT INTO data_mart (id, database_type, internal_database, created_at) VALUES ($1, $2, $3, $4)",
          [pointer.data_mart_id, database.database_type, database.database_type === "internal", pointer.created_at],
        );
      }
      await sealClearBindings(store, this.#options.secrets); // a schema an earlier version filled
      this.#options.location.write(pointer);
      this.#opened = Promise.resolve({ store, pointer });
      return { created: rows.length === 0, details: detailsOf(pointer, store) };
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }

  async getDataMart(): Promise<DataMartDetails> {
    const { store, pointer } = await this.open();
    return detailsOf(pointer, store);
  }

  async deleteDataMart(): Promise<boolean> {
    const pointer = this.#options.location.read();
    if (!pointer) return false;
    const { store } = await this.open();
    await dropAll(store);
    await this.close();
    this.#options.location.clear();
    return true;
  }

  // ---- service bindings ------------------------------------------------------------------------------------

  async createServiceBinding(request: ServiceBindingCreateRequest): Promise<ServiceBindingCreateOutcome> {
    const valid = validateBindingRequest(request);
    const box = this.#options.secrets(); // a malformed or unreadable key fails here, before the engine is asked
    const { store } = await this.open();
    const [existing] = await sameEngine(store, valid, box);
    if (!existing) {
      // Wrong keys fail here, with the engine's own answer, and nothing is stored.
      const credentials = { ...valid.credentials, ...(valid.request_headers ? { request_headers: valid.request_headers } : {}) };
      await createAdapter(valid.service_type, credentials, this.#options.engine).verifyCredentials?.();
    }
    return store.transaction(async (tx) => {
      const existing = await sameEngine(tx, valid, box);
      if (existing[0]) return { created: false, binding: toResource(existing[0], this.pointerId()) };
      const guid = randomUUID();
      const sealed = sealBindingSecrets(box, guid, {
        credentials: valid.credentials,
        ...(valid.request_headers ? { request_headers: valid.request_headers } : {}),
      });
      const rows = await tx.query<BindingRow>(
        `INSERT INTO service_bindings (guid, name, service_type, instance_id, credentials, request_headers, sealed_credentials)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [guid, valid.name, valid.service_type, valid.instance_id, sealed.credentials, sealed.request_headers, sealed.sealed_credentials],
      );
      return { created: true, binding: toResource(rows[0]!, this.pointerId()) };
    });
  }

  async listServiceBindings(): Promise<{ service_bindings: ServiceBinding[] }> {
    const { store } = await this.open();
    const rows = await store.query<BindingRow>("SELECT * FROM service_bindings ORDER BY created_at DESC, guid");
    return { service_bindings: rows.map((row) => toResource(row, this.pointerId())) };
  }

  async getServiceBinding(binding_uid: string): Promise<ServiceBinding> {
    return toResource(await this.bindingRow(binding_uid), this.pointerId());
  }

  async deleteServiceBinding(binding_uid: string): Promise<void> {
    const row = await this.bindingRow(binding_uid);
    const { store } = await this.open();
    await this.#subscriptions.dropPayloadTablesOf(row.guid);
    await store.query("DELETE FROM service_bindings WHERE guid = $1", [row.guid]);
    this.#adapters.delete(row.guid);
    this.#deployments.delete(row.guid);
  }

  async listMlInstanceDeployments(binding_uid: string): Promise<MlInstanceDeployments> {
    const row = await this.bindingRow(binding_uid);
    const deployments = await this.adapterFor(row).listDeployments();
    return { binding_uid: row.guid, deployments };
  }

  async scoreDeployment(binding_uid: string, deployment_id: string, payload: FieldsValues): Promise<FieldsValues> {
    const row = await this.bindingRow(binding_uid);
    const adapter = this.adapterFor(row);
    // The listing is remembered per binding; an unknown deployment makes it ask the engine again.
    const find = async (fresh: boolean) => {
      if (fresh || !this.#deployments.has(row.guid)) this.#deployments.set(row.guid, adapter.listDeployments());
      return (await this.#deployments.get(row.guid)!).find((d) => d.deployment_id === deployment_id);
    };
    const deployment = (await find(false).catch(() => undefined)) ?? (await find(true));
    if (!deployment) throw new NotFoundError("deployment", deployment_id, `on binding '${row.guid}' (${row.name}): the engine does not serve it (any more).`);
    return adapter.score(deployment, payload);
  }

  // ---- subscriptions and what they log ---------------------------------------------------------------------

  createSubscription(binding_uid: string, request: SubscriptionCreateRequest): Promise<SubscriptionCreateOutcome> {
    return this.#subscriptions.create(binding_uid, request);
  }
  listSubscriptions(binding_uid?: string): Promise<{ subscriptions: Subscription[] }> {
    return this.#subscriptions.list(binding_uid);
  }
  getSubscription(subscription_uid: string): Promise<Subscription> {
    return this.#subscriptions.get(subscription_uid);
  }
  updateSubscription(subscription_uid: string, operations: SubscriptionPatchOperation[]): Promise<Subscription> {
    return this.#subscriptions.update(subscription_uid, operations);
  }
  deleteSubscription(subscription_uid: string): Promise<void> {
    return this.#subscriptions.delete(subscription_uid);
  }
  exportSubscriptionConfiguration(subscription_uid: string): Promise<SubscriptionConfiguration> {
    return this.#subscriptions.exportConfiguration(subscription_uid);
  }
  importSubscriptionConfiguration(binding_uid: string, configuration: SubscriptionConfiguration): Promise<SubscriptionCreateOutcome> {
    return this.#subscriptions.importConfiguration(binding_uid, configuration);
  }
  getMonitorConfiguration(subscription_uid: string, monitor: MonitorName): Promise<MonitorConfiguration> {
    return this.#subscriptions.getConfiguration(subscription_uid, monitor);
  }
  setMonitorConfiguration(subscription_uid: string, monitor: MonitorName, configuration: { enabled: boolean; parameters?: Record<string, unknown> }): Promise<MonitorConfiguration> {
    return this.#subscriptions.setConfiguration(subscription_uid, monitor, configuration);
  }
  storeScoringPayloads(records: Iterable<ScoringPayloadRecord> | AsyncIterable<ScoringPayloadRecord>): Promise<ScoringPayloadOutcome> {
    return this.#subscriptions.storePayloads(records);
  }
  getScoringTransactions(query: { subscription_id: string; limit?: number; offset?: number; include_total_count?: boolean }): Promise<ScoringTransactions> {
    return this.#subscriptions.transactions(query);
  }
  getPayloadTableSchema(subscription_uid: string): Promise<PayloadTableSchema> {
    return this.#subscriptions.payloadSchema(subscription_uid);
  }
  describeScoringTransactions(subscription_uid: string, limit?: number): Promise<PayloadDescription> {
    return this.#subscriptions.describe(subscription_uid, limit);
  }
  getMetrics(query: MetricsQuery): Promise<{ metrics: (PerformanceSample | PerformanceHour)[] }> {
    return this.#subscriptions.metrics(query);
  }
  getDeploymentMetrics(query?: { subscription_id?: string; deployment_id?: string }): Promise<{ deployment_metrics: DeploymentMetrics[] }> {
    return this.#subscriptions.deploymentMetrics(query);
  }
  createDataDistribution(subscription_uid: string, request: DataDistributionRequest): Promise<{ id: string; status: DataDistributionRun["status"] }> {
    return this.#subscriptions.createDistribution(subscription_uid, request);
  }
  getDataDistribution(subscription_uid: string, run_id: string): Promise<DataDistributionRun> {
    return this.#subscriptions.getDistribution(subscription_uid, run_id);
  }

  async close(): Promise<void> {
    await this.#subscriptions.settle();
    const opened = this.#opened;
    this.#opened = undefined;
    this.#adapters.clear();
    this.#deployments.clear();
    if (opened) await (await opened.catch(() => undefined))?.store.close();
  }

  [inspect.custom](): string {
    return `LocalDataMartService(data_mart='${this.#options.location.describe()}')`;
  }

  toJSON(): { data_mart: string } {
    return { data_mart: this.#options.location.describe() };
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private open(): Promise<{ store: Store; pointer: DataMartPointer }> {
    if (!this.#opened) {
      const pointer = this.#options.location.read();
      if (!pointer) return Promise.reject(new StateError(NOT_SET_UP));
      this.#opened = openStore(pointer.database, this.#options.location).then(async (store) => {
        try {
          await sealClearBindings(store, this.#options.secrets); // rows an earlier version stored in clear
        } catch (error) {
          await store.close().catch(() => undefined);
          throw error;
        }
        return { store, pointer };
      });
      this.#opened.catch(() => (this.#opened = undefined));
    }
    return this.#opened;
  }

  private pointerId(): string {
    return this.#options.location.read()?.data_mart_id ?? "";
  }

  private async bindingRow(binding_uid: string): Promise<BindingRow> {
    if (typeof binding_uid !== "string" || binding_uid.trim() === "") {
      throw new ValidationError("binding uid", [
        { path: "binding_uid", message: "expected the uid string that bindings.add() returned (see bindings.list())" },
      ]);
    }
    const { store } = await this.open();
    const rows = await store.query<BindingRow>("SELECT * FROM service_bindings WHERE guid = $1", [binding_uid]);
    if (!rows[0]) {
      throw new NotFoundError("service binding", binding_uid, "See the existing ones with `client.data_mart.bindings.list()`.");
    }
    return rows[0];
  }

  private adapterFor(row: BindingRow): EngineAdapter {
    let adapter = this.#adapters.get(row.guid);
    if (!adapter) {
      const secrets = openBindingSecrets(this.#options.secrets(), row);
      const credentials = { ...secrets.credentials, ...(secrets.request_headers ? { request_headers: secrets.request_headers } : {}) };
      adapter = createAdapter(row.service_type, credentials, this.#options.engine);
      this.#adapters.set(row.guid, adapter);
    }
    return adapter;
  }
}

/**
 * The binding of the same engine, if there is one: the same instance id, or the same service type with the same
 * credentials and request headers (a custom engine's URL and password, say, given in a new instance object).
 */
/**
 * The binding of the same engine, if any: the same instance id, or the same credentials and request headers. Secrets
 * are sealed at rest, so credentials are compared after opening them (a data mart holds few bindings).
 */
async function sameEngine(db: Queryable, request: ServiceBindingCreateRequest, box: SecretBox): Promise<BindingRow[]> {
  const rows = await db.query<BindingRow>("SELECT * FROM service_bindings WHERE service_type = $1 ORDER BY created_at", [request.service_type]);
  const byInstance = rows.find((r) => r.instance_id === request.instance_id);
  if (byInstance) return [byInstance];
  const wanted = stableJson({ credentials: request.credentials, request_headers: request.request_headers ?? null });
  const same = rows.find((r) => {
    const secrets = openBindingSecrets(box, r);
    return stableJson({ credentials: secrets.credentials, request_headers: secrets.request_headers ?? null }) === wanted;
  });
  return same ? [same] : [];
}

/** JSON with object keys sorted, so equal values compare equal whatever order their keys were given in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function toDatabaseChoice(request: DataMartSetupRequest): DatabaseChoice {
  if ("internal_database" in request) return { database_type: "internal" };
  const config = request.database_configuration;
  resolvePostgresCredentials(config.credentials); // validates now: a bad field fails before anything is written
  return {
    database_type: "postgresql",
    credentials: config.credentials as Extract<DatabaseChoice, { database_type: "postgresql" }>["credentials"],
    schema: config.location.schema ?? DEFAULT_SCHEMA,
    ...(config.name ? { name: config.name } : {}),
  };
}

function sameDatabase(a: DatabaseChoice, b: DatabaseChoice): boolean {
  if (a.database_type === "internal" || b.database_type === "internal") return a.database_type === b.database_type;
  return (
    a.schema === b.schema &&
    resolvePostgresCredentials(a.credentials).display === resolvePostgresCredentials(b.credentials).display
  );
}

function describeChoice(choice: DatabaseChoice): string {
  return choice.database_type === "internal"
    ? "the embedded database"
    : `PostgreSQL at ${resolvePostgresCredentials(choice.credentials).display} (schema ${choice.schema})`;
}

function detailsOf(pointer: DataMartPointer, store: Store): DataMartDetails {
  const base = {
    data_mart_id: pointer.data_mart_id,
    created_at: pointer.created_at,
    status: { state: "active" as const },
    service_instance_crn: "N/A",
    location: store.describe(),
  };
  if (pointer.database.database_type === "internal") {
    return { ...base, internal_database: true, database_configuration: {} };
  }
  const credentials = pointer.database.credentials;
  return {
    ...base,
    database_configuration: {
      database_type: "postgresql",
      name: pointer.database.name ?? "postgresql",
      credentials: typeof credentials === "string" ? redactUrl(credentials) : redact(credentials as Record<string, unknown>),
      location: { schema: pointer.database.schema },
    },
  };
}
