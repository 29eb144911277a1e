import { z } from "zod";
import { EngineAuthenticationError, EngineRequestError } from "./errors";
import { CachedToken } from "./cached-token";
import type { EngineHttp } from "./http";

export const DEFAULT_LOGIN_URL = "https://login.microsoftonline.com";
export const DEFAULT_MANAGEMENT_URL = "https://management.azure.com";

const tokenResponse = z.looseObject({ access_token: z.string().min(1), expires_in: z.union([z.number(), z.string()]), token_type: z.string().optional() });

/** An Azure AD (Microsoft identity platform) client-credentials token for Azure Resource Manager, cached and renewed before it expires. */
export class AzureAdTokenManager extends CachedToken {
  constructor(http: EngineHttp, credentials: ServicePrincipal, now: () => number = Date.now) {
    super(() => exchangeClientCredentials(http, credentials), now);
  }
}

interface ServicePrincipal {
  tenant: string;
  client_id: string;
  client_secret: string;
  login_url?: string;
  management_url?: string;
}

async function exchangeClientCredentials(http: EngineHttp, c: ServicePrincipal): Promise<{ token: string; lifetimeMs: number }> {
  const url = `${c.login_url ?? DEFAULT_LOGIN_URL}/${encodeURIComponent(c.tenant)}/oauth2/v2.0/token`;
  try {
    const response = await http.request({
      method: "POST",
      url,
      idempotent: true,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      data: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: c.client_id,
        client_secret: c.client_secret,
        scope: `${c.management_url ?? DEFAULT_MANAGEMENT_URL}/.default`,
      }).toString(),
      parse: (body) => tokenResponse.parse(body),
    });
    return { token: response.data.access_token, lifetimeMs: Number(response.data.expires_in) * 1000 };
  } catch (error) {
    // Azure AD answers a wrong secret or an unknown client/tenant with 400 or 401 (invalid_client, AADSTS…).
    if ((error instanceof EngineRequestError || error instanceof EngineAuthenticationError) && (error.status === 400 || error.status === 401)) {
      const reason = error.message.replace(/^.*?HTTP \d+: /, "").replace(/\)\. Check them\.$/, "");
      throw new EngineAuthenticationError(http.engine, url, `Azure AD refused the service principal (${reason}). Check tenant, client_id and client_secret.`, error.status);
    }
    throw error;
  }
}
