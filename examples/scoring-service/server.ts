/**
 * A scoring web service in front of a model engine, with payload logging to an openscale-ts data mart server.
 * `POST /score` with `{fields, values}` (or v1's `{input_data: [{fields, values}]}`) calls the engine, answers the
 * caller with the engine's answer and a `scoring_id`, and queues the request and answer as a v1 payload record; the
 * PayloadLogger sends those in batches in the background, so the data mart server being slow or down never delays
 * or fails a prediction.
 *
 * Run: npx tsx examples/scoring-service/server.ts   (configuration: the environment variables of README.md)
 */
import { randomUUID } from "node:crypto";
import axios from "axios";
import Fastify from "fastify";
import { PayloadLogger, type PayloadLoggerOptions, type PayloadLoggerStats } from "./payload-logger";

export interface ScoringServiceOptions {
  /** The model's scoring URL, e.g. the custom engine's …/v1/deployments/credit/online. */
  engineScoringUrl: string;
  /** HTTP Basic auth of the engine, if it wants it. */
  engineAuth?: { username: string; password: string };
  engineTimeoutMs?: number;
  openscale: { url: string; apikey: string; dataMart: string; subscriptionId: string; bindingId?: string; deploymentId?: string };
  /** Batching, queue and retry settings of the payload logger. */
  logging?: Omit<PayloadLoggerOptions, "url" | "apikey" | "dataMart" | "log">;
  port?: number;
  host?: string;
  log?: (level: "info" | "warn" | "error", message: string) => void;
}

export interface ScoringService {
  url: string;
  readonly logging: PayloadLoggerStats;
  /** Stops taking requests, finishes those in flight, then sends every queued payload record. */
  close(flushTimeoutMs?: number): Promise<PayloadLoggerStats>;
}

interface FieldsValues {
  fields: string[];
  values: unknown[][];
}

/** The rows to score from either request shape, or why the body is not one. */
function rowsOf(body: unknown): FieldsValues | string {
  const input = (body as { input_data?: unknown[] } | null)?.input_data;
  const candidate = (Array.isArray(input) ? input[0] : body) as Partial<FieldsValues> | null | undefined;
  if (!candidate || !Array.isArray(candidate.fields) || !candidate.fields.every((f) => typeof f === "string")) return "expected {fields: [names…], values: [[…], …]} (or {input_data: [{fields, values}]})";
  if (!Array.isArray(candidate.values) || candidate.values.length === 0 || !candidate.values.every(Array.isArray)) return "values must be a non-empty array of rows (arrays)";
  return { fields: candidate.fields, values: candidate.values };
}

