/**
 * The explainability half of the local data mart service: the configuration (training statistics kept with the
 * subscription), explanation tasks computed in the background, and v1's `Explanations` table.
 */
import { randomUUID } from "node:crypto";
import type { FieldsValues } from "../engines/adapter";
import { NotFoundError, StateError, ValidationError } from "../errors";
import type { Queryable, Store } from "../store/store";
import { BackgroundWork } from "./background-work";
import type { ExplanationTask, ExplanationTaskRequest } from "./monitor-resources";
import { explain, explainedRow, explanationSeed, type Explanation } from "./monitors/explanation-task";
import { configurationRows, disableConfiguration, setConfiguration, subscriptionRows, type SubscriptionRow } from "./subscription-rows";
import { readTrainingStatistics, storeTrainingStatistics, trainingStatisticsFor } from "./training-statistics";

export interface ExplainabilityContext {
  store(): Promise<Store>;
  subscriptionRow(subscription_uid: string): Promise<SubscriptionRow>;
  score(binding_uid: string, deployment_id: string, payload: FieldsValues): Promise<FieldsValues>;
}

const MONITOR = "explainability";
const ENABLE_HINT = "enable it first, e.g. `await subscription.explainability.enable({ training_data: training_rows })`";

interface ExplanationRow {
  request_id: string;
  subscription_guid: string;
  transaction_id: string;
  asset_id: string;
  asset_type: string;
  deployment_id: string;
  service_binding_id: string;
  explanation: Explanation | null;
  error: { message: string } | null;
  status: ExplanationTask["entity"]["status"]["state"];
  created_by: string;
  created_at: Date | string;
  finished_at: Date | string | null;
}

function toTask(r: ExplanationRow): ExplanationTask {
  const iso = (v: Date | string) => new Date(v).toISOString();
  return {
    metadata: { id: r.request_id, created_at: iso(r.created_at), ...(r.finished_at ? { finished_at: iso(r.finished_at) } : {}) },
    entity: {
      scoring_id: r.transaction_id,
      subscription_id: r.subscription_guid,
      deployment_id: r.deployment_id,
      service_binding_id: r.service_binding_id,
      asset_id: r.asset_id,
      status: { state: r.status, ...(r.error ? { error: r.error } : {}), ...(r.explanation?.cem_error ? { cem_state: "error", cem_error: r.explanation.cem_error } : {}) },
      ...(r.explanation ?? {}),
    },
  };
}

export class LocalExplainability {
  private readonly running = new BackgroundWork();

  constructor(private readonly context: ExplainabilityContext) {}

  /** POST /v1/model_explanation_configurations (PUT …/configurations/explainability): payload logged first, as v1. */
  async configure(subscription_uid: string, enabled: boolean, parameters: Record<string, unknown>): Promise<void> {
    const row = await this.context.subscriptionRow(subscription_uid);
    const store = await this.context.store();
    if (!enabled) return disableConfiguration(store, row.guid, MONITOR);
    const extra = Object.keys(parameters ?? {}).filter((k) => k !== "training_data" && k !== "training_data_statistics");
    if (extra.length) throw new ValidationError("explainability.enable()", extra.map((k) => ({ path: k, message: "is not an option of explainability (training_data, training_data_statistics)" })));
    if (!row.payload_schema) {
      throw new StateError(`Subscription '${row.guid}' has no payload yet: explainability needs a logged payload first (v1's MissingPayload). Score some rows with subscription.score() or payload_logging.store().`);
    }
    if (row.asset_properties.input_data_type && row.asset_properties.input_data_type !== "structured") {
      throw new ValidationError("explainability.enable()", [{ path: "subscription", message: `only structured data is explained here; this subscription's input is ${row.asset_properties.input_data_type}` }]);
    }
    if (row.asset_properties.problem_type === "regression") {
      throw new ValidationError("explainability.enable()", [{ path: "subscription", message: "LIME here explains a classifier's class probability; this subscription is a regression" }]);
    }
    const { statistics, fresh } = await trainingStatisticsFor(store, row, parameters, "explainability.enable()");
    if (!statistics.lime) throw new ValidationError("explainability.enable()", [{ path: "training_data", message: "has no row with every feature: LIME needs complete training rows" }]);
    await store.transaction(async (tx) => {
      if (fresh) await storeTrainingStatistics(tx, row.guid, statistics);
      await setConfiguration(tx, row.guid, MONITOR, true, { training_statistics: { rows: statistics.rows, computed_at: statistics.computed_at, features: Object.keys(statistics.features).length } });
    });
  }

