import type { AdapterOptions, EngineAdapter, EngineDeployment, FieldsValues } from "../adapter";
import { EngineRequestError, EngineResponseError } from "../errors";
import { bearerRequest } from "../bearer-request";
import { EngineHttp } from "../http";
import { ServiceTypes } from "../service-types";
import type { WatsonMachineLearningCredentials } from "./credentials";
import { DEFAULT_IAM_URL, IamTokenManager } from "./iam-token";
import { deploymentList, modelList, predictionsResponse } from "./responses";

/** The `version` date every WML v4 call carries. */
export const WML_API_VERSION = "2020-09-01";

/** Watson Machine Learning v4: IAM token, deployments of a space, and `predictions` with `input_data`. */
export class WatsonMachineLearningAdapter implements EngineAdapter {
  readonly serviceType = ServiceTypes.WATSON_MACHINE_LEARNING;
  readonly #http: EngineHttp;
  /** True private fields: printing the adapter (or the client holding it) shows no credential. */
  readonly #credentials: WatsonMachineLearningCredentials;
  readonly tokens: IamTokenManager;

  constructor(
    credentials: WatsonMachineLearningCredentials,
    options: AdapterOptions = {},
  ) {
    this.#credentials = credentials;
    this.#http = new EngineHttp({
      engine: ServiceTypes.WATSON_MACHINE_LEARNING,
      timeout_ms: options.timeout_ms,
      retries: options.retries,
      ca: credentials.ca_certificate,
      secrets: [credentials.apikey, ...(credentials.password ? [credentials.password] : [])],
    });
    this.tokens = new IamTokenManager(this.#http, credentials.apikey, credentials.iam_url ?? DEFAULT_IAM_URL);
  }

  async verifyCredentials(): Promise<void> {
    await this.tokens.get();
  }

  async listDeployments(): Promise<EngineDeployment[]> {
    const space = this.#credentials.space_id;
    if (!space) {
      throw new EngineRequestError(
        this.#http.engine,
        `${this.#credentials.url}/ml/v4/deployments`,
        "WML v4 lists deployments per deployment space: add space_id to the credentials.",
      );
    }
    const params = { space_id: space, version: WML_API_VERSION };
    const [deployments, models] = await Promise.all([
      bearerRequest(this.#http, this.tokens, { method: "GET", url: `${this.#credentials.url}/ml/v4/deployments`, params, parse: (b) => deploymentList.parse(b) }),
      bearerRequest(this.#http, this.tokens, { method: "GET", url: `${this.#credentials.url}/ml/v4/models`, params, parse: (b) => modelList.parse(b) }),
    ]);
    const modelsById = new Map(models.resources.map((m) => [m.metadata.id, m]));
    return deployments.resources.map((d) => {
      const assetId = d.entity.asset?.id ?? d.metadata.id;
      const model = modelsById.get(assetId);
      const created = d.metadata.created_at ?? "";
      return {
        deployment_id: d.metadata.id,
        name: d.entity.name ?? d.metadata.name ?? d.metadata.id,
        created_at: created,
        deployment_type: d.entity.online !== undefined ? "online" : "batch",
        scoring_url: d.entity.status?.online_url?.url ?? `${this.#credentials.url}/ml/v4/deployments/${d.metadata.id}/predictions`,
        url: `${this.#credentials.url}/ml/v4/deployments/${d.metadata.id}`,
        ...(d.entity.description ? { description: d.entity.description } : {}),
        asset: {
          source_uid: assetId,
          name: model?.metadata.name ?? assetId,
          created: model?.metadata.created_at ?? created,
          type: "model",
          frameworks: model?.entity.type ? [model.entity.type] : [],
          url: `${this.#credentials.url}/ml/v4/models/${assetId}`,
        },
      };
    });
  }

  async score(deployment: EngineDeployment, payload: FieldsValues): Promise<FieldsValues> {
    const answer = await bearerRequest(this.#http, this.tokens, {
      method: "POST",
      url: deployment.scoring_url,
      params: { version: WML_API_VERSION },
      headers: { "Content-Type": "application/json" },
      data: { input_data: [{ fields: payload.fields, values: payload.values }] },
      parse: (b) => predictionsResponse.parse(b),
    });
    const { fields, values } = answer.predictions[0]!;
    if (values.length !== payload.values.length) {
      throw new EngineResponseError(this.#http.engine, deployment.scoring_url, `answered ${values.length} rows for ${payload.values.length} scored rows`);
    }
    return { fields, values };
  }
}
