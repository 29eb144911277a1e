/**
 * Custom monitors on a subscription: their configuration (thresholds and parameters checked against the monitor's
 * definition) and the measurements a notebook stores for them (metric and tag values checked against it).
 */
import { StateError, ValidationError, type ValidationIssue } from "../../errors";
import type { Queryable } from "../../store/store";
import type { MeasurementCreateRequest, MetricThreshold, MonitorDefinition } from "../monitor-resources";
import type { SubscriptionRow } from "../subscription-rows";
import { limitIssues } from "./definitions";
import { resolveLimits, type NewMeasurement } from "./measurements";

const MAX_TAG_LENGTH = 1000;

/** Checks `PUT …/configurations/{monitor}` of a custom monitor: thresholds on the definition's metrics, known parameters. */
export function checkCustomConfiguration(definition: MonitorDefinition, configuration: { enabled?: unknown; parameters?: unknown; thresholds?: unknown }): { parameters: Record<string, unknown>; thresholds: MetricThreshold[] } {
  const subject = `configuration of monitor '${definition.metadata.guid}'`;
  const issues: ValidationIssue[] = [];
  const metricIds = definition.entity.metrics.map((m) => m.id);
  const thresholds = configuration.thresholds ?? [];
  if (!Array.isArray(thresholds)) {
    throw new ValidationError(subject, [{ path: "thresholds", message: "expected a list of Threshold objects: [new Threshold({ metric_uid: \"sensitivity\", lower_limit: 0.9 })]" }]);
  }
  thresholds.forEach((t: Partial<MetricThreshold> | null, i) => {
    if (!t || typeof t !== "object") return issues.push({ path: `thresholds[${i}]`, message: "expected a Threshold object" });
    if (typeof t.metric_id !== "string" || !metricIds.includes(t.metric_id)) {
      issues.push({ path: `thresholds[${i}].metric_uid`, message: `'${String(t.metric_id)}' is not a metric of '${definition.metadata.guid}': use one of ${metricIds.join(", ")}` });
    }
    if (t.type !== "lower_limit" && t.type !== "upper_limit") issues.push({ path: `thresholds[${i}].type`, message: "expected 'lower_limit' or 'upper_limit'" });
    if (typeof t.value !== "number" || !Number.isFinite(t.value)) issues.push({ path: `thresholds[${i}].value`, message: "expected a finite number" });
    return undefined;
  });
  for (const id of metricIds) issues.push(...limitIssues((thresholds as MetricThreshold[]).filter((t) => t?.metric_id === id), `thresholds (${id})`));
  const parameters = (configuration.parameters ?? {}) as Record<string, unknown>;
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
    issues.push({ path: "parameters", message: "expected an object of parameter values" });
  } else {
    const allowed = Object.keys(((definition.entity.parameters_schema as { properties?: Record<string, unknown> } | undefined)?.properties) ?? {});
    for (const key of Object.keys(parameters)) {
      if (!allowed.includes(key)) {
        issues.push({ path: key, message: allowed.length ? `is not a parameter of '${definition.metadata.guid}'; its parameters are: ${allowed.join(", ")}` : `is not a parameter: monitor '${definition.metadata.guid}' defines none (parameters_schema)` });
      }
    }
  }
  if (issues.length) throw new ValidationError(subject, issues);
  return { parameters, thresholds: thresholds as MetricThreshold[] };
}

/**
 * Turns one `POST /v1/data_marts/{dm}/measurements` record into the measurements to write: every key is a metric
 * (a finite number) or a tag (text) of the definition, required ones present. Throws naming every problem.
 */
