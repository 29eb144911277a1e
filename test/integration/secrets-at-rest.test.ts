import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIClient,
  AzureMachineLearningServiceInstance,
  AzureMachineLearningStudioInstance,
  CustomMachineLearningAsset,
  CustomMachineLearningInstance,
  generateCreditRisk,
  ProblemType,
  rowsOf,
  SageMakerMachineLearningInstance,
  SecretKeyError,
  startLocalEngines,
  WatsonMachineLearningInstance,
  type LocalEngines,
} from "../../src/index";
import { PGliteStore } from "../../src/store/pglite-store";
import { resolvePostgresCredentials } from "../../src/store/postgres-credentials";
import { PostgresStore } from "../../src/store/postgres-store";
import type { Store } from "../../src/store/store";
import { RecordingOutput } from "../support/recording-output";
import { startTestPostgres, type TestPostgres } from "../support/postgres";

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-at-rest-"));
const HEADER_SECRET = `header-secret-${randomBytes(8).toString("hex")}`;
const BINDING_NAME = "At-rest custom engine";
const credit = generateCreditRisk({ rows: 10, seed: 3 });
const rows = rowsOf(credit).map(({ Risk: _, ...r }) => r);

let engines: LocalEngines;
let postgres: TestPostgres;

before(async () => {
  engines = await startLocalEngines();
  // On disk, so the server's own files (pg_wal included) can be read raw too.
  postgres = await startTestPostgres({ dataDir: path.join(tempDir, "postgres-server") });
});
after(async () => {
  await engines.stop();
  await postgres.stop();
  fs.rmSync(tempDir, { recursive: true, force: true });
});

/** Every engine secret handed to the data mart. */
function engineSecrets(): string[] {
  const all = [
    engines.wml.apikey,
    engines.azure_studio.client_secret,
    engines.azure_service.client_secret,
    engines.sagemaker.secret_access_key,
    engines.custom.password!,
    HEADER_SECRET,
  ];
  assert.ok(all.every((s) => typeof s === "string" && s.length >= 8), "the local engines have real secrets");
  return all;
}

function filesUnder(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Which of `needles` occur in the raw bytes of any file under `folder`, and where. */
function foundInFiles(folder: string, needles: string[]): string[] {
  const found: string[] = [];
  for (const file of filesUnder(folder)) {
    const bytes = fs.readFileSync(file);
    for (const needle of needles) if (bytes.includes(Buffer.from(needle, "utf8"))) found.push(`${needle.slice(0, 4)}… in ${path.relative(folder, file)}`);
  }
  return found;
}

/** `SELECT *` of every table of the data mart's schema: what a dump shows. */
async function dump(store: Store): Promise<{ text: string; bindings: Record<string, unknown>[] }> {
  const tables = await store.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name",
  );
  assert.ok(tables.some((t) => t.table_name === "service_bindings"), "the schema holds the data mart");
  let text = "";
  for (const { table_name } of tables) text += JSON.stringify(await store.query(`SELECT * FROM "${table_name}"`));
  return { text, bindings: await store.query("SELECT * FROM service_bindings") };
}

async function bindAllFive(client: APIClient): Promise<string[]> {
  return [
    await client.data_mart.bindings.add("Watson ML", new WatsonMachineLearningInstance(engines.wml)),
    await client.data_mart.bindings.add("Azure ML Studio", new AzureMachineLearningStudioInstance(engines.azure_studio)),
    await client.data_mart.bindings.add("Azure ML Service", new AzureMachineLearningServiceInstance(engines.azure_service)),
    await client.data_mart.bindings.add("SageMaker", new SageMakerMachineLearningInstance(engines.sagemaker)),
    await client.data_mart.bindings.add(BINDING_NAME, new CustomMachineLearningInstance({ ...engines.custom, request_headers: { "X-Api-Key": HEADER_SECRET } })),
  ];
}

async function assetBindings(client: APIClient): Promise<Set<string>> {
  return new Set((await client.data_mart.bindings.get_asset_details()).map((a) => a.binding_uid));
}

const setups = [
  {
    name: "embedded PGlite on disk",
    dir: path.join(tempDir, "embedded"),
    setup: (client: APIClient) => client.data_mart.setup(),
    openStore: (dir: string) => PGliteStore.open(path.join(dir, "db")),
    serverFiles: () => undefined as string | undefined,
  },
  {
    name: "PostgreSQL",
    dir: path.join(tempDir, "postgres-client"),
    setup: (client: APIClient) => client.data_mart.setup({ db_credentials: postgres.url, schema: `at_rest_${process.pid}` }),
    openStore: () => PostgresStore.open(resolvePostgresCredentials(postgres.url), `at_rest_${process.pid}`),
    serverFiles: () => postgres.dataDir,
  },
];

