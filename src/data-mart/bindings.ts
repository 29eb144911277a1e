import type { EngineAsset, EngineDeployment } from "../engines/adapter";
import { MachineLearningInstance } from "../engines/instance";
import { ValidationError } from "../errors";
import { buildTable, showTable, SynchronousRunPrinter } from "../display/index";
import type { DataMartService } from "../service/data-mart-service";
import type { ServiceBinding } from "../service/resources";
import type { Output } from "./output";

/** An asset as `get_asset_details()` returns it: what the engine serves, which binding it came through, whether it is watched. */
export interface AssetDetails extends EngineAsset {
  binding_uid: string;
  is_subscribed: boolean;
}

/** A deployment as `get_asset_deployment_details()` returns it. */
export interface AssetDeploymentDetails extends Omit<EngineDeployment, "asset"> {
  parent_asset_uid: string;
  binding_uid: string;
  is_subscribed: boolean;
}

/** Options of the table methods: `limit` cuts the rows; every other key filters on a column (`service_type: "..."`). */
export type TableOptions = { limit?: number } & Record<string, unknown>;

const BINDING_COLUMNS = ["uid", "name", "service_type", "created"];
const ASSET_COLUMNS = ["source_uid", "name", "created", "type", "frameworks", "binding_uid", "is_subscribed"];
const DEPLOYMENT_COLUMNS = ["deployment_uid", "name", "created", "type", "parent_asset_uid", "is_subscribed"];

