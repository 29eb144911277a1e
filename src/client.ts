import { inspect } from "node:util";
import { z } from "zod";
import { DataMart } from "./data-mart/data-mart";
import { consoleOutput, type Output } from "./data-mart/output";
import type { DataMartService } from "./service/data-mart-service";
import { LocalDataMartService } from "./service/local-data-mart-service";
import { ValidationError } from "./errors";
import { remoteDataMartService } from "./remote/remote-service";
import { FolderLocation, MemoryLocation } from "./store/data-mart-location";
import { secretBoxProvider } from "./store/secret-box";
import { parseOrThrow } from "./validation";

/**
 * The environment variables that point every `new APIClient(...)` without `url` at a data mart server, so a notebook
 * or script written for the embedded data mart runs unchanged against a team's server.
 */
const SERVER_VARIABLES = { url: "OPENSCALE_URL", apikey: "OPENSCALE_APIKEY", instance_guid: "OPENSCALE_INSTANCE_GUID" } as const;

/** Options of `new APIClient()`. Everything has a default: `new APIClient()` opens `./.openscale`. */
export interface APIClientOptions {
  /** Folder holding the embedded data mart (and the pointer to a PostgreSQL one). @default "./.openscale" */
  data_dir?: string;
  /** Keep the data mart in memory only: for tests and quick looks. @default false */
  in_memory?: boolean;
  /** Milliseconds one attempt at an engine call may take in all (connecting, headers, body) before it is abandoned. @default 10000 */
  engine_timeout_ms?: number;
  /** Extra attempts for idempotent engine calls after a refused connection, a timeout or a 502/503/504. @default 2 */
  engine_retries?: number;
  /** A data mart server (`openscale serve`): its URL, with `apikey` and `instance_guid`, as v1's aios_credentials. */
  url?: string;
  /** An API key of the server (`openscale apikeys create`): exchanged for a bearer token, never sent otherwise. */
  apikey?: string;
  /** The server's data mart to use (v1: the instance GUID). */
  instance_guid?: string;
}

const clientOptions = z.strictObject({
  data_dir: z.string().min(1, "must not be empty: give a folder path such as \"./.openscale\"").optional(),
  in_memory: z.boolean().optional(),
  engine_timeout_ms: z.number().int().positive().optional(),
  engine_retries: z.number().int().min(0).max(10).optional(),
  url: z.url({ error: "expected the data mart server's URL, e.g. http://localhost:8080" }).optional(),
  apikey: z.string().min(1).optional(),
  instance_guid: z.string().min(1).optional(),
});

/** The package version, read once from package.json (works from src/ and dist/). */
export const VERSION: string = (require("../package.json") as { version: string }).version;

/**
 * The entry point: opens a data mart and exposes it as `client.data_mart`, as the v1 Python SDK does.
 * Nothing is opened until the first call that needs the database.
 * @example
 * const client = new APIClient();
 * await client.data_mart.setup();
 * await client.data_mart.bindings.list();
 */
export class APIClient {
  /** The openscale-ts version, like the Python SDK's `client.version`. */
  readonly version = VERSION;
  readonly data_mart: DataMart;
  readonly #service: DataMartService;
  /** Where the data mart is, for printing (never a credential). */
  readonly #describe: string;

  constructor(options: APIClientOptions = {}, output: Output = consoleOutput) {
    const o = withServerFromEnvironment(parseOrThrow(clientOptions, options, "APIClient options"));
    if (o.url !== undefined || o.apikey !== undefined || o.instance_guid !== undefined) {
      const missing = (["url", "apikey", "instance_guid"] as const).filter((k) => o[k] === undefined);
      if (missing.length) throw new ValidationError("APIClient options", missing.map((k) => ({ path: k, message: "is needed to use a data mart server: give url, apikey and instance_guid" })));
      if (o.data_dir !== undefined || o.in_memory !== undefined) throw new ValidationError("APIClient options", [{ path: "url", message: "a data mart server keeps the data mart: leave out data_dir and in_memory" }]);
      this.#describe = `server ${o.url} (data mart ${o.instance_guid})`;
      this.#service = remoteDataMartService({ url: o.url!, apikey: o.apikey!, instance_guid: o.instance_guid!, ...(o.engine_timeout_ms ? { timeout_ms: o.engine_timeout_ms } : {}) });
      this.data_mart = new DataMart(this.#service, output);
      return;
    }
    const folder = o.in_memory ? undefined : (o.data_dir ?? ".openscale");
    const location = folder === undefined ? new MemoryLocation() : new FolderLocation(folder);
    this.#describe = location.describe();
    this.#service = new LocalDataMartService({
      location,
      // Engine secrets are sealed at rest with a key kept beside datamart.json (or in OPENSCALE_SECRET_KEY).
      secrets: secretBoxProvider(folder),
      engine: { timeout_ms: o.engine_timeout_ms, retries: o.engine_retries },
    });
    this.data_mart = new DataMart(this.#service, output);
  }

  /** Closes the database connection (a later call reopens it). Call it at the end of a script for a prompt exit. */
  async close(): Promise<void> {
    await this.#service.close();
  }

  [inspect.custom](): string {
    return `APIClient(version='${this.version}', data_mart='${this.#describe}')`;
  }

  toJSON(): { version: string; data_mart: string } {
    return { version: this.version, data_mart: this.#describe };
  }
}

/**
 * Options naming no server take the one OPENSCALE_URL, OPENSCALE_APIKEY and OPENSCALE_INSTANCE_GUID name, when the
 * first is set: its data mart replaces the embedded one that data_dir or in_memory would open.
 */
function withServerFromEnvironment(options: z.infer<typeof clientOptions>, env: NodeJS.ProcessEnv = process.env): z.infer<typeof clientOptions> {
  if (options.url !== undefined || options.apikey !== undefined || options.instance_guid !== undefined || !env[SERVER_VARIABLES.url]) return options;
  const named = Object.fromEntries(Object.entries(SERVER_VARIABLES).map(([option, variable]) => [option, env[variable]]));
  const missing = Object.entries(SERVER_VARIABLES).filter(([option]) => !named[option]);
  if (missing.length) {
    throw new ValidationError("APIClient environment", missing.map(([, variable]) => ({ path: variable, message: `is needed with ${SERVER_VARIABLES.url}: set ${Object.values(SERVER_VARIABLES).join(", ")} together (or unset ${SERVER_VARIABLES.url} for the embedded data mart)` })));
  }
  const { data_dir: _dir, in_memory: _memory, ...rest } = options;
  return parseOrThrow(clientOptions, { ...rest, ...named }, `APIClient environment (${Object.values(SERVER_VARIABLES).join(", ")})`);
}
