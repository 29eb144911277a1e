import { z } from "zod";
import { SynchronousRunPrinter } from "../display/index";
import { ValidationError } from "../errors";
import type { DataMartService } from "../service/data-mart-service";
import type { DataMartDetails } from "../service/resources";
import type { PostgresCredentials } from "../store/postgres-credentials";
import { parseOrThrow } from "../validation";
import { Bindings } from "./bindings";
import { Subscriptions } from "./subscriptions";
import { Monitors } from "./monitors/monitors";
import type { DeploymentMetrics } from "../service/resources";
import { checkKeys } from "./table-options";
import type { Output } from "./output";

/** Options of `data_mart.setup()`: the embedded database (default), or a schema on a PostgreSQL server. */
export interface SetupOptions {
  /** Use the embedded database (the default when no db_credentials are given). */
  internal_db?: boolean;
  /** A PostgreSQL server: IBM Cloud credentials (`uri`, `ca_certificate_base64`), discrete fields, or a connection string. */
  db_credentials?: PostgresCredentials;
  /** The PostgreSQL schema to keep the data mart in (created when missing). @default "openscale" */
  schema?: string;
}

const setupOptions = z.strictObject({
  internal_db: z.boolean().optional(),
  db_credentials: z.unknown().optional(),
  schema: z.string({ error: "expected the schema name as a string" }).optional(),
});

/** `client.data_mart`: where monitoring data lives, and the engines it watches. */
export class DataMart {
  /** The engines bound to this data mart. */
  readonly bindings: Bindings;
  /** The deployments this data mart watches. */
  readonly subscriptions: Subscriptions;
  /** Monitor definitions: the built-in ones and custom ones. */
  readonly monitors: Monitors;

  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
  ) {
    this.bindings = new Bindings(service, output);
    this.subscriptions = new Subscriptions(service, output);
    this.monitors = new Monitors(service, output);
  }

  /** The latest figures of every watched deployment (or of one subscription's), v1 `deployment_metrics`. */
  async get_deployment_metrics(options: { subscription_uid?: string; deployment_uid?: string; metric_type?: string } = {}): Promise<{ deployment_metrics: DeploymentMetrics[] }> {
    const o = checkKeys(options, ["subscription_uid", "deployment_uid", "metric_type"], "get_deployment_metrics() options");
    const result = await this.service.getDeploymentMetrics({
      ...(o.subscription_uid !== undefined ? { subscription_id: String(o.subscription_uid) } : {}),
      ...(o.deployment_uid !== undefined ? { deployment_id: String(o.deployment_uid) } : {}),
    });
    if (o.metric_type === undefined) return result;
    return { deployment_metrics: result.deployment_metrics.map((d) => ({ ...d, metrics: d.metrics.filter((m) => m.metric_type === o.metric_type) })) };
  }

  /**
   * Creates the data mart: in the embedded database (`setup()` or `setup({ internal_db: true })`), or in a
   * PostgreSQL schema (`setup({ db_credentials, schema })`). A data mart that exists already is kept, with a warning.
   */
  async setup(options: SetupOptions = {}): Promise<void> {
    const o = parseOrThrow(setupOptions, options, "data_mart.setup() options");
    if (o.internal_db && o.db_credentials !== undefined) {
      throw new ValidationError("data_mart.setup() options", [
        { path: "internal_db", message: "give either internal_db: true (embedded database) or db_credentials (PostgreSQL), not both" },
      ]);
    }
    if (o.schema !== undefined && o.db_credentials === undefined) {
      throw new ValidationError("data_mart.setup() options", [
        { path: "schema", message: "a schema applies to PostgreSQL only: give db_credentials too, or leave schema out" },
      ]);
    }
    const outcome = await this.service.setupDataMart(
      o.db_credentials === undefined
        ? { internal_database: true }
        : {
            database_configuration: {
              database_type: "postgresql",
              credentials: o.db_credentials,
              location: { schema: o.schema },
            },
          },
    );
    if (!outcome.created) {
      this.output.warn(`Warning during setup of data mart: a data mart already exists in ${outcome.details.location}; it is kept as it is.`);
    }
  }

  /** The data mart's configuration; database credentials are masked. */
  async get_details(): Promise<DataMartDetails> {
    return this.service.getDataMart();
  }

  /** Deletes the data mart and all it holds (bindings, and later subscriptions and their tables). Does nothing when there is none. */
  async delete(options: { background_mode?: boolean } = {}): Promise<void> {
    const printer = options.background_mode ? undefined : new SynchronousRunPrinter("Waiting for end of deleting data mart", this.output.print);
    const deleted = await this.service.deleteDataMart();
    if (deleted && printer) {
      printer.start();
      printer.state("deleted");
      printer.success("Successfully deleted data mart");
    }
  }
}
