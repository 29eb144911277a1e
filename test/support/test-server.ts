/**
 * A data mart server in the test's process, for tests that use data marts through `APIClient({ url, apikey,
 * instance_guid })`: on the PostgreSQL of OPENSCALE_TEST_POSTGRES_URL when it is set (as production runs it; engine
 * secrets sealed with an OPENSCALE_SECRET_KEY made for the run), else embedded in a folder of its own. Keys for any
 * data mart are made while it runs.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createApiKey, openServerStore, serve, type Role, type RunningServer, type ServerDatabase } from "../../src/server/index";
import type { AdapterOptions } from "../../src/engines/adapter";
import { tokenFor } from "./api-token";
import type { Store } from "../../src/store/store";

export interface TestServer {
  url: string;
  database: ServerDatabase["kind"];
  /** A new API key of `role` for data mart `dm`. */
  key(dm: string, role?: Role): Promise<string>;
  /** `GET /v1/data_marts/{dm}{path}` with an admin key: the server's answer, parsed. */
  read(dm: string, path?: string): Promise<{ status: number; body: any }>;
  /** Deletes the data marts this run made (PostgreSQL keeps them otherwise) and stops the server. */
  close(): Promise<void>;
}

export async function startTestServer(label: string, engine?: AdapterOptions): Promise<TestServer> {
  const postgresUrl = process.env.OPENSCALE_TEST_POSTGRES_URL;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `openscale-${label}-server-`));
  const previousKey = process.env.OPENSCALE_SECRET_KEY;
  if (postgresUrl && !previousKey) process.env.OPENSCALE_SECRET_KEY = randomBytes(32).toString("base64");
  const database: ServerDatabase = postgresUrl ? { kind: "postgresql", credentials: postgresUrl } : { kind: "embedded", dir };
  const keys: Store = await openServerStore(database);
  const server: RunningServer = await serve({ database, port: 0, logger: false, ...(engine ? { engine } : {}) });
  const dataMarts = new Set<string>();
  const admins = new Map<string, Promise<string>>();
  const adminKey = (dm: string) => {
    if (!admins.has(dm)) admins.set(dm, createApiKey(keys, { role: "admin", data_mart_id: dm }).then((k) => k.key));
    return admins.get(dm)!;
  };
  return {
    url: server.url,
    database: database.kind,
    key: async (dm, role = "admin") => {
      dataMarts.add(dm);
      return (await createApiKey(keys, { role, data_mart_id: dm })).key;
    },
    read: (dm, at = "") => call(server.url, "GET", `/v1/data_marts/${dm}${at}`, adminKey(dm)),
    close: async () => {
      for (const dm of dataMarts) await call(server.url, "DELETE", `/v1/data_marts/${dm}`, adminKey(dm)).catch(() => undefined);
      await server.close();
      await keys.close();
      if (previousKey === undefined) delete process.env.OPENSCALE_SECRET_KEY;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function call(url: string, method: string, at: string, apikey: Promise<string>): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${at}`, { method, headers: { authorization: `Bearer ${await tokenFor(url, await apikey)}` } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
