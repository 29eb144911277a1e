import type { AdapterOptions, EngineAdapter, EngineDeployment, FieldsValues } from "../adapter";
import { AzureAdTokenManager, DEFAULT_MANAGEMENT_URL } from "../azure-ad-token";
import type { AzureCredentials } from "../azure-credentials";
import { EngineResponseError } from "../errors";
import { bearerRequest } from "../bearer-request";
import { EngineHttp } from "../http";
import { ScoringKeys } from "../scoring-keys";
import { ServiceTypes } from "../service-types";
import { executeResponse, webServiceKeys, webServiceList } from "./responses";

export const STUDIO_API_VERSION = "2017-01-01";

/**
 * Azure Machine Learning Studio (classic) web services: Azure AD token, ARM listing and keys, and the
 * request-response `execute` call with the swagger body (`{Inputs: {input1: [records]}}`).
 */
export class AzureMachineLearningStudioAdapter implements EngineAdapter {
  readonly serviceType = ServiceTypes.AZURE_MACHINE_LEARNING;
  readonly #http: EngineHttp;
  /** True private fields: printing the adapter (or the client holding it) shows no credential. */
  readonly #credentials: AzureCredentials;
  readonly tokens: AzureAdTokenManager;
  private readonly management: string;
  private readonly keys: ScoringKeys;

  constructor(
    credentials: AzureCredentials,
    options: AdapterOptions = {},
  ) {
    this.#credentials = credentials;
    this.#http = new EngineHttp({
      engine: ServiceTypes.AZURE_MACHINE_LEARNING,
      timeout_ms: options.timeout_ms,
      retries: options.retries,
      ca: credentials.ca_certificate,
      secrets: [credentials.client_secret],
    });
    this.tokens = new AzureAdTokenManager(this.#http, credentials);
    this.management = credentials.management_url ?? DEFAULT_MANAGEMENT_URL;
    this.keys = new ScoringKeys(this.#http.engine, () => this.listDeployments(), async (resourceId) => {
      const keys = await bearerRequest(this.#http, this.tokens, {
        method: "POST",
        url: `${this.management}${resourceId}/listKeys`,
        params: { "api-version": STUDIO_API_VERSION },
        idempotent: true,
        parse: (b) => webServiceKeys.parse(b),
      });
      return keys.primary;
    });
  }

  async verifyCredentials(): Promise<void> {
    await this.tokens.get();
  }

  async listDeployments(): Promise<EngineDeployment[]> {
    const url = `${this.management}/subscriptions/${encodeURIComponent(this.#credentials.subscription_id)}/providers/Microsoft.MachineLearning/webServices`;
    const list = await bearerRequest(this.#http, this.tokens, { method: "GET", url, params: { "api-version": STUDIO_API_VERSION }, parse: (b) => webServiceList.parse(b) });
    return list.value.map((service) => {
      const scoring = service.properties.swaggerLocation
        ? service.properties.swaggerLocation.replace(/swagger\.json.*$/, "execute?api-version=2.0&format=swagger")
        : "";
      this.keys.remember(scoring, service.id);
      const created = service.properties.createdOn ?? "";
      return {
        deployment_id: service.name,
        name: service.properties.title ?? service.name,
        created_at: created,
        deployment_type: "online",
        scoring_url: scoring,
        url: `${this.management}${service.id}`,
        ...(service.properties.description ? { description: service.properties.description } : {}),
        asset: { source_uid: service.name, name: service.properties.title ?? service.name, created, type: "model", frameworks: [] },
      };
    });
  }

  /** Sends the rows as swagger records and reads the records back as `{fields, values}`. */
  async score(deployment: EngineDeployment, payload: FieldsValues): Promise<FieldsValues> {
    const key = await this.keys.keyFor(deployment.scoring_url);
    const records = payload.values.map((row) => Object.fromEntries(payload.fields.map((f, i) => [f, row[i]])));
    const answer = await this.#http.request({
      method: "POST",
      url: deployment.scoring_url,
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      data: { Inputs: { input1: records }, GlobalParameters: {} },
      parse: (b) => executeResponse.parse(b),
    });
    const output = Object.values(answer.data.Results)[0];
    const normalised = studioOutputToFieldsValues(output);
    if (!normalised || normalised.values.length !== payload.values.length) {
      throw new EngineResponseError(this.#http.engine, deployment.scoring_url, `answered ${normalised?.values.length ?? 0} rows for ${payload.values.length} scored rows`);
    }
    return normalised;
  }

}

/** Azure's two output forms, swagger records or a classic table, as `{fields, values}`. */
export function studioOutputToFieldsValues(output: unknown): FieldsValues | undefined {
  if (Array.isArray(output)) {
    const fields = [...new Set(output.flatMap((r) => Object.keys(r as object)))];
    return { fields, values: output.map((r) => fields.map((f) => (r as Record<string, unknown>)[f] ?? null)) };
  }
  const table = (output as { value?: { ColumnNames: string[]; Values: unknown[][] } } | undefined)?.value;
  return table ? { fields: table.ColumnNames, values: table.Values } : undefined;
}
