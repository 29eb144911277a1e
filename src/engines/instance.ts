import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import type { z } from "zod";
import { ValidationError } from "../errors";
import { maskHeaderValues, redact } from "../secrets";
import { parseOrThrow } from "../validation";
import type { ServiceType } from "./service-types";

/**
 * An engine to bind: its service type, the id the binding records for it, and its validated credentials.
 * Credentials are checked when the object is built, so a typo fails at once and nothing is stored.
 * Printing or serialising an instance masks every secret.
 */
export abstract class MachineLearningInstance<C extends object = object> {
  readonly service_type: ServiceType;
  /** The engine instance id the binding records (v1: `instance_id`). */
  readonly source_uid: string;
  readonly credentials: C;

  protected constructor(
    className: string,
    serviceType: ServiceType,
    schema: z.ZodType<C>,
    credentials: unknown,
    sourceUid?: (credentials: C) => string | undefined,
  ) {
    if (credentials === null || typeof credentials !== "object" || Array.isArray(credentials)) {
      throw new ValidationError(`credentials for ${className}`, [
        { path: "credentials", message: `expected an object with the engine's credential fields, got ${credentials === null ? "null" : Array.isArray(credentials) ? "an array" : typeof credentials}` },
      ]);
    }
    this.service_type = serviceType;
    this.credentials = parseOrThrow(schema, credentials, `credentials for ${className} (${serviceType})`, "credentials");
    this.source_uid = sourceUid?.(this.credentials) ?? randomUUID();
  }

  /** The instance with every secret masked, `request_headers` values included (a Cookie is as secret as a password). */
  toJSON(): { service_type: ServiceType; source_uid: string; credentials: C } {
    const { request_headers, ...rest } = this.credentials as { request_headers?: unknown };
    const credentials = redact(rest) as Record<string, unknown>;
    if (request_headers !== null && typeof request_headers === "object") {
      credentials.request_headers = maskHeaderValues(request_headers as Record<string, string>);
    }
    return { service_type: this.service_type, source_uid: this.source_uid, credentials: credentials as C };
  }

  [inspect.custom](): string {
    return `${this.constructor.name} ${inspect(this.toJSON(), { depth: 4 })}`;
  }
}
