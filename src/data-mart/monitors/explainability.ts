import { buildTable, type BarChartInput } from "../../display/index";
import { ValidationError } from "../../errors";
import type { DataMartService } from "../../service/data-mart-service";
import type { ContrastiveExplanation } from "../../metrics/contrastive/index";
import type { ExplanationTask } from "../../service/monitor-resources";
import type { TrainingRows } from "../../service/training-rows";
import type { MonitorConfiguration } from "../../service/resources";
import type { Output } from "../output";
import { disableMonitor } from "./disable-monitor";
import type { SubscriptionRef } from "../subscription-ref";
import { checkKeys, checkLimit } from "../table-options";
import { RUN_TIMEOUT_MS, waitForRun } from "../wait-for-run";

const SUBJECT = "explainability";
/** v1's `Explanations` table columns. */
export const EXPLANATION_COLUMNS = ["request_id", "transaction_id", "asset_id", "asset_type", "deployment_id", "subscription_id", "service_binding_id", "explanation", "error", "status", "created_by", "created_at"];

/**
 * `subscription.explainability`: why did the model decide this? A run explains one payload row (its scoring_id) by
 * LIME, as the reference `lime` package computes it, and with `cem` by a contrastive search: the smallest change
 * that flips the answer and the features that alone keep it. Perturbed rows are scored by the engine in batches.
 */
