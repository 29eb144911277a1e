import { EngineAuthenticationError } from "./errors";
import type { EngineHttp, EngineRequest } from "./http";

/** A source of bearer tokens that can be told a token was refused (IAM, Azure AD). */
export interface TokenSource {
  get(): Promise<string>;
  invalidate(): void;
}

/**
 * Sends a request with a bearer token from `tokens`. A 401 means the token was revoked or expired early: the token is
 * renewed and the request sent once more; a second 401 is the credentials' fault and is thrown.
 */
export async function bearerRequest<T>(http: EngineHttp, tokens: TokenSource, request: EngineRequest<T> & { parse: (body: unknown) => T }): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const token = await tokens.get();
    try {
      return (await http.request<T>({ ...request, headers: { ...request.headers, Authorization: `Bearer ${token}` } })).data;
    } catch (error) {
      if (attempt === 0 && error instanceof EngineAuthenticationError && error.status === 401) {
        tokens.invalidate();
        continue;
      }
      throw error;
    }
  }
}
