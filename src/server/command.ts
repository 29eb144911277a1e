/**
 * `openscale serve` and `openscale apikeys create|list|revoke`. Keys are printed once, at creation, and never
 * again; the server's URL is printed, never a key or a database password.
 */
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys";
import { serve, type ServerDatabase } from "./index";
import { openServerStore } from "./server-store";

type Options = Record<string, string | true>;

function databaseOf(options: Options): ServerDatabase {
  const db = options.db ?? process.env.OPENSCALE_SERVER_DB;
  if (typeof db === "string" && db !== "") return { kind: "postgresql", credentials: db };
  return { kind: "embedded", dir: typeof options["data-dir"] === "string" ? options["data-dir"] : ".openscale/server" };
}

export async function serveCommand(options: Options): Promise<number> {
  const port = options.port === undefined ? 8080 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error("openscale serve: --port expects a port number (0 for any free one)");
    return 2;
  }
  const cert = options["tls-cert"];
  const key = options["tls-key"];
  if ((cert === undefined) !== (key === undefined)) {
    console.error("openscale serve: give both --tls-cert and --tls-key, or neither");
    return 2;
  }
  try {
    const server = await serve({
      database: databaseOf(options),
      port,
      host: typeof options.host === "string" ? options.host : "127.0.0.1",
      ...(typeof cert === "string" && typeof key === "string" ? { tls: { cert, key } } : {}),
    });
    console.log(`openscale-ts data mart server listening on ${server.url}`);
    await new Promise<void>((resolve) => {
      const stop = () => void server.close().then(resolve);
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
    });
    return 0;
  } catch (error) {
    console.error(`openscale serve: ${(error as Error).message}`);
    return 1;
  }
}

export async function apikeysCommand(action: string | undefined, positional: string[], options: Options): Promise<number> {
  const store = await openServerStore(databaseOf(options)).catch((error: Error) => {
    console.error(`openscale apikeys: ${error.message}`);
    return undefined;
  });
  if (!store) return 1;
  try {
    if (action === "create") {
      const created = await createApiKey(store, { role: String(options.role), data_mart_id: String(options["data-mart"]), ...(typeof options.description === "string" ? { description: options.description } : {}) });
      console.log(`API key ${created.record.id} (role ${created.record.role}, data mart ${created.record.data_mart_id}). It is shown once; keep it now:`);
      console.log(created.key);
      return 0;
    }
    if (action === "list") {
      for (const k of await listApiKeys(store)) console.log(`${k.id}  ${k.role.padEnd(6)}  ${k.data_mart_id}  created ${k.created_at}${k.revoked_at ? `  revoked ${k.revoked_at}` : ""}${k.description ? `  ${k.description}` : ""}`);
      return 0;
    }
    if (action === "revoke" && positional[0]) {
      const k = await revokeApiKey(store, positional[0]);
      console.log(`API key ${k.id} revoked at ${k.revoked_at}.`);
      return 0;
    }
    console.error("Usage: openscale apikeys create --role admin|editor|viewer|ingest --data-mart ID | list | revoke KEY_ID  [--db URL | --data-dir DIR]");
    return 2;
  } catch (error) {
    console.error(`openscale apikeys: ${(error as Error).message}`);
    return 2;
  } finally {
    await store.close();
  }
}
