import { isSecretKey, MASK, redactText } from "../secrets";

/** Query parameters that carry credentials although their names do not say so (Azure SAS `sig`, Azure Functions `code`, ...). */
const SECRET_QUERY_KEY = /^(sig|code|key|apikey|auth|access_token|id_token|x-amz-security-token|x-amz-credential)$/i;

/**
 * A URL as error messages may show it: user info removed and query values that look like credentials masked, so an
 * error names the endpoint that failed without handing out what authenticates against it.
 */
export function shownUrl(url: string, secrets: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(url, secrets);
  }
  parsed.username = "";
  parsed.password = "";
  const query = [...parsed.searchParams];
  if (query.some(([key]) => isSecretQueryKey(key))) {
    parsed.search = new URLSearchParams(query.map(([key, value]): [string, string] => [key, isSecretQueryKey(key) ? MASK : value])).toString();
  }
  return redactText(parsed.toString(), secrets);
}

function isSecretQueryKey(key: string): boolean {
  return isSecretKey(key) || SECRET_QUERY_KEY.test(key);
}
