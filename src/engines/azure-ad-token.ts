import { z } from "zod";
import { EngineAuthenticationError, EngineRequestError } from "./errors";
import type { EngineHttp } from "./http";

export const DEFAULT_LOGIN_URL = "https://login.microsoftonline.com";
export const DEFAULT_MANAGEMENT_URL = "https://management.azure.com";

const tokenResponse = z.looseObject({ access_token: z.string().min(1), expires_in: z.union([z.number(), z.string()]), token_type: z.string().optional() });

/**
 * An Azure AD (Microsoft identity platform) client-credentials token for Azure Resource Manager, cached and renewed
 * in the last fifth of its life (never closer than a minute to its end), one exchange at a time.
 */
export class AzureAdTokenManager {
  private token: { value: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;
  exchanges = 0;

  constructor(
    private readonly http: EngineHttp,
    private readonly credentials: { tenant: string; client_id: string; client_secret: string; login_url?: string; management_url?: string },
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return this.token.value;
    this.pending ??= this.exchange().finally(() => (this.pending = undefined));
    return this.pending;
  }

  invalidate(): void {
    this.token = undefined;
  }

  private async exchange(): Promise<string> {
    const url = `${this.credentials.login_url ?? DEFAULT_LOGIN_URL}/${encodeURIComponent(this.credentials.tenant)}/oauth2/v2.0/token`;
    this.exchanges++;
    let response;
    try {
      response = await this.http.request({
        method: "POST",
        url,
        idempotent: true,
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        data: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: this.credentials.client_id,
          client_secret: this.credentials.client_secret,
          scope: `${this.credentials.management_url ?? DEFAULT_MANAGEMENT_URL}/.default`,
        }).toString(),
        parse: (body) => tokenResponse.parse(body),
      });
    } catch (error) {
      // Azure AD answers a wrong secret or an unknown client/tenant with 400 or 401 (invalid_client, AADSTS…).
      if ((error instanceof EngineRequestError || error instanceof EngineAuthenticationError) && (error.status === 400 || error.status === 401)) {
        throw new EngineAuthenticationError(this.http.engine, url, `Azure AD refused the service principal (${error.message.replace(/^.*?HTTP \d+: /, "").replace(/\)\. Check them\.$/, "")}). Check tenant, client_id and client_secret.`, error.status);
      }
      throw error;
    }
    const lifetime = Number(response.data.expires_in) * 1000;
    const issued = this.now();
    this.token = { value: response.data.access_token, refreshAt: issued + Math.min(lifetime * 0.8, Math.max(lifetime - 60_000, 0)) };
    return this.token.value;
  }
}