export async function startScoringService(options: ScoringServiceOptions): Promise<ScoringService> {
  const log = options.log ?? ((level, message) => console[level](`scoring service: ${message}`));
  const { url, apikey, dataMart, subscriptionId, bindingId, deploymentId } = options.openscale;
  const payloads = new PayloadLogger({ url, apikey, dataMart, ...options.logging, log });
  const engine = axios.create({ timeout: options.engineTimeoutMs ?? 10_000, validateStatus: () => true, ...(options.engineAuth ? { auth: options.engineAuth } : {}) });
  // No request logging: bodies are the callers' data, and the payload table is where they belong.
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });

  app.post("/score", async (request, reply) => {
    const rows = rowsOf(request.body);
    if (typeof rows === "string") return reply.status(400).send({ error: rows });
    const scoring_id = randomUUID();
    const scoring_timestamp = new Date().toISOString();
    const started = performance.now();
    let answer;
    try {
      answer = await engine.post(options.engineScoringUrl, rows);
    } catch (error) {
      log("error", `the engine could not be reached: ${(error as { code?: string }).code ?? (error as Error).message}`);
      return reply.status(502).send({ error: "the model engine could not be reached" });
    }
    const response_time = Math.round(performance.now() - started);
    // The engine's 4xx is the caller's mistake (a missing feature, say): pass it on. Anything else is ours: 502.
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 401 && answer.status !== 403) return reply.status(400).send({ error: "the model refused the input", engine: answer.data });
    if (answer.status !== 200) {
      log("error", `the engine answered HTTP ${answer.status}`);
      return reply.status(502).send({ error: `the model engine answered HTTP ${answer.status}` });
    }
    // Queued, not sent: the caller's answer never waits for the data mart server.
    payloads.enqueue({
      subscription_id: subscriptionId,
      ...(bindingId ? { binding_id: bindingId } : {}),
      ...(deploymentId ? { deployment_id: deploymentId } : {}),
      scoring_id,
      scoring_timestamp,
      request: rows,
      response: answer.data,
      response_time,
    });
    return { ...(answer.data as object), scoring_id };
  });
  app.get("/health", async () => ({ status: "ok", payloads_pending: payloads.pending }));

  const address = await app.listen({ port: options.port ?? 8000, host: options.host ?? "127.0.0.1" });
  let closing: Promise<PayloadLoggerStats> | undefined;
  return {
    url: address,
    get logging() {
      return payloads.stats;
    },
    close: (flushTimeoutMs) =>
      (closing ??= (async () => {
        await app.close(); // in-flight requests finish (and queue their records) first
        return payloads.close(flushTimeoutMs);
      })()),
  };
}

/** The options from the environment; the message names every missing variable (never a value). */
export function optionsFromEnvironment(env: NodeJS.ProcessEnv = process.env): ScoringServiceOptions {
  const required = ["OPENSCALE_URL", "OPENSCALE_APIKEY", "OPENSCALE_DATA_MART", "OPENSCALE_SUBSCRIPTION", "ENGINE_SCORING_URL"];
  const missing = required.filter((name) => !env[name]);
  if (missing.length) throw new Error(`set ${missing.join(", ")} (see examples/scoring-service/README.md)`);
  if ((env.ENGINE_USERNAME === undefined) !== (env.ENGINE_PASSWORD === undefined)) throw new Error("set both ENGINE_USERNAME and ENGINE_PASSWORD, or neither");
  const port = Number(env.PORT ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("PORT must be a port number");
  return {
    engineScoringUrl: env.ENGINE_SCORING_URL!,
    ...(env.ENGINE_USERNAME ? { engineAuth: { username: env.ENGINE_USERNAME, password: env.ENGINE_PASSWORD! } } : {}),
    openscale: {
      url: env.OPENSCALE_URL!,
      apikey: env.OPENSCALE_APIKEY!,
      dataMart: env.OPENSCALE_DATA_MART!,
      subscriptionId: env.OPENSCALE_SUBSCRIPTION!,
      ...(env.OPENSCALE_BINDING ? { bindingId: env.OPENSCALE_BINDING } : {}),
      ...(env.OPENSCALE_DEPLOYMENT ? { deploymentId: env.OPENSCALE_DEPLOYMENT } : {}),
    },
    port,
    host: env.HOST ?? "127.0.0.1",
  };
}

async function main(): Promise<void> {
  const options = optionsFromEnvironment();
  const service = await startScoringService(options);
  // The key is never printed: only where the payloads go.
  console.log(`scoring service listening on ${service.url}; payloads to ${options.openscale.url}, data mart ${options.openscale.dataMart}, subscription ${options.openscale.subscriptionId}`);
  const stop = async (signal: string) => {
    console.log(`${signal}: finishing requests and sending queued payload records…`);
    const stats = await service.close();
    console.log(`stopped: ${stats.delivered} records delivered, ${stats.rejected} rejected, ${stats.droppedQueueFull} dropped (queue full), ${stats.retries} retries, ${stats.undelivered} undelivered`);
    process.exit(stats.undelivered > 0 ? 1 : 0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`scoring service: ${error.message}`);
    process.exit(1);
  });
}
