import { ValidationError } from "./errors";

/**
 * Credentials from an environment variable holding them as JSON (named like the tutorials' dicts:
 * `WML_CREDENTIALS`, `AZURE_ENGINE_CREDENTIALS`, `SAGEMAKER_ENGINE_CREDENTIALS`, …), or `fallback` when it is unset:
 * the same notebook then talks to a real cloud or to a local engine.
 */
export function credentialsFromEnvironment<T extends object>(name: string, fallback: T): T {
  const text = process.env[name];
  if (text === undefined || text.trim() === "") return fallback;
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as T;
  } catch {
    // reported below, without echoing the value (it holds secrets)
  }
  throw new ValidationError(`environment variable ${name}`, [
    { path: name, message: "must hold the credentials as a JSON object, e.g. {\"apikey\": \"…\", \"url\": \"…\"}" },
  ]);
}
