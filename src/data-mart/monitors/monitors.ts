import { z } from "zod";
import { ValidationError } from "../../errors";
import { buildTable } from "../../display/index";
import type { DataMartService } from "../../service/data-mart-service";
import type { MonitorDefinition } from "../../service/monitor-resources";
import { parseOrThrow } from "../../validation";
import type { Output } from "../output";
import { checkKeys } from "../table-options";
import { Metric, Tag } from "./supporting-classes";

const addOptions = z.strictObject({
  name: z.string({ error: "expected the monitor's name, e.g. \"model performance\"" }),
  metrics: z.array(z.instanceof(Metric, { error: "expected a Metric: new Metric({ name: \"sensitivity\", lower_limit_default: 0.8 })" }), {
    error: "expected a list of Metric objects: [new Metric({ name: \"sensitivity\", lower_limit_default: 0.8 })]",
  }),
  description: z.string({ error: "expected text" }).optional(),
  tags: z.array(z.instanceof(Tag, { error: "expected a Tag: new Tag({ name: \"region\" })" }), { error: "expected a list of Tag objects" }).optional(),
  parameters_schema: z.record(z.string(), z.unknown()).optional(),
});

/** `client.data_mart.monitors`: the monitor definitions, built-in (quality, fairness, performance, drift) and custom. */
export class Monitors {
  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
  ) {}

  /** Shows every monitor definition: uid, name, description, metrics. */
  async list(): Promise<void> {
    const { monitor_definitions } = await this.service.listMonitorDefinitions();
    const records = monitor_definitions.map((d) => ({ uid: d.metadata.guid, name: d.entity.name, description: d.entity.description ?? null, metrics: d.entity.metrics.map((m) => m.id) }));
    this.output.table(buildTable({ title: "Monitors", columns: ["uid", "name", "description", "metrics"], records }));
  }

  /** One definition (`monitor_uid`), or all of them as `{monitor_definitions}`. */
  async get_details(options: { monitor_uid?: string } = {}): Promise<MonitorDefinition | { monitor_definitions: MonitorDefinition[] }> {
    const o = checkKeys(options, ["monitor_uid"], "monitors.get_details() options");
    if (o.monitor_uid === undefined) return this.service.listMonitorDefinitions();
    return this.service.getMonitorDefinition(String(o.monitor_uid));
  }

  /** The uids of every definition, or of those with the given name. */
  async get_uids(options: { name?: string } = {}): Promise<string[]> {
    const o = checkKeys(options, ["name"], "monitors.get_uids() options");
    const { monitor_definitions } = await this.service.listMonitorDefinitions();
    return monitor_definitions.filter((d) => o.name === undefined || d.entity.name === o.name).map((d) => d.metadata.guid);
  }

  /**
   * Adds a custom monitor definition. Its uid comes from the name (`model performance` → `model_performance`); a
   * name that exists already returns the existing definition, with a warning.
   */
  async add(options: { name: string; metrics: Metric[]; description?: string; tags?: Tag[]; parameters_schema?: Record<string, unknown> }): Promise<MonitorDefinition> {
    const o = parseOrThrow(addOptions, options, "monitors.add() options");
    const outcome = await this.service.createMonitorDefinition({
      name: o.name,
      metrics: o.metrics.map((m) => m.to_json()),
      ...(o.description !== undefined ? { description: o.description } : {}),
      ...(o.tags ? { tags: o.tags.map((t) => t.to_json()) } : {}),
      ...(o.parameters_schema ? { parameters_schema: o.parameters_schema } : {}),
    });
    if (!outcome.created) this.output.warn(`Warning: a monitor named '${outcome.definition.entity.name}' exists already (uid '${outcome.definition.metadata.guid}'); it is returned unchanged.`);
    return outcome.definition;
  }

  /** Deletes a custom monitor definition, with its configurations on subscriptions and its measurements. */
  async delete(monitor_uid: string): Promise<void> {
    if (typeof monitor_uid !== "string") throw new ValidationError("monitors.delete()", [{ path: "monitor_uid", message: "expected the monitor's uid (see monitors.list())" }]);
    await this.service.deleteMonitorDefinition(monitor_uid);
  }
}
