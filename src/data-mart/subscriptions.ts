import type { EngineDeployment } from "../engines/adapter";
import { MachineLearningAsset } from "../engines/asset";
import { ServiceTypes } from "../engines/service-types";
import { NotFoundError, StateError, ValidationError } from "../errors";
import { buildTable } from "../display/index";
import type { DataMartService } from "../service/data-mart-service";
import type {
  AssetProperties,
  Subscription as SubscriptionResource,
  SubscriptionConfiguration,
  SubscriptionDeployment,
} from "../service/resources";
import type { Output } from "./output";
import { Subscription } from "./subscription";
import { checkKeys } from "./table-options";

const SUBSCRIPTION_COLUMNS = ["uid", "name", "type", "binding_uid", "created"];

/** `client.data_mart.subscriptions`: the deployments this data mart watches. */
export class Subscriptions {
  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
  ) {}

  /**
   * Subscribes to an asset's deployment, with payload logging and performance monitoring on. The binding is found
   * when the asset names none; the asset must have exactly one deployment, or `deployment_uids` must pick one.
   * @example const subscription = await client.data_mart.subscriptions.add(new CustomMachineLearningAsset({ source_uid: "credit", binding_uid, ... }));
   */
  async add(asset: MachineLearningAsset, options: { deployment_uids?: string[] } = {}): Promise<Subscription> {
    if (!(asset instanceof MachineLearningAsset)) {
      throw new ValidationError("subscription asset", [
        { path: "asset", message: "expected an asset object: WatsonMachineLearningAsset, AzureMachineLearningStudioAsset, AzureMachineLearningServiceAsset, SageMakerMachineLearningAsset or CustomMachineLearningAsset" },
      ]);
    }
    const o = checkKeys(options, ["deployment_uids"], "subscriptions.add() options");
    const wanted = o.deployment_uids;
    if (wanted !== undefined && (!Array.isArray(wanted) || !wanted.every((d) => typeof d === "string"))) {
      throw new ValidationError("subscriptions.add() options", [{ path: "deployment_uids", message: "expected a list of deployment uids, e.g. ['credit']" }]);
    }
    const { binding_uid, deployments } = await this.findAsset(asset);
    const deployment = pickDeployment(asset, deployments, wanted as string[] | undefined);
    checkFeatureColumns(asset, deployment);
    const outcome = await this.service.createSubscription(binding_uid, {
      asset: {
        asset_id: asset.source_uid,
        url: deployment.asset.url ?? "",
        name: deployment.asset.name,
        asset_type: deployment.asset.type,
        created_at: deployment.asset.created,
      },
      asset_properties: assetProperties(asset, deployment),
      deployments: [toSubscriptionDeployment(asset, deployment)],
      configurations: { payload_logging: { enabled: true }, performance_monitoring: { enabled: true } },
    } as Parameters<DataMartService["createSubscription"]>[1]);
    if (!outcome.created) {
      this.output.warn(`Warning during subscription of asset: '${asset.source_uid}' is subscribed already on binding ${binding_uid} (${outcome.subscription.metadata.guid}); returning that subscription.`);
    }
    return new Subscription(this.service, this.output, outcome.subscription);
  }

  /** Shows the subscriptions: uid, name, type, binding_uid, created (newest first). Other keys filter rows. */
  async list(options: { limit?: number } & Record<string, unknown> = {}): Promise<void> {
    const { limit, ...filter } = checkKeys(options, [...SUBSCRIPTION_COLUMNS, "limit"], "subscriptions.list() options");
    const records = (await this.service.listSubscriptions()).subscriptions.map(toRecord);
    this.output.table(buildTable({ title: "Subscriptions", columns: SUBSCRIPTION_COLUMNS, records, filter, limit: limit as number | undefined }));
  }

  /** All subscriptions (`{subscriptions: [...]}`), a binding's, or one (`subscription_uid`). */
  async get_details(options: { subscription_uid?: string; binding_uid?: string } | string = {}): Promise<SubscriptionResource | { subscriptions: SubscriptionResource[] }> {
    const o = typeof options === "string" ? { subscription_uid: options } : checkKeys(options, ["subscription_uid", "binding_uid"], "subscriptions.get_details() options");
    if (o.subscription_uid !== undefined) return this.service.getSubscription(String(o.subscription_uid));
    return this.service.listSubscriptions(o.binding_uid as string | undefined);
  }

  async get_uids(): Promise<string[]> {
    return (await this.service.listSubscriptions()).subscriptions.map((s) => s.metadata.guid);
  }

  /**
   * A `Subscription` by uid, or by any table column (`{ name: "credit" }`); `choose` picks among several matches:
   * "first" or "last" by creation time, or "random".
   */
  async get(query: string | ({ choose?: "first" | "last" | "random" } & Record<string, unknown>)): Promise<Subscription> {
    if (typeof query === "string") return new Subscription(this.service, this.output, await this.service.getSubscription(query));
    const { choose, ...filter } = checkKeys(query, [...SUBSCRIPTION_COLUMNS, "choose"], "subscriptions.get() options");
    const all = (await this.service.listSubscriptions()).subscriptions;
    const matches = all.filter((s) => Object.entries(filter).every(([k, v]) => toRecord(s)[k] === v));
    if (matches.length === 0) throw new NotFoundError("subscription", JSON.stringify(filter), "See them with `client.data_mart.subscriptions.list()`.");
    let chosen = matches[0]!;
    if (matches.length > 1) {
      if (choose === undefined) throw new StateError(`${matches.length} subscriptions match ${JSON.stringify(filter)}: narrow the query, or pass choose: "first", "last" or "random".`);
      const byAge = [...matches].sort((a, b) => a.metadata.created_at.localeCompare(b.metadata.created_at));
      chosen = choose === "first" ? byAge[0]! : choose === "last" ? byAge.at(-1)! : byAge[Math.floor(Math.random() * byAge.length)]!;
    }
    return new Subscription(this.service, this.output, chosen);
  }

  /** Removes a subscription with its payload table and metrics. */
  async delete(subscription_uid: string): Promise<void> {
    await this.service.deleteSubscription(subscription_uid);
  }

  /** The subscription's configuration file (v1 `GET …/file`), to re-create it elsewhere with `import_configuration`. */
  async export_configuration(subscription_uid: string): Promise<SubscriptionConfiguration> {
    return this.service.exportSubscriptionConfiguration(subscription_uid);
  }

  /** Creates a subscription from a configuration file. The binding may be left out when only one binding exists. */
  async import_configuration(configuration_data: SubscriptionConfiguration, options: { binding_uid?: string } = {}): Promise<Subscription> {
    const o = checkKeys(options, ["binding_uid"], "subscriptions.import_configuration() options");
    let binding_uid = o.binding_uid as string | undefined;
    if (binding_uid === undefined) {
      const { service_bindings } = await this.service.listServiceBindings();
      if (service_bindings.length !== 1) {
        throw new ValidationError("subscriptions.import_configuration() options", [
          { path: "binding_uid", message: `is required: this data mart has ${service_bindings.length} bindings (${service_bindings.map((b) => `${b.metadata.guid} '${b.entity.name}'`).join(", ") || "none"})` },
        ]);
      }
      binding_uid = service_bindings[0]!.metadata.guid;
    }
    const outcome = await this.service.importSubscriptionConfiguration(binding_uid, configuration_data);
    if (!outcome.created) this.output.warn(`Warning during subscription of asset: '${outcome.subscription.entity.asset.asset_id}' is subscribed already; returning that subscription.`);
    return new Subscription(this.service, this.output, outcome.subscription);
  }

  /** The binding serving the asset, and the asset's deployments there. */
  private async findAsset(asset: MachineLearningAsset): Promise<{ binding_uid: string; deployments: EngineDeployment[] }> {
    const { service_bindings } = await this.service.listServiceBindings();
    const sameType = service_bindings.filter((b) => b.entity.service_type === asset.service_type);
    if (asset.binding_uid !== undefined) {
      const binding = await this.service.getServiceBinding(asset.binding_uid);
      if (binding.entity.service_type !== asset.service_type) {
        throw new ValidationError(`${asset.constructor.name} options`, [
          {
            path: "binding_uid",
            message:
              `binding '${binding.entity.name}' (${binding.metadata.guid}) is a ${binding.entity.service_type} engine, but a ${asset.constructor.name} needs a ${asset.service_type} binding. ` +
              (sameType.length ? `Bindings of that type: ${sameType.map((b) => `${b.metadata.guid} '${b.entity.name}'`).join(", ")}.` : `Bind one first with bindings.add(), or use the asset class of the ${binding.entity.service_type} engine.`),
          },
        ]);
      }
      const { deployments } = await this.service.listMlInstanceDeployments(binding.metadata.guid);
      const own = deployments.filter((d) => d.asset.source_uid === asset.source_uid);
      if (!own.length) throw unknownSourceUid(asset, deployments, `binding '${binding.entity.name}'`);
      return { binding_uid: binding.metadata.guid, deployments: own };
    }
    if (!sameType.length) {
      throw new ValidationError(`${asset.constructor.name} options`, [
        { path: "binding_uid", message: `no ${asset.service_type} engine is bound: bind one with client.data_mart.bindings.add(), then subscribe` },
      ]);
    }
    const everything: EngineDeployment[] = [];
    for (const binding of sameType) {
      const { deployments } = await this.service.listMlInstanceDeployments(binding.metadata.guid);
      const own = deployments.filter((d) => d.asset.source_uid === asset.source_uid);
      if (own.length) return { binding_uid: binding.metadata.guid, deployments: own };
      everything.push(...deployments);
    }
    throw unknownSourceUid(asset, everything, `the ${asset.service_type} bindings`);
  }
}

