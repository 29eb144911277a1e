/** The subscriptions table and its monitor configurations: rows in, v1 resources out. */
import type { Queryable } from "../store/store";
import { declaredFeatureFields, RECORD_FIELDS, type PayloadField } from "./payload-schema";
import type { MetricThreshold } from "./monitor-resources";
import type { AssetProperties, MonitorConfiguration, MonitorName, Subscription, SubscriptionAsset, SubscriptionDeployment } from "./resources";

export interface SubscriptionRow {
  guid: string;
  binding_guid: string;
  asset: SubscriptionAsset;
  asset_properties: AssetProperties;
  deployments: SubscriptionDeployment[];
  payload_table: string;
  payload_schema: PayloadField[] | null;
  state: string;
  created_at: Date | string;
  modified_at: Date | string;
}

export interface ConfigurationRow {
  subscription_guid: string;
  /** A built-in monitor's name, or a custom monitor definition's guid. */
  monitor: string;
  enabled: boolean;
  parameters: Record<string, unknown>;
  thresholds: MetricThreshold[];
}

/** v1 monitor definition ids of the monitors a subscription configures. */
export const DEFINITION_IDS: Record<MonitorName, string> = { payload_logging: "payload_logging", performance_monitoring: "performance", quality_monitoring: "quality", fairness_monitoring: "fairness", drift_monitoring: "drift", explainability: "explainability" };

export const MONITORS: readonly MonitorName[] = ["payload_logging", "performance_monitoring", "quality_monitoring", "fairness_monitoring", "drift_monitoring", "explainability"];

export function payloadTableName(subscriptionUid: string): string {
  return `Payload_${subscriptionUid}`;
}

export async function subscriptionRows(db: Queryable, where: { guid?: string; binding_guid?: string } = {}): Promise<SubscriptionRow[]> {
  if (where.guid !== undefined) return db.query<SubscriptionRow>("SELECT * FROM subscriptions WHERE guid = $1", [where.guid]);
  if (where.binding_guid !== undefined) {
    return db.query<SubscriptionRow>("SELECT * FROM subscriptions WHERE binding_guid = $1 ORDER BY created_at DESC, guid", [where.binding_guid]);
  }
  return db.query<SubscriptionRow>("SELECT * FROM subscriptions ORDER BY created_at DESC, guid");
}

export async function configurationRows(db: Queryable, guids: readonly string[]): Promise<ConfigurationRow[]> {
  if (guids.length === 0) return [];
  return db.query<ConfigurationRow>("SELECT * FROM monitor_configurations WHERE subscription_guid = ANY($1::text[]) ORDER BY monitor", [guids]);
}

export async function setConfiguration(db: Queryable, guid: string, monitor: string, enabled: boolean, parameters: Record<string, unknown>, thresholds: readonly MetricThreshold[] = []): Promise<void> {
  await db.query(
    `INSERT INTO monitor_configurations (subscription_guid, monitor, enabled, parameters, thresholds) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (subscription_guid, monitor) DO UPDATE SET enabled = EXCLUDED.enabled, parameters = EXCLUDED.parameters, thresholds = EXCLUDED.thresholds, modified_at = now()`,
    [guid, monitor, enabled, JSON.stringify(parameters), JSON.stringify(thresholds)],
  );
}

/** Turns a monitor off and keeps its parameters and thresholds: a later enable starts from what is stored. */
export async function disableConfiguration(db: Queryable, guid: string, monitor: string): Promise<void> {
  const current = (await configurationRows(db, [guid])).find((c) => c.monitor === monitor);
  await setConfiguration(db, guid, monitor, false, (current?.parameters ?? {}) as Record<string, unknown>, current?.thresholds ?? []);
}

export function subscriptionUrl(dataMartId: string, row: Pick<SubscriptionRow, "guid" | "binding_guid">): string {
  return `/v1/data_marts/${dataMartId}/service_bindings/${row.binding_guid}/subscriptions/${row.guid}`;
}

/** The payload schema as far as it is known: complete after the first payload, the declared columns before. */
export function knownPayloadSchema(row: SubscriptionRow): { fields: PayloadField[]; complete: boolean } {
  if (row.payload_schema) return { fields: row.payload_schema, complete: true };
  return { fields: [...RECORD_FIELDS, ...declaredFeatureFields(row.asset_properties)], complete: false };
}

export function toSubscriptionResource(row: SubscriptionRow, configurations: readonly ConfigurationRow[], dataMartId: string): Subscription {
  const url = subscriptionUrl(dataMartId, row);
  const schema = knownPayloadSchema(row);
  const features = schema.fields.filter((f) => f.metadata.modeling_role === "feature");
  return {
    metadata: { guid: row.guid, url, created_at: iso(row.created_at), modified_at: iso(row.modified_at) },
    entity: {
      asset: row.asset,
      asset_properties: {
        ...row.asset_properties,
        ...(features.length ? { input_data_schema: { type: "struct" as const, fields: features } } : {}),
        output_data_schema: { type: "struct", fields: schema.fields },
      },
      configurations: [
        ...MONITORS.map((monitor): MonitorConfiguration => {
          const found = configurations.find((c) => c.subscription_guid === row.guid && c.monitor === monitor);
          return {
            enabled: found?.enabled ?? false,
            monitor_definition_id: DEFINITION_IDS[monitor],
            type: monitor,
            url: `${url}/configurations/${monitor}`,
            parameters: found?.parameters ?? {},
            ...(found?.thresholds.length ? { thresholds: found.thresholds } : {}),
          };
        }),
        // Custom monitors: listed once configured, under their definition's guid.
        ...configurations
          .filter((c) => c.subscription_guid === row.guid && !(MONITORS as readonly string[]).includes(c.monitor))
          .map((c): MonitorConfiguration => ({
            enabled: c.enabled,
            monitor_definition_id: c.monitor,
            type: c.monitor,
            url: `${url}/configurations/${c.monitor}`,
            parameters: c.parameters,
            ...(c.thresholds.length ? { thresholds: c.thresholds } : {}),
          })),
      ],
      deployments: row.deployments,
      service_binding_id: row.binding_guid,
      status: { state: row.state },
    },
  };
}

export function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