for (const s of setups) {
  describe(`engine secrets at rest: ${s.name}`, () => {
    let uids: string[];

    test("five bound engines, a subscription and its payloads: no secret in any file of the data folder", async () => {
      const client = new APIClient({ data_dir: s.dir }, new RecordingOutput());
      await s.setup(client);
      uids = await bindAllFive(client);
      assert.deepEqual(await assetBindings(client), new Set(uids), "every engine lists its assets");
      const subscription = await client.data_mart.subscriptions.add(
        new CustomMachineLearningAsset({
          source_uid: "credit",
          binding_uid: uids[4]!,
          problem_type: ProblemType.BINARY_CLASSIFICATION,
          label_column: "Risk",
          prediction_column: "prediction",
          probability_column: "probability",
          feature_columns: credit.feature_columns,
          categorical_columns: credit.categorical_columns,
        }),
      );
      assert.equal((await subscription.score(rows.slice(0, 3))).values.length, 3);
      await client.close();

      const serverFiles = s.serverFiles();
      assert.deepEqual([...foundInFiles(s.dir, engineSecrets()), ...(serverFiles ? foundInFiles(serverFiles, engineSecrets()) : [])], []);
      assert.equal(fs.statSync(path.join(s.dir, "datamart.key")).mode & 0o777, 0o600, "the key file is the owner's only");
      // The search does read the database's files: a binding's name is found there.
      const dataFiles = serverFiles ?? s.dir;
      if (s.name.startsWith("embedded") || serverFiles) assert.notDeepEqual(foundInFiles(dataFiles, [BINDING_NAME]), [], "rows reached the files read");
    });

    test("a SELECT * of every table shows no secret; the masked fields and the sealed copy are there", async () => {
      const store = await s.openStore(s.dir);
      try {
        const { text, bindings } = await dump(store);
        for (const secret of engineSecrets()) assert.ok(!text.includes(secret), `a secret is in the dump: ${secret.slice(0, 4)}…`);
        assert.equal(bindings.length, 5);
        for (const row of bindings) assert.match(String(row.sealed_credentials), /^osk1:[0-9a-f]{8}:/);
        const custom = bindings.find((r) => r.name === BINDING_NAME)!;
        assert.deepEqual(custom.credentials, { url: engines.custom.url, username: engines.custom.username, password: "****" });
        assert.deepEqual(custom.request_headers, { "X-Api-Key": "****" });
      } finally {
        await store.close();
      }
    });

    test("a reopened client still lists every engine's assets and scores", async () => {
      const client = new APIClient({ data_dir: s.dir }, new RecordingOutput());
      try {
        assert.deepEqual(await assetBindings(client), new Set(uids));
        const subscription = await client.data_mart.subscriptions.get({ name: "credit" });
        assert.equal((await subscription.score(rows.slice(3, 5))).values.length, 2);
        const details = (await client.data_mart.bindings.get_details(uids[3]!)) as { entity: { credentials: Record<string, unknown> } };
        assert.equal(details.entity.credentials.access_key_id, engines.sagemaker.access_key_id);
        assert.equal(details.entity.credentials.secret_access_key, "****");
      } finally {
        await client.close();
      }
    });

    test("another OPENSCALE_SECRET_KEY: bindings still list, engine calls fail saying the key does not match", async () => {
      process.env.OPENSCALE_SECRET_KEY = randomBytes(32).toString("base64");
      const out = new RecordingOutput();
      const client = new APIClient({ data_dir: s.dir }, out);
      try {
        assert.deepEqual(new Set(await client.data_mart.bindings.get_uids()), new Set(uids));
        await assert.rejects(client.data_mart.bindings.list_assets({ binding_uid: uids[4]! }), (e: unknown) => {
          const message = (e as Error).message;
          return (
            e instanceof SecretKeyError &&
            /^The data mart's secret key does not match: was OPENSCALE_SECRET_KEY changed/.test(message) &&
            message.includes(BINDING_NAME) &&
            !/unable to authenticate|bad decrypt|Unsupported state/i.test(message)
          );
        });
        assert.deepEqual(await client.data_mart.bindings.get_asset_details(), []);
        assert.match(out.warnings.join("\n"), /secret key does not match/);
      } finally {
        delete process.env.OPENSCALE_SECRET_KEY;
        await client.close();
      }
    });
  });
}

describe("rows an earlier version stored in clear", () => {
  test("are sealed when the data mart is opened, and keep working", async () => {
    const dir = path.join(tempDir, "upgrade");
    const first = new APIClient({ data_dir: dir }, new RecordingOutput());
    await first.data_mart.setup();
    const uid = await first.data_mart.bindings.add(BINDING_NAME, new CustomMachineLearningInstance({ ...engines.custom, request_headers: { "X-Api-Key": HEADER_SECRET } }));
    await first.close();

    // What an earlier version wrote: the credentials and headers in clear, nothing sealed.
    let store = await PGliteStore.open(path.join(dir, "db"));
    const { url, username, password } = engines.custom;
    await store.query("UPDATE service_bindings SET credentials = $2, request_headers = $3, sealed_credentials = NULL WHERE guid = $1", [
      uid,
      JSON.stringify({ url, username, password }),
      JSON.stringify({ "X-Api-Key": HEADER_SECRET }),
    ]);
    await store.close();
    fs.rmSync(path.join(dir, "datamart.key"));

    const second = new APIClient({ data_dir: dir }, new RecordingOutput());
    assert.deepEqual([...(await assetBindings(second))], [uid]);
    await second.close();

    store = await PGliteStore.open(path.join(dir, "db"));
    try {
      const { text, bindings } = await dump(store);
      assert.ok(!text.includes(password!) && !text.includes(HEADER_SECRET), "sealed on open");
      assert.match(String(bindings[0]!.sealed_credentials), /^osk1:/);
    } finally {
      await store.close();
    }
    assert.ok(fs.existsSync(path.join(dir, "datamart.key")));
  });
});