function unknownSourceUid(asset: MachineLearningAsset, deployments: EngineDeployment[], where: string): ValidationError {
  const uids = [...new Set(deployments.map((d) => d.asset.source_uid))];
  return new ValidationError(`${asset.constructor.name} options`, [
    {
      path: "source_uid",
      message: `The asset with source_uid '${asset.source_uid}' cannot be found on ${where}. ${uids.length ? `Assets there: ${uids.map((u) => `'${u}'`).join(", ")}` : "No assets are served there"} (see bindings.list_assets()).`,
    },
  ]);
}

function pickDeployment(asset: MachineLearningAsset, deployments: EngineDeployment[], wanted?: string[]): EngineDeployment {
  const available = deployments.map((d) => `'${d.deployment_id}' (${d.name})`).join(", ");
  let chosen = deployments;
  if (wanted !== undefined) {
    const unknown = wanted.filter((w) => !deployments.some((d) => d.deployment_id === w));
    if (unknown.length) {
      throw new ValidationError("subscriptions.add() options", [{ path: "deployment_uids", message: `${unknown.map((u) => `'${u}'`).join(", ")} is not a deployment of asset '${asset.source_uid}'; its deployments: ${available}` }]);
    }
    chosen = deployments.filter((d) => wanted.includes(d.deployment_id));
  }
  if (chosen.length !== 1) {
    throw new ValidationError("subscriptions.add() options", [
      {
        path: "deployment_uids",
        message: `Subscription can be created for one deployment only. ${chosen.length} deployments are available for this asset: ${available}. Specify the deployment id using the deployment_uids option.`,
      },
    ]);
  }
  return chosen[0]!;
}

