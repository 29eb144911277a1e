import { z } from "zod";
import { EngineAuthenticationError, EngineRequestError } from "../errors";
import { CachedToken } from "../cached-token";
import type { EngineHttp } from "../http";

/** IBM Cloud IAM's default host. */
export const DEFAULT_IAM_URL = "https://iam.cloud.ibm.com";

const tokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
  expiration: z.number().optional(),
});

/** Exchanges an IBM Cloud API key for an IAM bearer token, cached and renewed before it expires. */
export class IamTokenManager extends CachedToken {
  constructor(http: EngineHttp, apikey: string, iamUrl: string = DEFAULT_IAM_URL, now: () => number = Date.now) {
    super(() => exchangeApiKey(http, apikey, iamUrl), now);
  }
}

async function exchangeApiKey(http: EngineHttp, apikey: string, iamUrl: string): Promise<{ token: string; lifetimeMs: number }> {
  const url = `${iamUrl}/identity/token`;
  try {
    const response = await http.request({
      method: "POST",
      url,
      idempotent: true,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      data: new URLSearchParams({ grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey }).toString(),
      parse: (body) => tokenResponse.parse(body),
    });
    return { token: response.data.access_token, lifetimeMs: response.data.expires_in * 1000 };
  } catch (error) {
    // IAM answers an unknown or revoked API key with 400 (BXNIM0415E): that is a credentials problem.
    if (error instanceof EngineRequestError && (error.status === 400 || error.status === 404)) {
      throw new EngineAuthenticationError(http.engine, url, `IAM rejected the API key (${error.message.replace(/^.*?: /, "")}). Check apikey in the credentials.`, error.status);
    }
    throw error;
  }
}
