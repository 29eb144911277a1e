import type { AdapterOptions, EngineAdapter, EngineDeployment, FieldsValues } from "../adapter";
import { AzureAdTokenManager, DEFAULT_MANAGEMENT_URL } from "../azure-ad-token";
import type { AzureCredentials } from "../azure-credentials";
import { EngineResponseError } from "../errors";
import { bearerRequest } from "../bearer-request";
import { EngineHttp } from "../http";
import { ScoringKeys } from "../scoring-keys";
import { ServiceTypes } from "../service-types";
import { endpointKeys, onlineEndpointList, workspaceList } from "./responses";

export const SERVICE_API_VERSION = "2024-04-01";

/**
 * Azure Machine Learning online endpoints: Azure AD token, ARM listing of the subscription's workspaces and their
 * `onlineEndpoints` (with scoring URIs), `listKeys`, and `POST /score` with an MLflow-style `input_data` body.
 */
export class AzureMachineLearningServiceAdapter implements EngineAdapter {
  readonly serviceType = ServiceTypes.AZURE_MACHINE_LEARNING_SERVICE;
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
      engine: ServiceTypes.AZURE_MACHINE_LEARNING_SERVICE,
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
        params: { "api-version": SERVICE_API_VERSION },
        idempotent: true,
        parse: (b) => endpointKeys.parse(b),
      });
      return keys.primaryKey;
    });
  }

  async verifyCredentials(): Promise<void> {
    await this.tokens.get();
  }

  async listDeployments(): Promise<EngineDeployment[]> {
    const params = { "api-version": SERVICE_API_VERSION };
    const workspaces = await bearerRequest(this.#http, this.tokens, {
      method: "GET",
      url: `${this.management}/subscriptions/${encodeURIComponent(this.#credentials.subscription_id)}/providers/Microsoft.MachineLearningServices/workspaces`,
      params,
      parse: (b) => workspaceList.parse(b),
    });
    const perWorkspace = await Promise.all(
      workspaces.value.map((w) => bearerRequest(this.#http, this.tokens, { method: "GET", url: `${this.management}${w.id}/onlineEndpoints`, params, parse: (b) => onlineEndpointList.parse(b) })),
    );
    return perWorkspace.flatMap((list) =>
      list.value.map((e) => {
        this.keys.remember(e.properties.scoringUri, e.id);
        const created = e.systemData?.createdAt ?? "";
        const model = e.tags?.model ?? e.name;
        return {
          deployment_id: e.name,
          name: e.name,
          created_at: created,
          deployment_type: "online",
          scoring_url: e.properties.scoringUri,
          url: `${this.management}${e.id}`,
          ...(e.properties.description ? { description: e.properties.description } : {}),
          asset: { source_uid: model, name: model, created, type: "model", frameworks: [] },
        };
      }),
    );
  }

  async score(deployment: EngineDeployment, payload: FieldsValues): Promise<FieldsValues> {
    const key = await this.keys.keyFor(deployment.scoring_url);
    const answer = await this.#http.request({
      method: "POST",
      url: deployment.scoring_url,
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      data: { input_data: { columns: payload.fields, index: payload.values.map((_, i) => i), data: payload.values } },
    });
    const normalised = columnsToFieldsValues(answer.data);
    if (!normalised || normalised.values.length !== payload.values.length) {
      throw new EngineResponseError(this.#http.engine, deployment.scoring_url, `answered ${normalised?.values.length ?? 0} rows for ${payload.values.length} scored rows`);
    }
    return normalised;
  }

}

/**
 * A scoring script's answer as `{fields, values}`: an object of equal-length columns (`{"Scored Labels": [...],
 * "Scored Probabilities": [...]}`), a list of records, or a plain list of predictions.
 */
export function columnsToFieldsValues(answer: unknown): FieldsValues | undefined {
  if (Array.isArray(answer)) {
    if (answer.every((r) => r !== null && typeof r === "object" && !Array.isArray(r))) {
      const fields = [...new Set(answer.flatMap((r) => Object.keys(r as object)))];
      return { fields, values: answer.map((r) => fields.map((f) => (r as Record<string, unknown>)[f] ?? null)) };
    }
    return { fields: ["prediction"], values: answer.map((v) => [v]) };
  }
  if (answer && typeof answer === "object") {
    const columns = Object.entries(answer as Record<string, unknown>).filter(([, v]) => Array.isArray(v)) as [string, unknown[]][];
    const length = columns[0]?.[1].length;
    if (!columns.length || columns.some(([, v]) => v.length !== length)) return undefined;
    return { fields: columns.map(([k]) => k), values: Array.from({ length: length! }, (_, i) => columns.map(([, v]) => v[i])) };
  }
  return undefined;
}
