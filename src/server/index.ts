/**
 * `openscale serve`: the data mart server. Opens the server's tables, builds the app, listens; on SIGTERM (or
 * `close()`) it stops accepting, lets in-flight requests finish, then closes every data mart and the database.
 */
import fs from "node:fs";
import type { AdapterOptions } from "../engines/adapter";
import { DatabaseError } from "../errors";
import type { Store } from "../store/store";
import { secretBoxProvider } from "../store/secret-box";
import { ActiveKeys } from "./active-keys";
import { buildServer } from "./app";
import { DataMarts, serverSealingKey } from "./data-marts";
import { openServerStore, type ServerDatabase } from "./server-store";

export { createApiKey, listApiKeys, revokeApiKey, ROLES, type ApiKeyRecord, type Role } from "./api-keys";
export { openServerStore, type ServerDatabase } from "./server-store";

export interface ServeOptions {
  database: ServerDatabase;
  port?: number;
  host?: string;
  tls?: { cert: string; key: string };
  logger?: boolean | object;
  engine?: AdapterOptions;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  let store: Store;
  try {
    store = await openServerStore(options.database);
  } catch (error) {
    throw new DatabaseError(`The data mart server cannot open its database: ${(error as Error).message}`, { cause: error });
  }
  const sealing = options.database.kind === "embedded" ? secretBoxProvider(options.database.dir) : serverSealingKey();
  const dataMarts = new DataMarts(options.database, store, options.engine, sealing);
  const https = options.tls ? { cert: fs.readFileSync(options.tls.cert), key: fs.readFileSync(options.tls.key) } : undefined;
  const activeKeys = ActiveKeys.start(store, options.database);
  let app: Awaited<ReturnType<typeof buildServer>>;
  let address: string;
  try {
    app = await buildServer({ store, dataMarts, activeKeys, ...(options.logger !== undefined ? { logger: options.logger } : {}), ...(https ? { https } : {}) });
    address = await app.listen({ port: options.port ?? 8080, host: options.host ?? "127.0.0.1" });
  } catch (error) {
    await activeKeys.close();
    await store.close().catch(() => undefined);
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: address.replace("[::1]", "localhost"),
    close: () =>
      (closing ??= (async () => {
        await app.close(); // waits for in-flight requests; new connections are refused
        await activeKeys.close();
        await dataMarts.close();
        await store.close();
      })()),
  };
}
