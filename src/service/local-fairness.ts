/**
 * The fairness half of the local data mart service: the fairness configuration (checked against the subscription's
 * columns and the labels its model returns), fairness runs, and debiased scoring.
 */
import { randomUUID } from "node:crypto";
import type { FieldsValues } from "../engines/adapter";
import { StateError } from "../errors";
import { quoteName, type Queryable, type Store } from "../store/store";
import type { DebiasedScoringOutcome, FairnessRun, MonitorRun } from "./monitor-resources";
import { checkFairnessConfiguration, type FairnessParameters } from "./monitors/fairness-config";
import { debiasedScoring, inModelOrder } from "./monitors/debias";
import { evaluateFairness, featureOrder } from "./monitors/fairness-run";
import type { MonitorRuns } from "./monitors/runs";
import { ensureDebiasedColumns } from "./payload-debiased-columns";
import { knownPayloadSchema } from "./subscription-rows";
import type { ScoringPayloadOutcome, ScoringPayloadRecord } from "./resources";
import { configurationRows, disableConfiguration, setConfiguration, type SubscriptionRow } from "./subscription-rows";

export interface FairnessContext {
  store(): Promise<Store>;
  subscriptionRow(subscription_uid: string): Promise<SubscriptionRow>;
  score(binding_uid: string, deployment_id: string, payload: FieldsValues): Promise<FieldsValues>;
  storePayloads(records: ScoringPayloadRecord[]): Promise<ScoringPayloadOutcome>;
}

const MONITOR = "fairness_monitoring";
const ENABLE_HINT =
  'enable it first, e.g. `await subscription.fairness_monitoring.enable({ features: [new Feature({ name: "Sex", majority: ["male"], minority: ["female"], threshold: 0.95 })], ' +
  'favourable_classes: ["No Risk"], unfavourable_classes: ["Risk"], min_records: 200, training_data: training_rows })`';

const STATUS = { running: "RUNNING", completed: "FINISHED", failed: "FINISHED WITH ERRORS" } as const;

function toFairnessRun(run: MonitorRun): FairnessRun {
  return { ...run, status: STATUS[run.status], ...(run.error ? { last_run_info_code: run.error.message } : {}) };
}

export class LocalFairness {
  constructor(
    private readonly context: FairnessContext,
    private readonly runs: MonitorRuns,
  ) {}

  /** PUT …/configurations/fairness_monitoring (v1 POST /v1/fairness_monitoring): checked, then stored with payload logging on. */
  async configure(subscription_uid: string, enabled: boolean, parameters: Record<string, unknown>): Promise<void> {
    const row = await this.context.subscriptionRow(subscription_uid);
    const store = await this.context.store();
    if (!enabled) return disableConfiguration(store, row.guid, MONITOR);
    const checked = checkFairnessConfiguration(row, parameters, await this.knownLabels(store, row));
    await store.transaction(async (tx) => {
      await setConfiguration(tx, row.guid, MONITOR, true, checked as unknown as Record<string, unknown>);
      const logging = (await configurationRows(tx, [row.guid])).find((c) => c.monitor === "payload_logging");
      if (!logging?.enabled) await setConfiguration(tx, row.guid, "payload_logging", true, logging?.parameters ?? {});
      await ensureDebiasedColumns(tx, row);
    });
  }

  /** POST /v1/fairness_monitoring/{s}/runs: checked now, computed in the background; poll getRun. */
  async createRun(subscription_uid: string): Promise<FairnessRun> {
    const row = await this.context.subscriptionRow(subscription_uid);
    const store = await this.context.store();
    const parameters = await this.enabledParameters(store, row, "run a fairness check");
    const run = await this.runs.start(store, row, "fairness", { deployment_id: parameters.deployment_id, min_records: parameters.min_records }, () =>
      evaluateFairness({ db: store, row, parameters, score: (deployment_id, payload) => this.context.score(row.binding_guid, deployment_id, payload) }),
    );
    return toFairnessRun(run);
  }

