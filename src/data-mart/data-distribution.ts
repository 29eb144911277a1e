import { z } from "zod";
import { StateError, ValidationError } from "../errors";
import { distributionFields, parseDistribution } from "../service/data-distribution";
import type { DataMartService } from "../service/data-mart-service";
import type { DataDistributionRun } from "../service/resources";
import type { Output } from "./output";
import type { SubscriptionRef } from "./subscription-ref";
import type { TableContentFormat } from "./payload-logging";
import { checkKeys, toObjects } from "./table-options";
import { waitForRun } from "./wait-for-run";

/** Options of `data_distribution.run()`, as in the v1 SDK. */
export interface DataDistributionRunOptions {
  /** One or two columns to group by, e.g. `["Scored Labels", "Sex"]`. */
  group: string[];
  /** Earliest scoring time counted. @default the subscription's creation time */
  start_date?: string | Date;
  /** Latest scoring time counted. @default now */
  end_date?: string | Date;
  /** `"count"` and `"<column>:<sum|min|max|avg|stddev|count>"`. @default ["count"] */
  agg?: string[];
  /** `"Age:gt:30,Sex:in:[male,female]"`: operators eq, neq, gt, gte, lt, lte, in. */
  filter?: string;
  /** Groups returned at most. */
  limit?: number;
  /** Bins numeric group columns into this many equal-width ranges. */
  max_bins?: number;
  /** Return at once with the run id instead of waiting (and printing) until the run ends. @default false */
  background_mode?: boolean;
}

const time = z
  .union([z.string(), z.date()], { error: "expected an ISO 8601 time such as '2026-11-25T10:00:00Z', or a Date" })
  .refine((t) => !Number.isNaN((t instanceof Date ? t : new Date(t)).getTime()), "is not a time: use ISO 8601, such as '2026-11-25T10:00:00Z', or a valid Date");

const runOptions = z.strictObject(
  {
    group: distributionFields.group,
    start_date: time.optional(),
    end_date: time.optional(),
    agg: distributionFields.agg.optional(),
    filter: distributionFields.filter.optional(),
    limit: distributionFields.limit.optional(),
    max_bins: distributionFields.max_bins.optional(),
    background_mode: z.boolean({ error: "expected true or false" }).optional(),
  },
  { error: "expected an options object, e.g. { group: ['Scored Labels', 'Sex'], agg: ['count'] }" },
);

/** `payload_logging.data_distribution`: counts and aggregates of logged columns, grouped, computed in the database. */
export class DataDistribution {
  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
    private readonly subscription: SubscriptionRef,
    /** The table counted: the payload (`payload_logging.data_distribution`) or the feedback (`feedback_logging.data_distribution`). */
    private readonly dataset: "payload" | "feedback" = "payload",
  ) {}

  /** Starts a distribution run and (unless `background_mode`) waits for it, printing its progress; returns its details. */
  async run(options: DataDistributionRunOptions): Promise<DataDistributionRun> {
    const o: DataDistributionRunOptions = parseDistribution(runOptions, options, "data_distribution.run() options");
    const start = o.start_date ?? (await this.service.getSubscription(this.subscription.uid)).metadata.created_at;
    const { id } = await this.service.createDataDistribution(this.subscription.uid, {
      dataset: this.dataset,
      start: toIso(start),
      end: toIso(o.end_date ?? new Date()),
      group: o.group,
      ...(o.agg !== undefined ? { agg: o.agg } : {}),
      ...(o.filter !== undefined ? { filter: o.filter } : {}),
      ...(o.limit !== undefined ? { limit: o.limit } : {}),
      ...(o.max_bins !== undefined ? { max_bins: o.max_bins } : {}),
    });
    if (o.background_mode) return this.get_run_details(id);
    return waitForRun(`Waiting for end of data distribution run ${id}`, this.output.print, () => this.get_run_details(id));
  }

  /** `{id, status, group, agg, distribution: {fields, values}, error?}`. */
  async get_run_details(run_id: string): Promise<DataDistributionRun> {
    return this.service.getDataDistribution(this.subscription.uid, run_id);
  }

  /** The distribution as rows (objects; `"pandas"` means the same) or `{fields, values}` (`format: "python"`). */
  async get_run_result(options: { run_id: string; format?: TableContentFormat }): Promise<Record<string, unknown>[] | { fields: string[]; values: unknown[][] }> {
    const o = checkKeys(options, ["run_id", "format"], "data_distribution.get_run_result() options");
    const format = (o.format ?? "objects") as TableContentFormat;
    if (!["objects", "pandas", "python"].includes(format)) {
      throw new ValidationError("data_distribution.get_run_result() options", [{ path: "format", message: `Unsupported format chosen: '${String(format)}'. Use 'objects', 'pandas' or 'python'` }]);
    }
    const { distribution } = await this.completed(String(o.run_id));
    return format === "python" ? distribution : toObjects(distribution.fields, distribution.values);
  }

  /**
   * Draws the distribution, one chart per aggregation (`count by Sex`, `Age:avg by Sex`, each with its own axis):
   * horizontal bars for one group column, stacked bars for two (inline SVG in a notebook, text bars elsewhere).
   */
  async show_chart(run_id: string): Promise<void> {
    const run = await this.completed(run_id);
    const groups = run.group.length;
    const { fields, values } = run.distribution;
    fields.slice(groups).forEach((measure, k) => {
      this.output.chart({
        title: `${measure} by ${run.group.join(" and ")}`,
        group: run.group,
        measure,
        rows: values.map((row) => [...row.slice(0, groups), row[groups + k]]),
      });
    });
  }

  /** Shows the distribution as a table, one row per group (an HTML table in a notebook, a text table elsewhere). */
  async show_table(run_id: string): Promise<void> {
    const run = await this.completed(run_id);
    const { fields, values } = run.distribution;
    this.output.table({
      title: `Data distribution: ${fields.slice(run.group.length).join(", ")} by ${run.group.join(" and ")}`,
      columns: [...fields],
      rows: values.map((row) => [...row]),
    });
  }

  private async completed(run_id: string): Promise<DataDistributionRun & { distribution: NonNullable<DataDistributionRun["distribution"]> }> {
    const run = await this.get_run_details(run_id);
    if (run.status !== "completed" || !run.distribution) {
      throw new StateError(`Run status is not completed: ${run.status}${run.error ? ` (${run.error.message})` : ""}.`);
    }
    return run as DataDistributionRun & { distribution: NonNullable<DataDistributionRun["distribution"]> };
  }
}

/** A time checked by runOptions, as ISO 8601. */
function toIso(value: string | Date): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
