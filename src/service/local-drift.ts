/**
 * The drift half of the local data mart service: the drift configuration (v1 `drift_configurations`), its training
 * statistics, the drift model's training state, and drift runs (v1 `drift_tasks`).
 */
import { randomUUID } from "node:crypto";
import type { FieldsValues } from "../engines/adapter";
import { StateError, ValidationError } from "../errors";
import type { DriftModel } from "../metrics/drift-model";
import type { Queryable, Store } from "../store/store";
import { BackgroundWork } from "./background-work";
import type { MonitorRun } from "./monitor-resources";
import { checkDriftConfiguration, type DriftParameters } from "./monitors/drift-config";
import { readDriftModelArchive, writeDriftModelArchive } from "./monitors/drift-model-archive";
import { predictedAccuracy, trainOnEngine } from "./monitors/drift-model-training";
import { evaluateDrift } from "./monitors/drift-run";
import type { TrainingRows } from "./training-rows";
import type { MonitorRuns } from "./monitors/runs";
import { configurationRows, disableConfiguration, setConfiguration, type SubscriptionRow } from "./subscription-rows";
import { readTrainingStatistics, storeTrainingStatistics, trainingStatisticsFor } from "./training-statistics";

export interface DriftContext {
  store(): Promise<Store>;
  subscriptionRow(subscription_uid: string): Promise<SubscriptionRow>;
  score(binding_uid: string, deployment_id: string, payload: FieldsValues): Promise<FieldsValues>;
}

/** The stored configuration: v1's parameters, and the drift model once trained. */
type StoredDrift = DriftParameters & { drift_model?: DriftModel; training_id?: string };

const MONITOR = "drift_monitoring";
const ENABLE_HINT = "enable it first, e.g. `await subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 200, training_data: training_rows })`";

export class LocalDrift {
  private readonly training = new BackgroundWork();

  constructor(
    private readonly context: DriftContext,
    private readonly runs: MonitorRuns,
  ) {}

  /** POST …/subscriptions/{s}/drift_configurations: checked, training statistics kept, then stored. */
  async configure(subscription_uid: string, enabled: boolean, parameters: Record<string, unknown>): Promise<void> {
    const row = await this.context.subscriptionRow(subscription_uid);
    const store = await this.context.store();
    if (!enabled) return disableConfiguration(store, row.guid, MONITOR);
    const checked = checkDriftConfiguration(row, parameters);
    const { statistics, fresh } = await trainingStatisticsFor(store, row, parameters, "drift_monitoring.enable()");
    const training_id = checked.train_drift_model ? randomUUID() : undefined;
    // Enabled again without training rows: the drift model trained before (if any) is kept.
    const kept = training_id ? undefined : ((await this.configuration(store, row))?.parameters as unknown as StoredDrift | undefined);
    const stored: StoredDrift = {
      ...checked.parameters,
      config_status: training_id ? { state: "in_progress", model_name: null } : kept?.drift_model ? kept.config_status : { state: "finished", model_name: null },
      ...(training_id ? { training_id } : {}),
      ...(kept?.drift_model ? { drift_model: kept.drift_model, model_drift_enabled: true } : {}),
    };
    await store.transaction(async (tx) => {
      if (fresh) await storeTrainingStatistics(tx, row.guid, statistics);
      await setConfiguration(tx, row.guid, MONITOR, true, stored as unknown as Record<string, unknown>);
    });
    if (training_id) this.train(row, stored, parameters.training_data as TrainingRows);
  }

  /**
   * Trains the drift model in the background (v1: `config_status.state` in_progress, then finished or error): the
   * training rows are scored by the engine in batches and the model stored with the configuration, unless the
   * configuration changed meanwhile (a later enable or disable wins).
   */
  private train(row: SubscriptionRow, stored: StoredDrift, rows: TrainingRows): void {
    this.training.start(async () => {
      let outcome: Partial<StoredDrift>;
      try {
        const { model, tally } = await trainOnEngine(row, rows, (payload) => this.context.score(row.binding_guid, stored.deployment_id, payload));
        outcome = {
          drift_model: model,
          model_drift_enabled: true,
          config_status: { state: "finished", model_name: "drift detection model (logistic regression)", message: `trained on ${model.training_rows} rows scored in ${tally.engine_calls} engine calls; model accuracy ${model.model_accuracy.toFixed(3)}, drift model holdout accuracy ${model.drift_model_holdout_accuracy.toFixed(3)}` },
        };
      } catch (error) {
        outcome = { config_status: { state: "error", model_name: null, message: `the drift model could not be trained: ${error instanceof Error ? error.message : String(error)}` } };
      }
      const store = await this.context.store().catch(() => undefined);
      if (!store) return;
      await store.transaction(async (tx) => {
        const current = (await configurationRows(tx, [row.guid])).find((c) => c.monitor === MONITOR);
        if (!current?.enabled || (current.parameters as unknown as StoredDrift).training_id !== stored.training_id) return;
        await setConfiguration(tx, row.guid, MONITOR, true, { ...(current.parameters as Record<string, unknown>), ...outcome });
      }).catch(() => undefined); // the store closed under the training
    });
  }

