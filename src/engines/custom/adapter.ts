import type { AdapterOptions, EngineAdapter, EngineDeployment, FieldsValues } from "../adapter";
import { createEngineHttp, type EngineHttp } from "../http";
import { ServiceTypes } from "../service-types";
import type { CustomCredentials } from "./credentials";
import { deploymentList, scoringResponse, type DeploymentList } from "./responses";
import { EngineAuthenticationError, EngineResponseError } from "../errors";
import { shownUrl } from "../shown-url";

/** Adapter options, plus the name errors give the engine (the binding's name, say). */
export interface CustomAdapterOptions extends AdapterOptions {
  /** @default "custom_machine_learning" */
  engine_name?: string;
}

/** Talks to a custom engine: `GET {url}/v1/deployments`, and `POST {scoring_url}` with `{fields, values}`. */
export class CustomEngineAdapter implements EngineAdapter {
  readonly serviceType = ServiceTypes.CUSTOM_MACHINE_LEARNING;
  readonly #http: EngineHttp;
  /** True private fields: printing the adapter (or the client holding it) shows no credential. */
  readonly #credentials: CustomCredentials;

  constructor(
    credentials: CustomCredentials,
    options: CustomAdapterOptions = {},
  ) {
    this.#credentials = credentials;
    this.#http = createEngineHttp({
      engine: options.engine_name ?? ServiceTypes.CUSTOM_MACHINE_LEARNING,
      timeout_ms: options.timeout_ms,
      retries: options.retries,
      headers: credentials.request_headers,
      secrets: Object.values(credentials.request_headers ?? {}),
      ...(credentials.username !== undefined && credentials.password !== undefined
        ? { auth: { username: credentials.username, password: credentials.password } }
        : {}),
    });
  }

  /**
   * `GET {url}/v1/deployments`, the contract's only authenticated read (retried like any GET: a reused keep-alive
   * socket the engine just closed must not pass a wrong password): a 401 or 403 fails the binding with the engine's
   * reason. Any other failure (an engine that is down, busy or answers oddly) does not: the binding is kept and
   * listing its assets reports the fault, as before.
   */
  async verifyCredentials(): Promise<void> {
    try {
      await this.listDeployments();
    } catch (error) {
      if (error instanceof EngineAuthenticationError) throw error;
    }
  }

  async listDeployments(): Promise<EngineDeployment[]> {
    const response = await this.#http.request({
      method: "GET",
      url: `${this.#credentials.url}/v1/deployments`,
      parse: (body) => deploymentList.parse(body),
    });
    return response.data.resources.map((r) => this.toDeployment(r));
  }

  async score(deployment: EngineDeployment, payload: FieldsValues): Promise<FieldsValues> {
    const response = await this.#http.request({
      method: "POST",
      url: deployment.scoring_url,
      data: { fields: payload.fields, values: payload.values },
      headers: { "Content-Type": "application/json" },
      parse: (body) => scoringResponse.parse(body),
    });
    const { fields, values, labels } = response.data;
    if (values.length !== payload.values.length) {
      throw new EngineResponseError(
        this.#http.engine,
        shownUrl(deployment.scoring_url),
        `answered ${values.length} rows for ${payload.values.length} scored rows: one output row per input row is expected`,
      );
    }
    return { fields, values, ...(labels ? { labels } : {}) };
  }

  private toDeployment(resource: DeploymentList["resources"][number]): EngineDeployment {
    const { metadata, entity } = resource;
    const asset = entity.asset ?? {};
    const properties = entity.asset_properties ?? {};
    const created = metadata.created_at ?? asset.created_at ?? "";
    return {
      deployment_id: metadata.guid,
      name: entity.name ?? metadata.guid,
      created_at: created,
      deployment_type: entity.type ?? "online",
      scoring_url:
        entity.scoring_url ?? entity.scoring_endpoint?.url ?? metadata.url ?? `${this.#credentials.url}/v1/deployments/${metadata.guid}/online`,
      ...(metadata.url ? { url: metadata.url } : {}),
      ...(entity.description ? { description: entity.description } : {}),
      asset: {
        source_uid: asset.guid ?? asset.asset_id ?? metadata.guid,
        name: asset.name ?? entity.name ?? metadata.guid,
        created: asset.created_at ?? created,
        type: asset.asset_type ?? "model",
        frameworks: [],
        ...(asset.url ? { url: asset.url } : {}),
        ...(typeof properties.problem_type === "string" ? { problem_type: properties.problem_type } : {}),
        ...(typeof properties.input_data_type === "string" ? { input_data_type: properties.input_data_type } : {}),
        ...inputFields(properties),
      },
    };
  }
}

/** The input columns a listing declares: `feature_fields`, or the names in `input_data_schema.fields`. */
function inputFields(properties: Record<string, unknown>): { input_fields?: string[] } {
  const features = properties.feature_fields;
  if (Array.isArray(features) && features.every((f) => typeof f === "string")) return { input_fields: features };
  const fields = (properties.input_data_schema as { fields?: { name?: unknown }[] } | undefined)?.fields;
  if (Array.isArray(fields) && fields.every((f) => typeof f?.name === "string")) return { input_fields: fields.map((f) => f.name as string) };
  return {};
}
