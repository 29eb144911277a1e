/**
 * The drift half of the local data mart service: the drift configuration (v1 `drift_configurations`), its training
 * statistics, the drift model's training state, and drift runs (v1 `drift_tasks`).
 */
import { StateError } from "../errors";
import type { Queryable, Store } from "../store/store";
import type { MonitorRun } from "./monitor-resources";
import { checkDriftConfiguration, type DriftParameters } from "./monitors/drift-config";
import { evaluateDrift } from "./monitors/drift-run";
import type { MonitorRuns } from "./monitors/runs";
import { configurationRows, setConfiguration, type SubscriptionRow } from "./subscription-rows";
import { readTrainingStatistics, storeTrainingStatistics, trainingStatisticsFor } from "./training-statistics";

export interface DriftContext {
  store(): Promise<Store>;
  subscriptionRow(subscription_uid: string): Promise<SubscriptionRow>;
}

const MONITOR = "drift_monitoring";
const ENABLE_HINT = "enable it first, e.g. `await subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 200, training_data: training_rows })`";

export class LocalDrift {
  constructor(
    private readonly context: DriftContext,
    private readonly runs: MonitorRuns,
  ) {}

  /** POST …/subscriptions/{s}/drift_configurations: checked, training statistics kept, then stored. */
  async configure(subscription_uid: string, enabled: boolean, parameters: Record<string, unknown>): Promise<void> {
    const row = await this.context.subscriptionRow(subscription_uid);
    const store = await this.context.store();
    if (!enabled) {
      const current = await this.configuration(store, row);
      await setConfiguration(store, row.guid, MONITOR, false, (current?.parameters ?? {}) as Record<string, unknown>);
      return;
    }
    const checked = checkDriftConfiguration(row, parameters);
    const { statistics, fresh } = await trainingStatisticsFor(store, row, parameters, "drift_monitoring.enable()");
    await store.transaction(async (tx) => {
      if (fresh) await storeTrainingStatistics(tx, row.guid, statistics);
      // TODO(drift model): train in the background when checked.train_drift_model; until then data and feature drift only.
      const parameters = { ...checked.parameters, config_status: { state: "finished", model_name: null } };
      await setConfiguration(tx, row.guid, MONITOR, true, parameters as unknown as Record<string, unknown>);
    });
  }

  /** POST …/subscriptions/{s}/drift_tasks: checked now, computed in the background; poll getRun. */
  async createRun(subscription_uid: string): Promise<MonitorRun> {
    const row = await this.context.subscriptionRow(subscription_uid);
    const store = await this.context.store();
    const configuration = await this.configuration(store, row);
    if (!configuration?.enabled) throw new StateError(`Drift monitoring is not enabled for subscription '${row.guid}': ${ENABLE_HINT}.`);
    const parameters = configuration.parameters as unknown as DriftParameters;
    if (parameters.config_status.state === "new" || parameters.config_status.state === "in_progress") {
      throw new StateError(`The drift model of subscription '${row.guid}' is still being trained (state '${parameters.config_status.state}'): run again when get_details() says 'finished'.`);
    }
    const statistics = await readTrainingStatistics(store, row.guid);
    if (!statistics) throw new StateError(`Subscription '${row.guid}' has no training statistics: ${ENABLE_HINT}.`);
    const [previous] = (await this.runs.list(store, row, "drift", 20)).filter((r) => r.status === "completed" && r.statistics?.window_newest_ms !== undefined);
    const previousNewest = previous ? new Date(previous.statistics!.window_newest_ms!).toISOString() : undefined;
    return this.runs.start(store, row, "drift", { deployment_id: parameters.deployment_id, min_samples: parameters.min_samples }, () =>
      evaluateDrift({ db: store, row, parameters, statistics, ...(previousNewest ? { previousNewest } : {}) }),
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