  settle(): Promise<void> {
    return this.training.settle();
  }

  /** PUT …/subscriptions/{s}/models/drift (v1, octet-stream): a drift model trained elsewhere, checked, then kept for enable(). */
  async uploadModel(subscription_uid: string, archive: Uint8Array): Promise<void> {
    const row = await this.context.subscriptionRow(subscription_uid);
    if (!(archive instanceof Uint8Array)) throw new ValidationError("drift model upload", [{ path: "model", message: "expected the archive's bytes" }]);
    const model = readDriftModelArchive(Buffer.from(archive));
    const features = new Set(row.asset_properties.feature_fields ?? []);
    const foreign = model.inputs.filter((i) => !features.has(i.name)).map((i) => i.name);
    if (foreign.length) throw new ValidationError("drift model upload", [{ path: "drift_model.json.inputs", message: `names ${foreign.join(", ")}, which this subscription does not have as features: the model was trained for another one` }]);
    const store = await this.context.store();
    const current = await this.configuration(store, row);
    const status = { state: "finished", model_name: "uploaded drift detection model", message: `trained on ${model.training_rows} rows; model accuracy ${model.model_accuracy.toFixed(3)}` };
    await setConfiguration(store, row.guid, MONITOR, current?.enabled ?? false, { ...((current?.parameters ?? {}) as Record<string, unknown>), drift_model: model, model_drift_enabled: true, config_status: status, training_id: null });
  }

  /** GET …/subscriptions/{s}/models/drift (beyond v1): the trained drift model as a .tar.gz another data mart can upload. */
  async downloadModel(subscription_uid: string): Promise<Uint8Array> {
    const row = await this.context.subscriptionRow(subscription_uid);
    const model = ((await this.configuration(await this.context.store(), row))?.parameters as unknown as StoredDrift | undefined)?.drift_model;
    if (!model) throw new StateError(`Subscription '${row.guid}' has no drift model: enable drift monitoring with training_data and wait for config_status 'finished'.`);
    return writeDriftModelArchive(model);
  }

  /** POST …/subscriptions/{s}/drift_tasks: checked now, computed in the background; poll getRun. */
  async createRun(subscription_uid: string): Promise<MonitorRun> {
    const row = await this.context.subscriptionRow(subscription_uid);
    const store = await this.context.store();
    const configuration = await this.configuration(store, row);
    if (!configuration?.enabled) throw new StateError(`Drift monitoring is not enabled for subscription '${row.guid}': ${ENABLE_HINT}.`);
    const parameters = configuration.parameters as unknown as StoredDrift;
    const model = parameters.drift_model;
    if (parameters.config_status.state === "new" || parameters.config_status.state === "in_progress") {
      throw new StateError(`The drift model of subscription '${row.guid}' is still being trained (state '${parameters.config_status.state}'): run again when get_details() says 'finished'.`);
    }
    const statistics = await readTrainingStatistics(store, row.guid);
    if (!statistics) throw new StateError(`Subscription '${row.guid}' has no training statistics: ${ENABLE_HINT}.`);
    const [previous] = (await this.runs.list(store, row, "drift", 20)).filter((r) => r.status === "completed" && r.statistics?.window_newest_ms !== undefined);
    const previousNewest = previous ? new Date(previous.statistics!.window_newest_ms!).toISOString() : undefined;
    return this.runs.start(store, row, "drift", { deployment_id: parameters.deployment_id, min_samples: parameters.min_samples }, () =>
      evaluateDrift({
        db: store,
        row,
        parameters,
        statistics,
        ...(previousNewest ? { previousNewest } : {}),
        ...(model ? { predictAccuracy: async (spec) => ({ predicted_accuracy: await predictedAccuracy(store, row, spec, model), model_accuracy: model.model_accuracy }) } : {}),
      }),
    );
  }

  async getRun(subscription_uid: string, run_id: string): Promise<MonitorRun> {
    const row = await this.context.subscriptionRow(subscription_uid);
    return this.runs.get(await this.context.store(), row, "drift", run_id);
  }

  async listRuns(subscription_uid: string): Promise<{ runs: MonitorRun[] }> {
    const row = await this.context.subscriptionRow(subscription_uid);
    return { runs: await this.runs.list(await this.context.store(), row, "drift") };
  }

  private async configuration(db: Queryable, row: SubscriptionRow) {
    return (await configurationRows(db, [row.guid])).find((c) => c.monitor === MONITOR);
  }
}
