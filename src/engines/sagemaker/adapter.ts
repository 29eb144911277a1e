import aws4 from "aws4";
import type { AdapterOptions, EngineAdapter, EngineDeployment, FieldsValues } from "../adapter";
import { EngineResponseError, EngineRequestError } from "../errors";
import { EngineHttp, type EngineRequest } from "../http";
import { ServiceTypes } from "../service-types";
import type { SageMakerCredentials } from "./credentials";
import { describeEndpointConfigResponse, describeEndpointResponse, linearLearnerResponse, listEndpointsResponse } from "./responses";

/** SageMaker's endpoint-name rule. */
export const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Bodies over this are refused by InvokeEndpoint. */
const MAX_INVOKE_BYTES = 5 * 1024 * 1024;

/**
 * AWS SageMaker over its wire protocols, every request signed with SigV4 (`aws4`): the control plane's JSON 1.1
 * (`ListEndpoints`, `DescribeEndpoint`, `DescribeEndpointConfig`) and the runtime's `InvokeEndpoint` with `text/csv`.
 */
export class SageMakerAdapter implements EngineAdapter {
  readonly serviceType = ServiceTypes.SAGEMAKER_MACHINE_LEARNING;
  readonly #http: EngineHttp;
  /** True private fields: printing the adapter (or the client holding it) shows no credential. */
  readonly #credentials: SageMakerCredentials;
  private readonly apiUrl: URL;
  private readonly runtimeUrl: URL;

  constructor(
    credentials: SageMakerCredentials,
    options: AdapterOptions = {},
  ) {
    this.#credentials = credentials;
    this.#http = new EngineHttp({
      engine: ServiceTypes.SAGEMAKER_MACHINE_LEARNING,
      timeout_ms: options.timeout_ms,
      retries: options.retries,
      secrets: [credentials.secret_access_key, ...(credentials.session_token ? [credentials.session_token] : [])],
    });
    this.apiUrl = new URL(credentials.endpoint_url ?? `https://api.sagemaker.${credentials.region}.amazonaws.com`);
    this.runtimeUrl = new URL(credentials.runtime_url ?? `https://runtime.sagemaker.${credentials.region}.amazonaws.com`);
  }

  /** A signed `ListEndpoints` of one item: AWS checks the key and the signature. */
  async verifyCredentials(): Promise<void> {
    await this.control("ListEndpoints", { MaxResults: 1 }, (b) => listEndpointsResponse.parse(b));
  }

  async listDeployments(): Promise<EngineDeployment[]> {
    const endpoints: { EndpointName: string; EndpointArn?: string; CreationTime?: number | string }[] = [];
    let next: string | undefined;
    do {
      const page = await this.control("ListEndpoints", { MaxResults: 100, ...(next ? { NextToken: next } : {}) }, (b) => listEndpointsResponse.parse(b));
      endpoints.push(...page.Endpoints);
      next = page.NextToken;
    } while (next);
    return Promise.all(
      endpoints.map(async (e) => {
        const endpoint = await this.control("DescribeEndpoint", { EndpointName: e.EndpointName }, (b) => describeEndpointResponse.parse(b));
        const config = await this.control("DescribeEndpointConfig", { EndpointConfigName: endpoint.EndpointConfigName }, (b) => describeEndpointConfigResponse.parse(b));
        const model = config.ProductionVariants[0]!.ModelName;
        const created = isoTime(e.CreationTime);
        return {
          deployment_id: e.EndpointName,
          name: e.EndpointName,
          created_at: created,
          deployment_type: "online",
          scoring_url: e.EndpointName,
          ...(e.EndpointArn ? { url: e.EndpointArn } : {}),
          asset: { source_uid: model, name: model, created: isoTime(config.CreationTime) || created, type: "model", frameworks: [] },
        };
      }),
    );
  }

  /** Sends the rows as `text/csv` (in the order of `fields`, as the model was trained) and reads linear-learner JSON. */
  async score(deployment: EngineDeployment, payload: FieldsValues): Promise<FieldsValues> {
    const name = deployment.scoring_url;
    if (!ENDPOINT_NAME.test(name)) {
      throw new EngineRequestError(this.#http.engine, name, "is not a SageMaker endpoint name: letters, digits and hyphens, at most 63, starting with a letter or digit.");
    }
    const body = payload.values.map((row) => row.map(csvCell).join(",")).join("\n");
    if (Buffer.byteLength(body) > MAX_INVOKE_BYTES) {
      throw new EngineRequestError(this.#http.engine, name, `the CSV body is over InvokeEndpoint's 5 MB limit: score fewer rows per call.`);
    }
    const answer = await this.signed(
      {
        method: "POST",
        url: new URL(`/endpoints/${encodeURIComponent(name)}/invocations`, this.runtimeUrl).toString(),
        headers: { "Content-Type": "text/csv", Accept: "application/json" },
        data: body,
        parse: (b) => linearLearnerResponse.parse(b),
      },
      body,
    );
    if (answer.predictions.length !== payload.values.length) {
      throw new EngineResponseError(this.#http.engine, name, `answered ${answer.predictions.length} predictions for ${payload.values.length} rows`);
    }
    return { fields: ["predicted_label", "score"], values: answer.predictions.map((p) => [p.predicted_label ?? null, p.score ?? null]) };
  }

  /** One JSON 1.1 call of the control plane (`X-Amz-Target: SageMaker.<action>`). */
  private control<T>(action: string, input: Record<string, unknown>, parse: (b: unknown) => T): Promise<T> {
    const body = JSON.stringify(input);
    return this.signed(
      {
        method: "POST",
        url: new URL("/", this.apiUrl).toString(),
        headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": `SageMaker.${action}` },
        data: body,
        idempotent: /^(List|Describe)/.test(action),
        parse,
      },
      body,
    );
  }

  /** Signs with SigV4 (service `sagemaker`, the credentials' region) and sends; the signature stays valid through the retries. */
  private async signed<T>(request: EngineRequest<T> & { parse: (b: unknown) => T }, body: string): Promise<T> {
    const url = new URL(request.url);
    const signed = aws4.sign(
      {
        host: url.host,
        path: `${url.pathname}${url.search}`,
        method: request.method as string,
        service: "sagemaker",
        region: this.#credentials.region,
        headers: { ...request.headers },
        body,
      },
      {
        accessKeyId: this.#credentials.access_key_id,
        secretAccessKey: this.#credentials.secret_access_key,
        ...(this.#credentials.session_token ? { sessionToken: this.#credentials.session_token } : {}),
      },
    );
    const headers = Object.fromEntries(Object.entries(signed.headers ?? {}).filter(([k]) => k.toLowerCase() !== "host").map(([k, v]) => [k, String(v)]));
    return (await this.#http.request<T>({ ...request, headers })).data;
  }
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** JSON 1.1 times are epoch seconds (numbers); ISO strings pass through. */
function isoTime(value: number | string | undefined): string {
  if (value === undefined) return "";
  return typeof value === "number" ? new Date(value * 1000).toISOString() : value;
}
