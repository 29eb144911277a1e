/**
 * `GET /openapi.json`: the server's OpenAPI 3.1 document, generated from the route table (every path, verb, path and
 * query parameter, body kind and success status), from the zod schemas that check request bodies (the same ones the
 * service validates with) and from the zod schema of v1's error body. Served without a token.
 */
import { z } from "zod";
import { distributionRequest } from "../service/data-distribution";
import { createRequestSchema } from "../service/local-subscriptions";
import { createSchema as monitorDefinitionRequest } from "../service/monitors/definitions";
import { pathParameters, ROUTES, type ServiceMethod } from "../service/routes";
import { bindingRequest } from "../service/validate-requests";
import { TOKEN_SECONDS } from "./api-keys";

const VERSION: string = (require("../../package.json") as { version: string }).version;

const errorSchema = z.object({
  errors: z.array(z.object({ code: z.string(), message: z.string(), target: z.object({ type: z.literal("field"), name: z.string() }).optional() })),
  trace: z.string(),
  status_code: z.number().int(),
});

/**
 * Request bodies checked by a zod schema, by the call and the component name they get. Payload and feedback records
 * are checked record by record and row by row instead (errors name record, row and field), so they have none.
 */
const REQUEST_SCHEMAS: Partial<Record<ServiceMethod, [string, z.ZodType]>> = {
  createServiceBinding: ["ServiceBindingRequest", bindingRequest],
  createSubscription: ["SubscriptionRequest", createRequestSchema],
  createMonitorDefinition: ["MonitorDefinitionRequest", monitorDefinitionRequest],
  createDataDistribution: ["DataDistributionRequest", distributionRequest],
};

const openApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

export function openApiDocument(version = VERSION): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const add = (path: string, route: (typeof ROUTES)[number]) => {
    const params = ["dm", ...pathParameters(route), ...(path.includes(":b/subscriptions/:s") && !pathParameters(route).includes("b") ? ["b"] : [])];
    const query = (route.rest ?? []).flatMap((p) => (typeof p === "object" ? [p.query] : []));
    const operation: Record<string, unknown> = {
      operationId: route.method,
      security: [{ bearer: [] }],
      "x-openscale-access": route.access,
      parameters: [
        ...[...new Set(params)].map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
        ...query.map((name) => ({ name, in: "query", required: false, schema: { type: "string" } })),
        ...((route.rest ?? []).includes("query") ? [{ name: "query", in: "query", style: "form", explode: true, schema: { type: "object", additionalProperties: { type: "string" } } }] : []),
      ],
      responses: {
        [String(route.outcome ? 201 : (route.status ?? 200))]: { description: route.outcome ? `created (200 when it existed)` : "success" },
        default: { description: "an error, in v1's shape", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
      },
    };
    if ((route.rest ?? []).includes("body")) {
      const checked = REQUEST_SCHEMAS[route.method];
      const schema = checked ? { $ref: `#/components/schemas/${checked[0]}` } : {};
      operation.requestBody = { required: true, content: route.binary === "request" ? { "application/octet-stream": { schema: { type: "string", format: "binary" } } } : { "application/json": { schema } } };
    }
    (paths[openApiPath(path)] ??= {})[route.verb.toLowerCase()] = operation;
  };
  for (const route of ROUTES) {
    add(route.path, route);
    if (route.nested) add(route.path.replace("/subscriptions/:s", "/service_bindings/:b/subscriptions/:s"), route);
  }
  paths["/identity/token"] = {
    post: {
      operationId: "token",
      description: `IBM Cloud IAM's API key exchange: a bearer token valid ${TOKEN_SECONDS} s`,
      requestBody: { required: true, content: { "application/x-www-form-urlencoded": { schema: { type: "object", required: ["grant_type", "apikey"], properties: { grant_type: { const: "urn:ibm:params:oauth:grant-type:apikey" }, apikey: { type: "string" } } } } } },
      responses: { "200": { description: "the token" }, default: { description: "an error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } } },
    },
  };
  return {
    openapi: "3.1.0",
    info: { title: "openscale-ts data mart server", version, description: "Watson OpenScale v1's data mart REST API, with API keys and roles" },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: {
        Error: z.toJSONSchema(errorSchema),
        // What a request may hold (io: "input"); refinements a JSON Schema cannot say are checked by the server.
        ...Object.fromEntries(Object.values(REQUEST_SCHEMAS).map(([name, schema]) => [name, z.toJSONSchema(schema, { io: "input", unrepresentable: "any" })])),
      },
    },
    paths,
  };
}
