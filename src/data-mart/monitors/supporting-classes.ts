/**
 * v1's supporting classes of custom monitors: `Metric` and `Tag` (what a monitor definition measures and labels),
 * `Threshold` (a subscription's limit on a metric) and `MeasurementRecord` (one set of values to store). Options are
 * checked when the object is made, so a bad one fails where it is written.
 */
import { z } from "zod";
import { ValidationError } from "../../errors";
import type { MeasurementSource, MetricThreshold, MonitorDefinitionCreateRequest } from "../../service/monitor-resources";
import { parseOrThrow } from "../../validation";

const finite = z.number({ error: "expected a number" }).refine(Number.isFinite, "expected a finite number");
const name = z.string({ error: "expected a name (text)" }).trim().min(1, "expected a name, not empty");

const metricOptions = z.strictObject({
  name,
  lower_limit_default: finite.optional(),
  upper_limit_default: finite.optional(),
  required: z.boolean({ error: "expected true or false" }).optional(),
  expected_direction: z.enum(["increasing", "decreasing"], { error: "expected 'increasing' or 'decreasing'" }).optional(),
});

/** A metric of a custom monitor, with optional default limits: `new Metric({ name: "sensitivity", lower_limit_default: 0.8 })`. */
export class Metric {
  readonly name: string;
  readonly lower_limit_default?: number;
  readonly upper_limit_default?: number;
  /** A measurement must hold this metric. @default true */
  readonly required: boolean;
  readonly expected_direction?: "increasing" | "decreasing";

  constructor(options: z.input<typeof metricOptions>) {
    const o = parseOrThrow(metricOptions, options, "Metric options");
    if (o.lower_limit_default !== undefined && o.upper_limit_default !== undefined && o.lower_limit_default > o.upper_limit_default) {
      throw new ValidationError("Metric options", [{ path: "lower_limit_default", message: `is above upper_limit_default (${o.upper_limit_default}): no value could meet both` }]);
    }
    this.name = o.name;
    if (o.lower_limit_default !== undefined) this.lower_limit_default = o.lower_limit_default;
    if (o.upper_limit_default !== undefined) this.upper_limit_default = o.upper_limit_default;
    this.required = o.required ?? true;
    if (o.expected_direction) this.expected_direction = o.expected_direction;
  }

  /** The metric as `POST …/monitor_definitions` sends it. */
  to_json(): MonitorDefinitionCreateRequest["metrics"][number] {
    return {
      name: this.name,
      required: this.required,
      ...(this.expected_direction ? { expected_direction: this.expected_direction } : {}),
      thresholds: [
        ...(this.lower_limit_default !== undefined ? [{ type: "lower_limit" as const, default: this.lower_limit_default }] : []),
        ...(this.upper_limit_default !== undefined ? [{ type: "upper_limit" as const, default: this.upper_limit_default }] : []),
      ],
    };
  }
}

const tagOptions = z.strictObject({
  name,
  description: z.string({ error: "expected text" }).optional(),
  required: z.boolean({ error: "expected true or false" }).optional(),
});

/** A tag every measurement of a custom monitor carries: `new Tag({ name: "region" })`. */
export class Tag {
  readonly name: string;
  readonly description?: string;
  /** A measurement must hold this tag. @default true */
  readonly required: boolean;

  constructor(options: z.input<typeof tagOptions>) {
    const o = parseOrThrow(tagOptions, options, "Tag options");
    this.name = o.name;
    if (o.description !== undefined) this.description = o.description;
    this.required = o.required ?? true;
  }

  to_json(): NonNullable<MonitorDefinitionCreateRequest["tags"]>[number] {
    return { name: this.name, ...(this.description !== undefined ? { description: this.description } : {}), required: this.required };
  }
}

const thresholdOptions = z.strictObject({ metric_uid: name, lower_limit: finite.optional(), upper_limit: finite.optional() });

/** A subscription's limit on one metric of a monitor: `new Threshold({ metric_uid: "sensitivity", lower_limit: 0.9 })`. */
export class Threshold {
  readonly metric_uid: string;
  readonly lower_limit?: number;
  readonly upper_limit?: number;

  constructor(options: z.input<typeof thresholdOptions>) {
    const o = parseOrThrow(thresholdOptions, options, "Threshold options");
    if (o.lower_limit === undefined && o.upper_limit === undefined) {
      throw new ValidationError("Threshold options", [{ path: "lower_limit", message: "give lower_limit, upper_limit or both" }]);
    }
    if (o.lower_limit !== undefined && o.upper_limit !== undefined && o.lower_limit > o.upper_limit) {
      throw new ValidationError("Threshold options", [{ path: "lower_limit", message: `is above upper_limit (${o.upper_limit}): no value could meet both` }]);
    }
    this.metric_uid = o.metric_uid;
    if (o.lower_limit !== undefined) this.lower_limit = o.lower_limit;
    if (o.upper_limit !== undefined) this.upper_limit = o.upper_limit;
  }

  /** v1's thresholds body: one `{metric_id, type, value}` per limit. */
  to_json(): MetricThreshold[] {
    return [
      ...(this.lower_limit !== undefined ? [{ metric_id: this.metric_uid, type: "lower_limit" as const, value: this.lower_limit }] : []),
      ...(this.upper_limit !== undefined ? [{ metric_id: this.metric_uid, type: "upper_limit" as const, value: this.upper_limit }] : []),
    ];
  }
}

const time = z
  .union([z.string(), z.date()], { error: "expected an ISO 8601 time such as '2026-12-01T10:00:00Z', or a Date" })
  .refine((t) => !Number.isNaN((t instanceof Date ? t : new Date(t)).getTime()), "is not a time: use ISO 8601 or a valid Date");

const recordOptions = z.strictObject({
  metrics: z.record(z.string(), z.unknown(), { error: "expected an object of metric and tag values, e.g. { sensitivity: 0.67, region: \"us-south\" }" }),
  sources: z.array(z.looseObject({ id: z.string(), type: z.string(), data: z.record(z.string(), z.unknown()) })).optional(),
  timestamp: time.optional(),
});

/** One set of metric (and tag) values of a custom monitor: `new MeasurementRecord({ metrics: { sensitivity: 0.67, region: "us-south" } })`. */
export class MeasurementRecord {
  readonly metrics: Record<string, unknown>;
  readonly sources?: MeasurementSource[];
  readonly timestamp?: string;

  constructor(options: z.input<typeof recordOptions>) {
    const o = parseOrThrow(recordOptions, options, "MeasurementRecord options");
    this.metrics = o.metrics;
    if (o.sources) this.sources = o.sources as MeasurementSource[];
    if (o.timestamp !== undefined) this.timestamp = (o.timestamp instanceof Date ? o.timestamp : new Date(o.timestamp)).toISOString();
  }
}