  /** POST /v1/data_marts/{dm}/explanation_tasks: the transaction found and checked now, explained in the background. */
  async createTask(request: ExplanationTaskRequest): Promise<ExplanationTask> {
    const scoring_id = request?.scoring_id;
    if (typeof scoring_id !== "string" || scoring_id.trim() === "") {
      throw new ValidationError("explanation task", [{ path: "scoring_id", message: "expected the payload row's scoring_id, e.g. (await subscription.payload_logging.get_table_content({ limit: 1 }))[0].scoring_id" }]);
    }
    const cem = request.cem === true || request.cem === "true";
    const store = await this.context.store();
    const candidates = request.subscription_id ? [await this.context.subscriptionRow(request.subscription_id)] : await subscriptionRows(store);
    for (const row of candidates) {
      const enabled = (await configurationRows(store, [row.guid])).find((c) => c.monitor === MONITOR)?.enabled;
      if (!enabled) {
        if (request.subscription_id) throw new StateError(`Explainability is not enabled for subscription '${row.guid}': ${ENABLE_HINT}.`);
        continue;
      }
      const target = await explainedRow(store, row, scoring_id);
      if (!target) continue;
      const statistics = await readTrainingStatistics(store, row.guid);
      if (!statistics) throw new StateError(`Subscription '${row.guid}' has no training statistics: ${ENABLE_HINT}.`);
      const id = randomUUID();
      const [created] = await store.query<ExplanationRow>(
        `INSERT INTO explanations (request_id, subscription_guid, transaction_id, asset_id, asset_type, deployment_id, service_binding_id, status, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'in_progress', 'openscale-ts') RETURNING *`,
        [id, row.guid, scoring_id, row.asset.asset_id, row.asset.asset_type, target.deployment_id, row.binding_guid],
      );
      this.running.start(async () => {
        try {
          const seed = explanationSeed(scoring_id);
          const explanation = await explain(target, statistics, row, (payload) => this.context.score(row.binding_guid, target.deployment_id, payload), { cem, seed });
          await store.query("UPDATE explanations SET status = 'finished', explanation = $2, finished_at = now() WHERE request_id = $1", [id, JSON.stringify(explanation)]);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          await store.query("UPDATE explanations SET status = 'error', error = $2, finished_at = now() WHERE request_id = $1", [id, JSON.stringify({ message })]).catch(() => undefined);
        }
      });
      return toTask(created!);
    }
    throw new NotFoundError("transaction", scoring_id, `in the payload of ${request.subscription_id ? `subscription '${request.subscription_id}'` : "any subscription with explainability enabled"}: take a scoring_id from payload_logging.get_table_content().`);
  }

  /** GET /v1/data_marts/{dm}/explanation_tasks/{id} */
  async getTask(request_id: string): Promise<ExplanationTask> {
    const [found] = await (await this.context.store()).query<ExplanationRow>("SELECT * FROM explanations WHERE request_id = $1", [String(request_id)]);
    if (!found) throw new NotFoundError("explanation task", String(request_id), "explainability.run() returns the id; list_explanations() lists them.");
    return toTask(found);
  }

  /** GET /v1/data_marts/{dm}/explanations?subscription_id=…: newest first. */
  async list(query: { subscription_id?: string; limit?: number } = {}): Promise<{ explanations: ExplanationTask[] }> {
    const db: Queryable = await this.context.store();
    const limit = Math.min(1000, Math.max(1, Math.trunc(query.limit ?? 1000)));
    const rows = query.subscription_id
      ? await db.query<ExplanationRow>(`SELECT * FROM explanations WHERE subscription_guid = $1 ORDER BY created_at DESC, request_id LIMIT ${limit}`, [(await this.context.subscriptionRow(query.subscription_id)).guid])
      : await db.query<ExplanationRow>(`SELECT * FROM explanations ORDER BY created_at DESC, request_id LIMIT ${limit}`);
    return { explanations: rows.map(toTask) };
  }

  settle(): Promise<void> {
    return this.running.settle();
  }
}
