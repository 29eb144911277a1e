/**
 * The same data mart twice, on PGlite (in memory) and on PostgreSQL (startTestPostgres), with the local engines:
 * for tests that must see both stores behave alike. Under test/remote/ (./test-client.ts) it is one data mart
 * instead, on a data mart server, used through the remote client. Registers its own before/after hooks.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { APIClient, startLocalEngines, type LocalEngines } from "../../src/index";
import { startTestPostgres, type TestPostgres } from "./postgres";
import { RecordingOutput } from "./recording-output";
import { closeTestClients, REMOTE, testClient } from "./test-client";

/** The name of the one mart under test/remote/. */
export const REMOTE_MART = "data mart server";

export type Mart<T> = T & { name: string; client: APIClient; out: RecordingOutput };

export interface TwoMarts<T> {
  marts: Mart<T>[];
  engines(): LocalEngines;
  postgres(): TestPostgres;
  /** The PostgreSQL schema the second mart lives in. */
  schema: string;
  /** A folder removed after the tests. */
  dataDir: string;
  /** A test that runs `body` on each mart in turn, naming the mart in any failure. */
  each(name: string, body: (mart: Mart<T>) => Promise<void>): void;
}

export function twoMarts<T>(label: string, prepare: (client: APIClient, engines: LocalEngines) => Promise<T>): TwoMarts<T> {
  const marts: Mart<T>[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `openscale-${label}-`));
  const schema = `${label.replace(/\W/g, "_")}_${process.pid}`;
  let engines: LocalEngines | undefined;
  let postgres: TestPostgres | undefined;
  const open = async (name: string, setup: (client: APIClient) => Promise<void>, clientOf: (out: RecordingOutput) => APIClient | Promise<APIClient>) => {
    const out = new RecordingOutput();
    const client = await clientOf(out);
    await setup(client);
    marts.push({ ...(await prepare(client, engines!)), name, client, out });
  };
  before(async () => {
    engines = await startLocalEngines();
    postgres = await startTestPostgres();
    if (REMOTE) return open(REMOTE_MART, (c) => c.data_mart.setup(), (out) => testClient(out));
    await open("PGlite", (c) => c.data_mart.setup(), (out) => new APIClient({ in_memory: true }, out));
    await open(postgres.kind, (c) => c.data_mart.setup({ db_credentials: postgres!.url, schema }), (out) => new APIClient({ data_dir: dataDir }, out));
  });
  after(async () => {
    for (const mart of marts) {
      await mart.client.data_mart.delete({ background_mode: true }).catch(() => undefined);
      await mart.client.close();
    }
    await closeTestClients();
    await engines?.stop();
    await postgres?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    marts,
    engines: () => engines!,
    postgres: () => postgres!,
    schema,
    dataDir,
    each: (name, body) =>
      test(name, async () => {
        for (const mart of marts) await body(mart).catch((error: Error) => assert.fail(`${mart.name}: ${error.stack}`));
      }),
  };
}