  async getRun(subscription_uid: string, run_id: string): Promise<FairnessRun> {
    const row = await this.context.subscriptionRow(subscription_uid);
    return toFairnessRun(await this.runs.get(await this.context.store(), row, "fairness", run_id));
  }

  /** GET /v1/fairness_monitoring?asset_id=…: the subscription's fairness runs, newest first. */
  async listRuns(subscription_uid: string): Promise<{ runs: FairnessRun[] }> {
    const row = await this.context.subscriptionRow(subscription_uid);
    return { runs: (await this.runs.list(await this.context.store(), row, "fairness")).map(toFairnessRun) };
  }

  /** POST …/subscriptions/{s}/deployments/{d}/online: scores with debiasing, and logs the answer with its debiased columns. */
  async debias(subscription_uid: string, payload: FieldsValues, deployment_id?: string): Promise<DebiasedScoringOutcome> {
    const row = await this.context.subscriptionRow(subscription_uid);
    const store = await this.context.store();
    const parameters = await this.enabledParameters(store, row, "score with debiasing");
    const deployment = deployment_id ?? parameters.deployment_id;
    if (!row.deployments.some((d) => d.deployment_id === deployment)) {
      throw new StateError(`'${deployment}' is not a deployment of subscription '${row.guid}'; its deployments: ${row.deployments.map((d) => d.deployment_id).join(", ")}`);
    }
    const features = featureOrder(row, knownPayloadSchema(row).fields).map((f) => f.name);
    const rows = inModelOrder(payload, features, "fairness_monitoring.debias() payload");
    const started = performance.now();
    const answer = await debiasedScoring(rows, parameters, row.asset_properties, (p) => this.context.score(row.binding_guid, deployment, p));
    const response_time = Math.round(performance.now() - started);
    const outcome: DebiasedScoringOutcome = { fields: answer.fields, values: answer.values, debiased_rows: answer.debiased_rows };
    const logging = (await configurationRows(store, [row.guid])).find((c) => c.monitor === "payload_logging");
    if (!logging?.enabled) return outcome;
    const scoring_id = randomUUID();
    const response = { fields: answer.fields, values: answer.values };
    // A table made by an earlier payload gains the debiased columns; a first payload makes them itself.
    await store.transaction((tx) => ensureDebiasedColumns(tx, row));
    await this.context.storePayloads([{ subscription_id: row.guid, deployment_id: deployment, request: rows, response, response_time, scoring_id }]);
    return { ...outcome, scoring_id };
  }

  private async configuration(db: Queryable, row: SubscriptionRow) {
    return (await configurationRows(db, [row.guid])).find((c) => c.monitor === MONITOR);
  }

  private async enabledParameters(db: Queryable, row: SubscriptionRow, what: string): Promise<FairnessParameters> {
    const configuration = await this.configuration(db, row);
    if (!configuration?.enabled) throw new StateError(`Fairness monitoring is not enabled for subscription '${row.guid}', so it cannot ${what}: ${ENABLE_HINT}.`);
    return configuration.parameters as unknown as FairnessParameters;
  }

  /** Labels the model is known to return: the subscription's class_labels and the predictions logged so far. */
  private async knownLabels(db: Queryable, row: SubscriptionRow): Promise<Set<string>> {
    const labels = new Set((row.asset_properties.class_labels ?? []).map(String));
    const prediction = row.payload_schema?.find((f) => f.name === row.asset_properties.prediction_field);
    if (prediction) {
      const found = await db.query<{ label: unknown }>(`SELECT DISTINCT ${quoteName(prediction.name)} AS label FROM ${quoteName(row.payload_table)} WHERE ${quoteName(prediction.name)} IS NOT NULL LIMIT 1000`);
      for (const r of found) labels.add(String(r.label));
    }
    return labels;
  }
}