/** `client.data_mart.bindings`: the engines this data mart watches. */
export class Bindings {
  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
  ) {}

  /**
   * Binds an engine and returns the binding's uid. The engine is asked first (a token exchange, a signed listing, a
   * custom engine's `GET /v1/deployments`): credentials it refuses fail here and nothing is stored. Binding the same
   * engine again (the same instance, or the same service type with the same credentials and request headers) returns
   * the existing uid with a warning, as the v1 service did.
   * @example const binding_uid = await client.data_mart.bindings.add("My custom engine", new CustomMachineLearningInstance(creds));
   */
  async add(name: string, instance: MachineLearningInstance): Promise<string> {
    if (!(instance instanceof MachineLearningInstance)) {
      throw new ValidationError("engine instance", [
        {
          path: "instance",
          message:
            "expected an engine instance object: WatsonMachineLearningInstance, AzureMachineLearningInstance, " +
            "AzureMachineLearningStudioInstance, AzureMachineLearningServiceInstance, SageMakerMachineLearningInstance " +
            "or CustomMachineLearningInstance (e.g. new CustomMachineLearningInstance({ url }))",
        },
      ]);
    }
    const { request_headers, ...credentials } = instance.credentials as Record<string, unknown>;
    const outcome = await this.service.createServiceBinding({
      name,
      service_type: instance.service_type,
      instance_id: instance.source_uid,
      credentials,
      ...(request_headers ? { request_headers: request_headers as Record<string, string> } : {}),
    });
    if (!outcome.created) {
      this.output.warn(
        `Warning during bind instance: this ${instance.service_type} instance is already bound as ` +
          `'${outcome.binding.entity.name}' (${outcome.binding.metadata.guid}); returning that binding's uid.`,
      );
    }
    return outcome.binding.metadata.guid;
  }

  /** Shows the bindings as a table (uid, name, service_type, created), newest first. Keys of `options` filter rows. */
  async list(options: TableOptions = {}): Promise<void> {
    const { limit, ...filter } = splitLimit(options);
    const { service_bindings } = await this.service.listServiceBindings();
    const records = service_bindings.map((b) => ({
      uid: b.metadata.guid,
      name: b.entity.name,
      service_type: b.entity.service_type,
      created: b.metadata.created_at,
    }));
    this.output.table(buildTable({ title: "Service bindings", columns: BINDING_COLUMNS, records, filter, limit }));
  }

  /** `{service_bindings: [...]}` for all bindings, or one binding, in the v1 `{metadata, entity}` shape. Secrets are masked. */
  async get_details(binding_uid?: string): Promise<{ service_bindings: ServiceBinding[] } | ServiceBinding>;
  async get_details(binding_uid?: string): Promise<{ service_bindings: ServiceBinding[] } | ServiceBinding> {
    if (binding_uid === undefined) return this.service.listServiceBindings();
    return this.service.getServiceBinding(binding_uid);
  }

  async get_uids(): Promise<string[]> {
    const { service_bindings } = await this.service.listServiceBindings();
    return service_bindings.map((b) => b.metadata.guid);
  }

  /** Removes a binding. */
  async delete(binding_uid: string, options: { background_mode?: boolean } = {}): Promise<void> {
    const printer = options.background_mode ? undefined : new SynchronousRunPrinter(`Waiting for end of deleting binding ${binding_uid}`, this.output.print);
    await this.service.getServiceBinding(binding_uid); // an unknown uid fails before anything is printed
    printer?.start();
    await this.service.deleteServiceBinding(binding_uid);
    printer?.state("deleted");
    printer?.success("Successfully deleted binding");
  }

  /** Shows every asset the bound engines serve (asked live, in parallel). `binding_uid` narrows to one binding. */
  async list_assets(options: TableOptions & { binding_uid?: string } = {}): Promise<void> {
    const { limit, ...filter } = splitLimit(options);
    const records = (await this.get_asset_details({ binding_uid: options.binding_uid })).map((a) => ({
      source_uid: a.source_uid,
      name: a.name,
      created: a.created,
      type: a.type,
      frameworks: a.frameworks.join(","),
      binding_uid: a.binding_uid,
      is_subscribed: a.is_subscribed,
    }));
    this.output.table(buildTable({ title: "Available assets", columns: ASSET_COLUMNS, records, filter, limit }));
  }

  /** Shows every deployment the bound engines serve. */
  async list_asset_deployments(options: TableOptions & { binding_uid?: string } = {}): Promise<void> {
    const { limit, binding_uid, ...filter } = splitLimit(options);
    const records = (await this.get_asset_deployment_details({ binding_uid: options.binding_uid })).map((d) => ({
      deployment_uid: d.deployment_id,
      name: d.name,
      created: d.created_at,
      type: d.deployment_type,
      parent_asset_uid: d.parent_asset_uid,
      is_subscribed: d.is_subscribed,
    }));
    // binding_uid picks the engine to ask; it is not a column of this table, so it is named in the title only (as v1 did).
    const title = `Available asset deployments${binding_uid === undefined ? "" : ` (binding_uid='${String(binding_uid)}')`}`;
    this.output.table(buildTable({ title, columns: DEPLOYMENT_COLUMNS, records, filter, limit }));
  }

  /** The assets of every binding (or of one), asked live from the engines. A failing engine gives a warning, not a failed call. */
  async get_asset_details(options: { binding_uid?: string } = {}): Promise<AssetDetails[]> {
    const [found, subscribed] = await Promise.all([this.discover(options.binding_uid), this.subscribed()]);
    return found.flatMap(({ binding_uid, deployments }) => {
      const seen = new Set<string>();
      return deployments
        .filter((d) => !seen.has(d.asset.source_uid) && seen.add(d.asset.source_uid))
        .map((d) => ({ ...d.asset, binding_uid, is_subscribed: subscribed.assets.has(`${binding_uid}/${d.asset.source_uid}`) }));
    });
  }

  async get_asset_deployment_details(options: { binding_uid?: string } = {}): Promise<AssetDeploymentDetails[]> {
    const [found, subscribed] = await Promise.all([this.discover(options.binding_uid), this.subscribed()]);
    return found.flatMap(({ binding_uid, deployments }) =>
      deployments.map(({ asset, ...deployment }) => ({
        ...deployment,
        parent_asset_uid: asset.source_uid,
        binding_uid,
        is_subscribed: subscribed.deployments.has(`${binding_uid}/${deployment.deployment_id}`),
      })),
    );
  }

  async get_asset_uids(): Promise<string[]> {
    return (await this.get_asset_details()).map((a) => a.source_uid);
  }

  /** The assets and deployments some subscription watches, as `binding/uid` keys. */
  private async subscribed(): Promise<{ assets: Set<string>; deployments: Set<string> }> {
    const { subscriptions } = await this.service.listSubscriptions();
    return {
      assets: new Set(subscriptions.map((s) => `${s.entity.service_binding_id}/${s.entity.asset.asset_id}`)),
      deployments: new Set(subscriptions.flatMap((s) => s.entity.deployments.map((d) => `${s.entity.service_binding_id}/${d.deployment_id}`))),
    };
  }

  /** Asks each binding's engine for its deployments, all at once. */
  private async discover(binding_uid?: string): Promise<{ binding_uid: string; deployments: EngineDeployment[] }[]> {
    if (binding_uid !== undefined) return [await this.service.listMlInstanceDeployments(binding_uid)];
    const { service_bindings } = await this.service.listServiceBindings();
    const settled = await Promise.allSettled(
      service_bindings.map((b) => this.service.listMlInstanceDeployments(b.metadata.guid)),
    );
    return settled.flatMap((result, i) => {
      if (result.status === "fulfilled") return [result.value];
      const b = service_bindings[i]!;
      this.output.warn(
        `Warning: Failure during getting artifacts for binding: ${b.metadata.guid} (${b.entity.name}). ${(result.reason as Error).message}`,
      );
      return [];
    });
  }
}

function splitLimit(options: TableOptions): { limit?: number } & Record<string, unknown> {
  if (options === null || typeof options !== "object") {
    throw new ValidationError("table options", [{ path: "options", message: "expected an object such as { limit: 10 }" }]);
  }
  const { limit, ...filter } = options;
  if (limit !== undefined && (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1)) {
    throw new ValidationError("table options", [{ path: "limit", message: "expected a whole number of rows, 1 or more" }]);
  }
  return { limit, ...filter };
}
