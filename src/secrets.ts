/**
 * Secrets never leave the library: not in tables, details, errors or logs. `redact` masks secret fields of any
 * JSON-like value; `redactText` masks known secret values (and passwords inside URLs) in free text.
 */

export const MASK = "****";

const SECRET_KEY =
  /pass(word|wd)?$|secret|api[_-]?key|token|private|^key$|[_-]key$|signature|authorization|ca_certificate|certificate_base64|^sas/i;

/** Field names whose values are masked. `access_key_id` is an identifier, not a secret, and stays visible. */
export function isSecretKey(key: string): boolean {
  if (/^access_key_id$/i.test(key) || /_id$/i.test(key)) return false;
  return SECRET_KEY.test(key);
}

/** Masks the password of `scheme://user:password@host` URLs. */
export function redactUrl(url: string): string {
  return url.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]*)(@)/gi, `$1${MASK}$3`);
}

/** A deep copy of `value` with every secret field masked and passwords in URL strings hidden. */
export function redact<T>(value: T): T {
  return redactValue(value) as T;
}

function redactValue(value: unknown, key = ""): unknown {
  if (value === null || value === undefined) return value;
  if (key && isSecretKey(key) && typeof value !== "object") return MASK;
  if (typeof value === "string") return redactUrl(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v));
  if (value instanceof Date) return value;
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSecretKey(k) && v !== null && typeof v === "object" ? MASK : redactValue(v, k);
    }
    return out;
  }
  return value;
}

/** Masks each of `secrets` (and URL passwords) wherever it occurs in `text`. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = redactUrl(text);
  for (const s of secrets) if (s) out = out.split(s).join(MASK);
  return out;
}

/** Header values may be API keys, cookies or tokens whatever the header is called: show which headers are sent, not their values. */
export function maskHeaderValues(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, MASK]));
}