export function planCustomMeasurements(
  definition: MonitorDefinition,
  subscription: SubscriptionRow,
  configuration: { enabled: boolean; thresholds: MetricThreshold[] } | undefined,
  record: MeasurementCreateRequest,
  path: string,
): NewMeasurement[] {
  const guid = definition.metadata.guid;
  if (!configuration?.enabled) {
    throw new StateError(
      `Monitor '${guid}' is not enabled for subscription '${subscription.guid}': enable it first with ` +
        `\`await subscription.monitoring.enable({ monitor_uid: "${guid}" })\`. Nothing was stored.`,
    );
  }
  const issues: ValidationIssue[] = [];
  const deployment_id = record.deployment_id ?? subscription.deployments[0]?.deployment_id;
  if (deployment_id !== undefined && !subscription.deployments.some((d) => d.deployment_id === deployment_id)) {
    issues.push({ path: `${path}.deployment_id`, message: `'${deployment_id}' is not a deployment of this subscription (${subscription.deployments.map((d) => d.deployment_id).join(", ")})` });
  }
  if (record.timestamp !== undefined && (typeof record.timestamp !== "string" || Number.isNaN(Date.parse(record.timestamp)))) {
    issues.push({ path: `${path}.timestamp`, message: "expected an ISO 8601 date and time, e.g. 2026-12-01T10:00:00Z" });
  }
  if (!Array.isArray(record.metrics) || record.metrics.length === 0) {
    issues.push({ path: `${path}.metrics`, message: "expected metric values, e.g. { sensitivity: 0.67, region: \"us-south\" }" });
    throw new ValidationError(`measurements of monitor '${guid}': nothing was stored`, issues);
  }
  const metricIds = definition.entity.metrics.map((m) => m.id);
  const tagIds = definition.entity.tags.map((t) => t.id);
  const limits = resolveLimits(definition, configuration.thresholds);
  const planned = record.metrics.map((values, j): NewMeasurement | undefined => {
    const at = record.metrics.length === 1 ? `${path}.metrics` : `${path}.metrics[${j}]`;
    if (values === null || typeof values !== "object" || Array.isArray(values)) {
      issues.push({ path: at, message: "expected an object of metric and tag values" });
      return undefined;
    }
    for (const [key, value] of Object.entries(values)) {
      if (key === "timestamp") continue;
      if (metricIds.includes(key)) {
        if (typeof value !== "number" || !Number.isFinite(value)) issues.push({ path: `${at}.${key}`, message: `expected a finite number for metric '${key}', got ${JSON.stringify(value)}` });
      } else if (tagIds.includes(key)) {
        if (typeof value !== "string" || value.includes("\u0000") || value.length > MAX_TAG_LENGTH) issues.push({ path: `${at}.${key}`, message: `expected text (at most ${MAX_TAG_LENGTH} characters, no NUL) for tag '${key}'` });
      } else {
        issues.push({ path: `${at}.${key}`, message: `is neither a metric nor a tag of '${guid}': its metrics are ${metricIds.join(", ")}${tagIds.length ? `; its tags ${tagIds.join(", ")}` : "; it has no tags"} (add it with monitors.add)` });
      }
    }
    for (const m of definition.entity.metrics) if (m.required && !(m.id in values)) issues.push({ path: `${at}.${m.id}`, message: `is missing: metric '${m.id}' is required by '${guid}'` });
    for (const t of definition.entity.tags) if (t.required && !(t.id in values)) issues.push({ path: `${at}.${t.id}`, message: `is missing: tag '${t.id}' is required by '${guid}'` });
    if (!metricIds.some((id) => id in values)) issues.push({ path: at, message: `holds no metric of '${guid}' (${metricIds.join(", ")})` });
    const own = (values as Record<string, unknown>).timestamp;
    return {
      monitor_definition_id: guid,
      subscription,
      deployment_id: deployment_id ?? "",
      ...(typeof own === "string" ? { timestamp: own } : record.timestamp ? { timestamp: record.timestamp } : {}),
      ...(record.process ? { process: record.process } : {}),
      values: metricIds.filter((id) => id in values).map((id) => ({ id, value: values[id] as number })),
      tags: tagIds.filter((id) => id in values).map((id) => ({ id, value: String(values[id]) })),
      sources: record.sources ?? [],
      limits,
    };
  });
  if (issues.length) throw new ValidationError(`measurements of monitor '${guid}': nothing was stored`, issues.slice(0, 20));
  return planned as NewMeasurement[];
}

export async function configurationOf(db: Queryable, subscription_guid: string, monitor: string): Promise<{ enabled: boolean; parameters: Record<string, unknown>; thresholds: MetricThreshold[] } | undefined> {
  const [row] = await db.query<{ enabled: boolean; parameters: Record<string, unknown>; thresholds: MetricThreshold[] }>(
    "SELECT enabled, parameters, thresholds FROM monitor_configurations WHERE subscription_guid = $1 AND monitor = $2",
    [subscription_guid, monitor],
  );
  return row;
}