/** Feature columns must be inputs of the model, where the engine says what its inputs are. */
function checkFeatureColumns(asset: MachineLearningAsset, deployment: EngineDeployment): void {
  const inputs = deployment.asset.input_fields;
  if (!inputs || !asset.feature_columns) return;
  const missing = asset.feature_columns.filter((f) => !inputs.includes(f));
  if (missing.length) {
    throw new ValidationError(`${asset.constructor.name} options`, [
      { path: "feature_columns", message: `${missing.map((m) => `'${m}'`).join(", ")} ${missing.length === 1 ? "is" : "are"} not an input of the deployed model; its inputs: ${inputs.join(", ")}` },
    ]);
  }
}

function assetProperties(asset: MachineLearningAsset, deployment: EngineDeployment): AssetProperties {
  const problem = asset.problem_type ?? deployment.asset.problem_type;
  const inputType = asset.input_data_type ?? deployment.asset.input_data_type;
  return {
    ...(problem ? { problem_type: problem } : {}),
    ...(inputType ? { input_data_type: inputType } : {}),
    ...(asset.training_data_reference ? { training_data_reference: asset.training_data_reference } : {}),
    ...(asset.label_column ? { label_column: asset.label_column } : {}),
    ...(asset.prediction_column ? { prediction_field: asset.prediction_column } : {}),
    ...(asset.probability_column ? { probability_fields: [asset.probability_column] } : {}),
    ...(asset.transaction_id_column ? { transaction_id_field: asset.transaction_id_column } : {}),
    ...(asset.class_probability_columns ? { class_probability_fields: asset.class_probability_columns } : {}),
    ...(asset.class_labels ? { class_labels: asset.class_labels } : {}),
    ...(asset.feature_columns ? { feature_fields: asset.feature_columns } : {}),
    ...(asset.categorical_columns ? { categorical_fields: asset.categorical_columns } : {}),
  };
}

function toSubscriptionDeployment(asset: MachineLearningAsset, d: EngineDeployment): SubscriptionDeployment {
  const contentType = asset.service_type === ServiceTypes.SAGEMAKER_MACHINE_LEARNING ? "text/csv" : "application/json";
  return {
    deployment_id: d.deployment_id,
    name: d.name,
    created_at: d.created_at,
    deployment_type: d.deployment_type,
    deployment_rn: "",
    ...(d.url ? { url: d.url } : {}),
    scoring_endpoint: { url: d.scoring_url, request_headers: { "Content-Type": contentType } },
  };
}

function toRecord(s: SubscriptionResource): Record<string, unknown> {
  return { uid: s.metadata.guid, name: s.entity.asset.name, type: s.entity.asset.asset_type, binding_uid: s.entity.service_binding_id, created: s.metadata.created_at };
}

