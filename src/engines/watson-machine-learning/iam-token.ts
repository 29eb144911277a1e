import { z } from "zod";
import { EngineAuthenticationError, EngineRequestError } from "../errors";
import type { EngineHttp } from "../http";

/** IBM Cloud IAM's default host. */
export const DEFAULT_IAM_URL = "https://iam.cloud.ibm.com";

const tokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
  expiration: z.number().optional(),
});

/**
 * Exchanges an IBM Cloud API key for an IAM bearer token and keeps it: one exchange serves every call until the
 * token nears its end (the last fifth of its life, and never closer than a minute), then it is renewed once,
 * however many calls wait for it.
 */
export class IamTokenManager {
  private token: { value: string; expiresAt: number; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;
  /** Token exchanges made so far (for benchmarks: how many calls the cache saved). */
  exchanges = 0;

  constructor(
    private readonly http: EngineHttp,
    private readonly apikey: string,
    private readonly iamUrl: string = DEFAULT_IAM_URL,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid bearer token, from the cache when it is fresh. */
  async get(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return this.token.value;
    this.pending ??= this.exchange().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Forgets the token (after the engine said 401, say). */
  invalidate(): void {
    this.token = undefined;
  }

  private async exchange(): Promise<string> {
    const url = `${this.iamUrl}/identity/token`;
    this.exchanges++;
    let response;
    try {
      response = await this.http.request({
        method: "POST",
        url,
        idempotent: true,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        data: new URLSearchParams({ grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey: this.apikey }).toString(),
        parse: (body) => tokenResponse.parse(body),
      });
    } catch (error) {
      // IAM answers an unknown or revoked API key with 400 (BXNIM0415E): that is a credentials problem.
      if (error instanceof EngineRequestError && (error.status === 400 || error.status === 404)) {
        throw new EngineAuthenticationError(this.http.engine, url, `IAM rejected the API key (${error.message.replace(/^.*?: /, "")}). Check apikey in the credentials.`, error.status);
      }
      throw error;
    }
    const lifetime = response.data.expires_in * 1000;
    const issued = this.now();
    this.token = {
      value: response.data.access_token,
      expiresAt: issued + lifetime,
      refreshAt: issued + Math.min(lifetime * 0.8, Math.max(lifetime - 60_000, 0)),
    };
    return this.token.value;
  }
}