export class Explainability {
  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
    private readonly subscription: SubscriptionRef,
  ) {}

  /** Turns explanations on (payload must be logged first, as v1): the training data's figures are computed from `training_data` and kept. */
  async enable(options: { training_data?: TrainingRows; training_data_statistics?: unknown } = {}): Promise<MonitorConfiguration> {
    const o = checkKeys(options, ["training_data", "training_data_statistics"], `${SUBJECT}.enable() options`);
    return this.service.setMonitorConfiguration(this.subscription.uid, "explainability", { enabled: true, parameters: { ...o } });
  }

  async disable(): Promise<void> {
    await disableMonitor(this.service, this.subscription.uid, "explainability");
  }

  async get_details(): Promise<MonitorConfiguration> {
    return this.service.getMonitorConfiguration(this.subscription.uid, "explainability");
  }

  /**
   * Explains the payload row `transaction_id` (a scoring_id of the payload table). `cem` (default true, as v1) adds
   * the contrastive explanation. `background_mode: false` (the default, as v1) waits, printing v1's progress lines.
   */
  async run(options: { transaction_id: string; background_mode?: boolean; cem?: boolean }): Promise<ExplanationTask> {
    const o = checkKeys(options, ["transaction_id", "background_mode", "cem"], `${SUBJECT}.run() options`);
    for (const key of ["background_mode", "cem"] as const) {
      if (o[key] !== undefined && typeof o[key] !== "boolean") throw new ValidationError(`${SUBJECT}.run() options`, [{ path: key, message: "expected true or false" }]);
    }
    const scoring_id = o.transaction_id;
    if (typeof scoring_id !== "string" || scoring_id.trim() === "") {
      throw new ValidationError(`${SUBJECT}.run() options`, [{ path: "transaction_id", message: "expected a payload row's scoring_id, e.g. (await subscription.payload_logging.get_table_content({ limit: 1 }))[0].scoring_id" }]);
    }
    const task = await this.service.createExplanationTask({ scoring_id, cem: o.cem !== false, subscription_id: this.subscription.uid });
    if (o.background_mode === true) return task;
    return this.wait(task, scoring_id);
  }

  /** One explanation task, or this subscription's explanations (newest first). */
  async get_run_details(run_uid?: string): Promise<ExplanationTask | { explanations: ExplanationTask[] }> {
    if (run_uid === undefined) return this.service.listExplanations({ subscription_id: this.subscription.uid });
    return this.service.getExplanationTask(run_uid);
  }

  /** v1's list of explanations: one row per explanation, its features sorted by weight. */
  async list_explanations(options: { limit?: number } = {}): Promise<void> {
    const o = checkKeys(options, ["limit"], `${SUBJECT}.list_explanations() options`);
    const limit = checkLimit(o.limit, `${SUBJECT}.list_explanations() options`);
    const { explanations } = await this.service.listExplanations({ subscription_id: this.subscription.uid, ...(limit ? { limit } : {}) });
    const records = explanations.map((e) => ({
      transaction_id: e.entity.scoring_id,
      status: e.entity.status.state,
      prediction: e.entity.predictions?.[0]?.value ?? null,
      probability: e.entity.predictions?.[0]?.probability ?? null,
      features: (e.entity.predictions?.[0]?.explanation_features ?? []).map((f) => `${f.feature_range} (${f.weight >= 0 ? "+" : ""}${f.weight.toFixed(3)})`).join("; "),
      created_at: e.metadata.created_at,
    }));
    this.output.table(buildTable({ title: `Explanations (subscription_id=${this.subscription.uid})`, columns: ["transaction_id", "status", "prediction", "probability", "features", "created_at"], records, sort_by: "none" }));
  }

  /** v1's `Explanations` table as rows. */
  async get_table_content(options: { limit?: number } = {}): Promise<Record<string, unknown>[]> {
    const o = checkKeys(options, ["limit"], `${SUBJECT}.get_table_content() options`);
    const limit = checkLimit(o.limit, `${SUBJECT}.get_table_content() options`);
    const { explanations } = await this.service.listExplanations({ subscription_id: this.subscription.uid, ...(limit ? { limit } : {}) });
    return explanations.map((e) => {
      const { scoring_id, subscription_id, deployment_id, service_binding_id, asset_id, status, ...explanation } = e.entity;
      return { request_id: e.metadata.id, transaction_id: scoring_id, asset_id, asset_type: "model", deployment_id, subscription_id, service_binding_id, explanation, error: status.error ?? null, status: status.state, created_by: "openscale-ts", created_at: e.metadata.created_at };
    });
  }

  /** The explanation's weights as a signed bar chart, and the contrastive result as a table (beyond v1's text). */
  async show(run: ExplanationTask | string): Promise<void> {
    const task = typeof run === "string" ? await this.service.getExplanationTask(run) : await this.service.getExplanationTask(run.metadata.id);
    const prediction = task.entity.predictions?.[0];
    if (!prediction) {
      this.output.print(`Explanation ${task.metadata.id} is ${task.entity.status.state}${task.entity.status.error ? `: ${task.entity.status.error.message}` : ""}.`);
      return;
    }
    const chart: BarChartInput = {
      title: `LIME explanation of ${task.entity.scoring_id}: ${String(prediction.value)} (probability ${prediction.probability.toFixed(3)})`,
      group: ["feature", "effect"],
      measure: "LIME weight",
      rows: prediction.explanation_features.map((f) => [f.feature_range, f.weight >= 0 ? `raises P(${String(prediction.value)})` : `lowers P(${String(prediction.value)})`, f.weight]),
    };
    this.output.chart(chart);
    const contrastive = task.entity.contrastive as ContrastiveExplanation | undefined;
    if (contrastive) {
      const pn = contrastive.pertinent_negative;
      const pp = contrastive.pertinent_positive;
      this.output.table({
        title: pn.found ? `Contrastive: the smallest change that makes it ${String(pn.target_class)}` : `Contrastive: ${pn.reason}`,
        columns: ["feature", "value", "changed to"],
        rows: pn.found ? pn.changes.map((c) => [c.feature, c.from, c.to]) : [],
        note: `${pp.found ? (pp.kept.length ? `Pertinent positive: ${pp.kept.map((k) => `${k.feature}=${String(k.value)}`).join(", ")} alone keep${pp.kept.length === 1 ? "s" : ""} ${String(contrastive.predicted_class)} (the other features at their training median or most frequent value)` : `Pertinent positive: none needed (a row at the training medians and most frequent values is ${String(contrastive.predicted_class)} already)`) : `Pertinent positive: ${pp.reason}`}; ${contrastive.engine_calls} engine calls`,
      });
    }
  }

  private async wait(task: ExplanationTask, transaction_id: string): Promise<ExplanationTask> {
    let latest = task;
    const read = async () => {
      latest = await this.service.getExplanationTask(task.metadata.id);
      return { status: latest.entity.status.state as string, ...latest.entity.status };
    };
    await waitForRun(`Looking for explanation for ${transaction_id}`, this.output.print, read, RUN_TIMEOUT_MS, { running: "in_progress", success: "finished" }, (d) =>
      d.cem_error ? `Partially successfully finished run, cem_error="${d.cem_error}"` : "Successfully finished run",
    );
    return latest;
  }
}
