import { inspect } from "node:util";
import { z } from "zod";
import { DataMart } from "./data-mart/data-mart";
import { consoleOutput, type Output } from "./data-mart/output";
import type { DataMartService } from "./service/data-mart-service";
import { LocalDataMartService } from "./service/local-data-mart-service";
import { FolderLocation, MemoryLocation, type DataMartLocation } from "./store/data-mart-location";
import { secretBoxProvider } from "./store/secret-box";
import { parseOrThrow } from "./validation";

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
}

const clientOptions = z.strictObject({
  data_dir: z.string().min(1, "must not be empty: give a folder path such as \"./.openscale\"").optional(),
  in_memory: z.boolean().optional(),
  engine_timeout_ms: z.number().int().positive().optional(),
  engine_retries: z.number().int().min(0).max(10).optional(),
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
  /** True private: a PostgreSQL data mart's pointer holds its credentials. */
  readonly #location: DataMartLocation;

  constructor(options: APIClientOptions = {}, output: Output = consoleOutput) {
    const o = parseOrThrow(clientOptions, options, "APIClient options");
    const folder = o.in_memory ? undefined : (o.data_dir ?? ".openscale");
    this.#location = folder === undefined ? new MemoryLocation() : new FolderLocation(folder);
    this.#service = new LocalDataMartService({
      location: this.#location,
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
    return `APIClient(version='${this.version}', data_mart='${this.#location.describe()}')`;
  }

  toJSON(): { version: string; data_mart: string } {
    return { version: this.version, data_mart: this.#location.describe() };
  }
}
