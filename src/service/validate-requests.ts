import { z } from "zod";
import { credentialSchemas } from "../engines/credential-schemas";
import { SERVICE_TYPE_VALUES } from "../engines/service-types";
import { ValidationError } from "../errors";
import { SCHEMA_NAME } from "../store/store";
import { parseOrThrow } from "../validation";
import type { DataMartSetupRequest, ServiceBindingCreateRequest } from "./resources";

/** Longest binding name accepted: room for a descriptive name, not for a pasted document. */
export const MAX_NAME_LENGTH = 256;

export const bindingName = z
  .string({ error: "expected the binding name as a string" })
  .trim()
  .min(1, "must not be empty: give the binding a name such as \"My custom engine\"")
  .max(MAX_NAME_LENGTH, `is too long: use at most ${MAX_NAME_LENGTH} characters`)
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters (newlines, tabs, ...)");

export const bindingRequest = z.strictObject({
  name: bindingName,
  service_type: z.enum(SERVICE_TYPE_VALUES as [string, ...string[]], {
    error: `expected one of ${SERVICE_TYPE_VALUES.join(", ")}`,
  }),
  instance_id: z.string().trim().min(1).max(256),
  credentials: z.record(z.string(), z.unknown()),
  request_headers: z.record(z.string(), z.string()).optional(),
});

export function validateBindingRequest(request: unknown): ServiceBindingCreateRequest {
  const parsed = parseOrThrow(bindingRequest, request, "service binding") as ServiceBindingCreateRequest;
  const credentials = { ...parsed.credentials, ...(parsed.request_headers ? { request_headers: parsed.request_headers } : {}) };
  parseOrThrow(credentialSchemas[parsed.service_type], credentials, `credentials for ${parsed.service_type}`, "credentials");
  return parsed;
}

export const schemaName = z
  .string({ error: "expected the schema name as a string" })
  .regex(SCHEMA_NAME, "is not a plain SQL identifier: use letters, digits and _ (not a digit first), at most 63 characters");

export function validateSetupRequest(request: DataMartSetupRequest): DataMartSetupRequest {
  if ("internal_database" in request) return request;
  const schema = request.database_configuration.location.schema;
  if (schema !== undefined) parseOrThrow(schemaName, schema, "data mart setup", "schema");
  if (request.database_configuration.database_type !== "postgresql") {
    throw new ValidationError("data mart setup", [
      { path: "db_credentials.db_type", message: "only PostgreSQL is supported: use \"postgresql\"" },
    ]);
  }
  return request;
}
